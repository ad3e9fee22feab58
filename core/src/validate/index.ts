export * from "./expressions.js";
export * from "./field-checks.js";
export * from "./graph-checks.js";
export * from "./repository-checks.js";
export * from "./unquoted-expressions.js";
export * from "./validate.js";
