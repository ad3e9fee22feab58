// Checks the double's traffic against GitHub's published REST description (@octokit/openapi).
// Only the dereferenced description file is loaded: the package's entry point loads every variant
// (about 385 MB), so it is never imported.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { Exchange } from "./server.js";

type Data = Record<string, unknown>;
interface Operation {
  parameters?: { name: string; in: string; schema?: Data }[];
  requestBody?: { content?: Record<string, { schema?: Data }> };
  responses?: Record<string, { content?: Record<string, { schema?: Data }> }>;
}

const require = createRequire(import.meta.url);
let spec: { info: { version: string }; paths: Record<string, Record<string, Operation>> } | undefined;

/** The description's paths (loaded once per process, about a second). */
export function githubDescription() {
  spec ??= JSON.parse(
    readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.deref.json"), "utf8"),
  ) as NonNullable<typeof spec>;
  return spec;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
const validators = new Map<string, ValidateFunction>();

/**
 * OpenAPI 3.0 lets `nullable: true` admit null even when an `enum` lists only strings (GitHub sends
 * `conclusion: null`); JSON Schema needs null in the enum for that, so it is added.
 */
function nullableEnums(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullableEnums);
  if (!schema || typeof schema !== "object") return schema;
  const out: Data = {};
  for (const [k, v] of Object.entries(schema)) out[k] = nullableEnums(v);
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null))
    out.enum = [...out.enum, null];
  return out;
}

function validator(key: string, schema: Data): ValidateFunction {
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile(nullableEnums(schema) as Data);
    validators.set(key, v);
  }
  return v;
}

/** Every way an exchange departs from GitHub's description of that operation (empty when it conforms). */
export function checkExchange(x: Exchange): string[] {
  const where = `${x.method} ${x.url} -> ${x.status}`;
  const op = githubDescription().paths[x.template]?.[x.method.toLowerCase()];
  if (!op) return [`${where}: no operation ${x.method} ${x.template} in GitHub's description`];
  const problems: string[] = [];
  // Query parameters arrive as text: integers and booleans are read as GitHub reads them.
  for (const [name, text] of Object.entries(x.query ?? {})) {
    const param = op.parameters?.find((p) => p.in === "query" && p.name === name);
    if (!param) {
      problems.push(`${where}: query parameter '${name}' is not a parameter of this operation`);
      continue;
    }
    const schema = param.schema ?? {};
    const value =
      schema.type === "integer" || schema.type === "number"
        ? Number(text)
        : schema.type === "boolean"
          ? text === "true"
            ? true
            : text === "false"
              ? false
              : text
          : text;
    const v = validator(`${x.method} ${x.template} query ${name}`, schema);
    if (!v(value)) problems.push(`${where}: query parameter '${name}=${text}': ${ajv.errorsText(v.errors)}`);
  }
  const requestSchema = op.requestBody?.content?.["application/json"]?.schema;
  if (x.requestBody !== undefined) {
    if (!requestSchema) problems.push(`${where}: the operation takes no JSON body`);
    else {
      const v = validator(`${x.method} ${x.template} request`, requestSchema);
      if (!v(x.requestBody)) problems.push(`${where}: request body: ${ajv.errorsText(v.errors)}`);
    }
  }
  const response = op.responses?.[String(x.status)];
  if (!response && [401, 403, 404, 422].includes(x.status)) {
    // GitHub answers 404 for any missing resource, 401 for bad credentials, 403 for a token that
    // may not, 422 for a request it cannot process, though not every operation lists them (GET an
    // environment does not list 404): such a body must still be GitHub's `basic-error`.
    const basic =
      githubDescription().paths["/users/{username}"].get.responses?.["404"]?.content?.["application/json"]
        ?.schema;
    const v = validator("basic-error", basic ?? {});
    if (!v(x.responseBody)) problems.push(`${where}: ${x.status} body: ${ajv.errorsText(v.errors)}`);
    return problems;
  }
  if (!response) return [...problems, `${where}: status ${x.status} is not documented for this operation`];
  const responseSchema = response.content?.["application/json"]?.schema;
  if (responseSchema) {
    const v = validator(`${x.method} ${x.template} ${x.status}`, responseSchema);
    if (!v(x.responseBody)) problems.push(`${where}: response body: ${ajv.errorsText(v.errors)}`);
  } else if (x.responseBody !== undefined) {
    problems.push(`${where}: status ${x.status} has no JSON body in the description`);
  }
  return problems;
}

/** All problems of all exchanges. */
export function checkExchanges(exchanges: readonly Exchange[]): string[] {
  return exchanges.flatMap(checkExchange);
}
