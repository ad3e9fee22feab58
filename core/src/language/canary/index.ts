// The language features for Kayenta canary configs (.capstan/canary/*.json|yml|yaml), and the
// completion of canary config names in pipeline files.
export { analyzeCanaryConfig, type CanaryConfigAnalysis } from "./analysis.js";
export { completeCanaryConfig } from "./complete.js";
export { canaryCodeActions, validateCanaryConfig } from "./diagnostics.js";
export { hoverCanaryConfig } from "./hover.js";
export {
  canaryConfigsFromFiles,
  completeCanaryConfigReference,
  type WorkspaceCanaryConfig,
} from "./references.js";
