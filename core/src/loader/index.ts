export * from "./yaml-loader.js";
