export * from "./notifier.js";
