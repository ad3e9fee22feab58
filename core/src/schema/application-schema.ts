import { notificationDefinition, PIPELINE_EVENTS, PROVIDERS } from "./common-fields.js";
import { addMarkdown } from "./markdown.js";
import {
  APP_NAME_PATTERN,
  DETAIL_PATTERN,
  flag,
  type JsonSchema,
  list,
  object,
  oneOfValues,
  patterned,
  ref,
  str,
} from "./schema-kit.js";

/** Builds the JSON Schema (draft-07) of `.capstan/application.yml`. */
export function buildApplicationSchema(): JsonSchema {
  const trafficGuard = object(
    "traffic guard",
    "Protects a cluster: a disable, destroy or resize to zero that would leave it with no instance up fails (Spinnaker: trafficGuards). Name the cluster with `cluster`, or with `application`/`stack`/`detail`; `*` matches any value.",
    {
      provider: oneOfValues(PROVIDERS, "Provider of the cluster."),
      account: str("Account of the cluster; `*` or absent for any.", { examples: ["*"] }),
      cluster: str("Cluster name, `application[-stack[-detail]]`.", { examples: ["myapp-prod"] }),
      application: patterned(
        APP_NAME_PATTERN,
        "Application of the cluster; default this application's `name`.",
      ),
      stack: str("Stack of the cluster; `*` for any, empty for clusters without a stack.", {
        examples: ["prod"],
      }),
      detail: str("Detail of the cluster; `*` for any, empty for clusters without a detail."),
      enabled: flag("Set false to keep the guard but not enforce it.", { default: true }),
    },
    [],
    { examples: [{ cluster: "myapp-prod" }] },
  );
  const account = object(
    "account",
    "A provider account that stages name with `account` (Spinnaker: a clouddriver account).",
    {
      name: patterned(DETAIL_PATTERN, "Account name.", { examples: ["local", "prod-k8s"] }),
      provider: oneOfValues(PROVIDERS, "The provider: `local` processes or a `kubernetes` cluster."),
      default: flag("Use this account when a stage names none.", { default: false }),
      context: str("kubeconfig context to use (kubernetes).", { examples: ["prod-cluster"] }),
      kubeconfigFile: str(
        "kubeconfig file (kubernetes), relative to the repository or absolute; default `$KUBECONFIG` or `~/.kube/config`.",
      ),
      kubeconfigSecret: str(
        "Name of a secret or environment variable holding the kubeconfig's content, YAML or base64 (kubernetes), e.g. `KUBECONFIG_PROD`; written to a private temporary file for kubectl and masked in logs and records.",
        { examples: ["KUBECONFIG_PROD"] },
      ),
      namespace: str("Namespace of objects that name none (kubernetes); default the context's."),
      kubectl: str("The kubectl to run (kubernetes); default `kubectl` on the PATH."),
      namespaces: list(str("A namespace."), "Namespaces this account may use (kubernetes); empty means any."),
    },
    ["name", "provider"],
  );
  const root: JsonSchema = {
    $schema: "http://json-schema.org/draft-07/schema#",
    $comment: "Generated from core/src/schema by `npm run schema:build`; do not edit by hand.",
    title: "application",
    description: "Application-wide settings of a repository's pipelines: `.capstan/application.yml`.",
    type: "object",
    required: ["name"],
    additionalProperties: false,
    properties: {
      name: patterned(APP_NAME_PATTERN, "Application name; the first part of its cluster names.", {
        examples: ["myapp"],
      }),
      description: str("What the application is."),
      trafficGuards: list(ref("traffic-guard"), "Clusters that must keep at least one instance up."),
      accounts: list(ref("account"), "Provider accounts."),
      kubernetes: object(
        "kubernetes tools",
        "The tools Kubernetes stages run besides each account's kubectl.",
        {
          helm: str("helm for bakeManifest; default `helm` on the PATH."),
          kustomize: str("kustomize for bakeManifest; default `kubectl kustomize`."),
        },
        [],
      ),
      notifications: list(
        ref("pipeline-notification"),
        "Notifications for every pipeline; a pipeline's own entry with the same type and address overrides its `when`.",
      ),
    },
    definitions: {
      "traffic-guard": trafficGuard,
      account,
      "pipeline-notification": notificationDefinition(PIPELINE_EVENTS, "pipeline"),
    },
  };
  return addMarkdown(root);
}

let cached: JsonSchema | undefined;

/** The application schema, built once. */
export function applicationSchema(): JsonSchema {
  cached ??= buildApplicationSchema();
  return cached;
}
