// What the benchmark needs from core, bundled from the sources by bench.mjs.
export * from "../../core/src/engine/index.js";
export { defaultStageRegistry } from "../../core/src/stages/index.js";
