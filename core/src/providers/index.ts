export * from "./capacity.js";
export * from "./local/index.js";
export * from "./naming.js";
export * from "./traffic-guards.js";
export type * from "./types.js";
