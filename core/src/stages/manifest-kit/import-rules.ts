import { childPath, isRecord, show } from "../../import/json-path.js";
import { asBoolean, asNumber, drop, isEmpty, keep, type Rule, silent } from "../../import/stage-rules.js";

export const ARTIFACTS =
  "Spinnaker artifacts are not supported; write the manifest inline (manifests) or as a file in the repository (manifestFile)";

/** `source` of deploy/patch: only inline text is supported. */
export const textSource: Rule = (value, path, ctx) => {
  if (value !== "text" && value !== undefined) ctx.note(path, "unsupported", ARTIFACTS);
  return {};
};

/** `options` of delete/patch: the fields Capstan has are lifted to the stage. */
export const options =
  (fields: Record<string, string>): Rule =>
  (value, path, ctx) => {
    if (!isRecord(value)) return {};
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key in fields)
        Object.assign(
          out,
          (fields[key] === "int" ? asNumber(key) : fields[key] === "bool" ? asBoolean(key) : keep(key))(
            v,
            childPath(path, key),
            ctx,
            value,
          ),
        );
      else if (!isEmpty(v))
        ctx.note(childPath(path, key), "dropped", `options.${key} has no Capstan equivalent`);
    }
    return out;
  };

const mode: Rule = (value, path, ctx) => {
  if (value === "dynamic")
    ctx.note(
      path,
      "unsupported",
      "dynamic target selection (cluster + criteria) is not supported; name the object in manifestName",
    );
  return {};
};

/** Fields the Kubernetes manifest stages share. */
export const MANIFEST_COMMON: Record<string, Rule> = {
  account: keep(),
  cloudProvider: (value, path, ctx) => {
    if (value !== "kubernetes" && value !== undefined && value !== "")
      ctx.note(
        path,
        "unsupported",
        `manifest stages on ${show(value)} are not supported; Capstan applies manifests through the Kubernetes API`,
      );
    return {};
  },
  app: silent,
  moniker: silent, // the application, which is the repository
  location: keep("namespace"),
  manifestName: keep(),
  mode,
  cluster: drop("dynamic target selection is not supported; name the object in manifestName", "unsupported"),
  criteria: drop("dynamic target selection is not supported; name the object in manifestName", "unsupported"),
  kind: drop("name the object in manifestName as `kind name`"),
  manifestArtifactAccount: silent, // "embedded-artifact" for inline manifests; artifacts are reported below
  relationships: silent, // deck's empty {loadBalancers: [], securityGroups: []}
};
