export * from "./build-pipeline.js";
export * from "./cron.js";
export * from "./duration.js";
export * from "./types.js";
