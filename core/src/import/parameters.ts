import type { ImportContext } from "./context.js";
import { childPath, isRecord, show } from "./json-path.js";

const scalar = (v: unknown): v is string | number | boolean =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean";

/** Converts `parameterConfig` into Capstan `parameters`. */
export function convertParameters(
  list: unknown,
  path: string,
  ctx: ImportContext,
): Record<string, unknown>[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    ctx.note(path, "dropped", "parameterConfig is not a list");
    return [];
  }
  const out: Record<string, unknown>[] = [];
  list.forEach((raw, i) => {
    const pPath = childPath(path, i);
    if (!isRecord(raw) || typeof raw.name !== "string" || raw.name === "") {
      ctx.note(pPath, "dropped", "a parameter without a name");
      return;
    }
    const p: Record<string, unknown> = { name: raw.name };
    if (typeof raw.label === "string" && raw.label !== "") p.label = raw.label;
    if (typeof raw.description === "string" && raw.description !== "") p.description = raw.description;

    // Deck stores a placeholder `options: [{value: ""}]` with hasOptions false; options count only
    // when hasOptions says so (or, without hasOptions, when any is non-empty).
    const values = Array.isArray(raw.options)
      ? raw.options.map((o) => (isRecord(o) ? o.value : o)).filter(scalar)
      : [];
    const meaningful = values.filter((v) => v !== "");
    const useOptions = raw.hasOptions === true || (raw.hasOptions === undefined && meaningful.length > 0);
    if (useOptions && values.length) p.options = values;
    else if (meaningful.length)
      ctx.note(
        childPath(pPath, "options"),
        "dropped",
        `hasOptions is ${show(raw.hasOptions)}, so Spinnaker offered no choice list`,
      );

    if (raw.default !== undefined && raw.default !== null) {
      if (!scalar(raw.default)) {
        ctx.note(childPath(pPath, "default"), "dropped", "default is not a string, number or boolean");
      } else if (
        Array.isArray(p.options) &&
        !(p.options as unknown[]).some((o) => String(o) === String(raw.default))
      ) {
        ctx.note(
          childPath(pPath, "default"),
          "dropped",
          `default ${show(raw.default)} is not one of the options, which Capstan would reject at start`,
        );
      } else {
        p.default = raw.default;
      }
    }
    if (raw.required === true) p.required = true;

    for (const [key, value] of Object.entries(raw)) {
      if (["name", "label", "description", "default", "required", "options", "hasOptions"].includes(key))
        continue;
      const empty =
        value === "" ||
        value === false ||
        value === null ||
        (isRecord(value) && Object.keys(value).length === 0);
      if (empty) continue; // unset UI fields (label "", pinned false) carry nothing
      ctx.note(childPath(pPath, key), "dropped", `${key} ${show(value)} has no Capstan equivalent`);
    }
    const ordered: Record<string, unknown> = {};
    for (const k of ["name", "label", "description", "default", "options", "required"])
      if (k in p) ordered[k] = p[k];
    out.push(ordered);
  });
  return out;
}
