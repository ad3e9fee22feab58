export * from "./compile.js";
export * from "./content-hash.js";
export * from "./limits.js";
export * from "./plan.js";
export * from "./secrets.js";
export * from "./triggers.js";
export * from "./workflow.js";
