import { str } from "../../schema/schema-kit.js";

/** `account` of a manifest stage. */
export const account = str("Kubernetes account (a kubeconfig context); default the current context.");
/** `namespace` of a stage acting on existing objects. */
export const namespace = str("Namespace of the object.", { default: "default", examples: ["prod"] });
/** The object a stage acts on, `kind name`. */
export const manifestName = str("The object, as `kind name` (Spinnaker: manifestName).", {
  examples: ["deployment myapp"],
});
