import type { NodeSource } from "../model/types.js";

/** What a stage definition's `model` gets to read its typed fields with. */
export interface StageFieldReader {
  /** The stage's id (defaulted from its name when absent). */
  id: string;
  pipelineName: string;
  /** The source span of a node below the stage: `source(["preconditions", 0])`. */
  source(path: (string | number)[]): NodeSource;
}

type Data = Record<string, unknown>;

/** A map (not null, not a list). */
export const isData = (value: unknown): value is Data =>
  typeof value === "object" && value !== null && !Array.isArray(value);
/** The value when it is a list, else an empty list. */
export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
/** The value when it is text. */
export const asString = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;
/** The value when it is a boolean, else `fallback`. */
export const asBoolean = (value: unknown, fallback: boolean): boolean =>
  typeof value === "boolean" ? value : fallback;
/** The text and number items of a list, as text. */
export const asStrings = (value: unknown): string[] =>
  asList(value).flatMap((v) => (typeof v === "string" || typeof v === "number" ? [String(v)] : []));
