export * from "./stage-display.js";
export * from "./stage-graph.js";
