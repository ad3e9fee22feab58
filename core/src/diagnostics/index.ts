export * from "./diagnostic.js";
export * from "./did-you-mean.js";
export * from "./source-text.js";
