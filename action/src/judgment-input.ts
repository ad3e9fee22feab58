/** The judgment input an approval comment chooses: its first word, matched to the inputs. */
export type ChosenInput = { ok: true; input?: string } | { ok: false; error: string };

/**
 * First word of the comment, case-insensitive, as one of the judgment's inputs; an empty comment
 * means the first input. Anything else fails closed: a typo must never pick a path.
 */
export function chooseInput(comment: string, inputs: readonly string[]): ChosenInput {
  // "rollback: error rate doubled" chooses rollback: trailing punctuation is not part of the word.
  const word = (comment.trim().split(/\s+/)[0] ?? "").replace(/[.,:;!?]+$/, "");
  if (word === "") return { ok: true, input: inputs[0] };
  if (inputs.length === 0) return { ok: true };
  const match = inputs.find((i) => i.toLowerCase() === word.toLowerCase());
  if (match) return { ok: true, input: match };
  return {
    ok: false,
    error: `The approval comment starts with '${word}', which is not an input of this judgment. Inputs: ${inputs.join(", ")}.`,
  };
}
