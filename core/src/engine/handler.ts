// The stage handler contract lives in types.ts (with EngineServices, which it refers to); this
// path is where core/src/stages imports it from.
export type { CancelResult, StageContext, StageHandler, TaskResult } from "./types.js";
export { StageRegistry } from "./types.js";
