export * from "./read-text-file.js";
export * from "./scalar-offsets.js";
export * from "./yaml-loader.js";
