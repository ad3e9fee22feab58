export * from "./diagnostics/index.js";
export * from "./loader/index.js";
export * from "./model/index.js";
export * from "./render/index.js";
export * from "./validate/index.js";
export * from "./import/index.js";
export * from "./providers/index.js";
export * from "./compile/index.js";
