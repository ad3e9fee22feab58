// What the engine takes from the outside world: the ports (ports.ts) and EngineServices, which
// gathers them (types.ts, beside the handler contract it refers to).
export * from "./ports.js";
export type { EngineServices } from "./types.js";
