export * from "./scalar-offsets.js";
export * from "./yaml-loader.js";
