export * from "./stage-graph.js";
