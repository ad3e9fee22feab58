import type { Span } from "../diagnostics/diagnostic.js";
import { childrenOf, type ExprNode } from "../expr/ast.js";

/** `#stage('X')['outputs']['name']` (or `.outputs.name`) under an expression offset. */
export interface StageOutputReference {
  /** The stage's name or id as written in `#stage(...)`. */
  stage: string;
  output: string;
  /** The output name's span, expression-relative. */
  span: Span;
}

const keyOf = (node: ExprNode): { name: string; span: Span } | undefined => {
  if (node.kind === "property") return { name: node.name, span: node.nameSpan };
  if (node.kind === "index" && node.index.kind === "literal" && typeof node.index.value === "string")
    return { name: node.index.value, span: node.index.span };
  return undefined;
};

const objectOf = (node: ExprNode): ExprNode | undefined =>
  node.kind === "property" || node.kind === "index" ? node.object : undefined;

/** The stage output a position names, if any (hover shows its description). */
export function stageOutputAt(ast: ExprNode, at: number): StageOutputReference | undefined {
  const key = keyOf(ast);
  const outputs = objectOf(ast);
  if (key && outputs && at >= key.span.start && at <= key.span.end) {
    const outputsKey = keyOf(outputs);
    const call = objectOf(outputs);
    const arg = call?.kind === "function" && call.name === "stage" ? call.args[0] : undefined;
    if (outputsKey?.name === "outputs" && arg?.kind === "literal" && typeof arg.value === "string")
      return { stage: arg.value, output: key.name, span: key.span };
  }
  for (const child of childrenOf(ast)) {
    const found = stageOutputAt(child, at);
    if (found) return found;
  }
  return undefined;
}
