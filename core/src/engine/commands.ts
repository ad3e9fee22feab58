/** A request from outside the running engine (another terminal, the GitHub gate job ...). */
export type Command = { id: string; ts: number; user: string } & (
  | { type: "judge"; refId: string; input: string }
  | { type: "skip-window"; refId: string }
  | { type: "skip"; refId: string }
  | { type: "cancel"; reason?: string }
);

/** A command before it gets an id and timestamp. */
export type NewCommand = Command extends infer C ? (C extends Command ? Omit<C, "id" | "ts"> : never) : never;
