import { parse as parseYamlText } from "yaml";
import { FUNCTION_BY_NAME, MANUAL_JUDGMENT_TYPE } from "./catalog.js";
import { checkString, type EvalState, type StageView, tick } from "./context.js";
import { readJsonValue } from "./json-read.js";
import { checkUrlAllowed } from "./url-policy.js";
import {
  doubleToString,
  ExprError,
  isDouble,
  isMap,
  JavaDouble,
  makeDouble,
  newMap,
  toJavaString,
  toValue,
  typeName,
  type Value,
  type ValueMap,
} from "./values.js";

type Impl = (st: EvalState, args: Value[]) => Value;

/** The text of a String argument (Java would convert other values with toString; null is refused). */
function text(st: EvalState, v: Value, fn: string): string {
  if (v === null) throw new ExprError("NullPointerException", `#${fn} was given null.`);
  return toJavaString(v, st.ctx.limits.maxStringLength);
}

function stages(st: EvalState): readonly StageView[] {
  const host = st.ctx.host;
  if (!host) throw new ExprError("StageNotFound", "No execution is available to this expression.");
  return host.stages();
}

/** The sandbox view of a stage: its fields plus hasSucceeded/hasFailed, copied once per context. */
function stageValue(st: EvalState, stage: StageView): Value {
  const cached = st.ctx.stageCache.get(stage);
  if (cached !== undefined) return cached;
  const view = toValue({
    id: stage.id,
    refId: stage.id,
    name: stage.name,
    type: stage.type,
    status: stage.status,
    context: stage.context ?? {},
    outputs: stage.outputs ?? {},
    startTime: stage.startTime ?? null,
    endTime: stage.endTime ?? null,
    hasSucceeded: stage.status === "SUCCEEDED",
    hasFailed: stage.status === "TERMINAL",
  });
  st.ctx.stageCache.set(stage, view);
  return view;
}

/** Reads an own data property of caller data without invoking getters. */
function ownData(obj: unknown, key: string): unknown {
  if (typeof obj !== "object" || obj === null) return undefined;
  const d = Object.getOwnPropertyDescriptor(obj, key);
  return d && "value" in d ? d.value : undefined;
}

function findStage(st: EvalState, nameOrId: string): StageView {
  const stage = stages(st).find((s) => s.name === nameOrId || s.id === nameOrId);
  if (!stage)
    throw new ExprError("StageNotFound", `No stage is named or has the id '${nameOrId}' in this execution.`);
  return stage;
}

function judgment(st: EvalState, args: Value[]): Value {
  const name = text(st, args[0], "judgment");
  for (const s of stages(st)) {
    if (s.name !== name || s.type !== MANUAL_JUDGMENT_TYPE) continue;
    const input = ownData(s.context, "judgmentInput");
    if (input !== undefined && input !== null) return toValue(input);
  }
  throw new ExprError(
    "JudgmentNotFound",
    `Unable to locate a manual judgment stage named '${name}' with an input; has it been judged yet?`,
  );
}

const PROPERTY_ESCAPES: Record<string, string> = { t: "\t", n: "\n", r: "\r", f: "\f" };
const isBlank = (c: string) => c === " " || c === "\t" || c === "\f";

/** Java-properties text as a map (key=value, key: value, key value; # and ! comments; \ continuations). */
export function parseProperties(body: string): ValueMap {
  const out = newMap();
  const lines = body.split(/\r\n|\r|\n/);
  // Scanned by hand, not with regular expressions, so hostile bodies cannot cause backtracking.
  const decode = (s: string) => {
    let r = "";
    for (let k = 0; k < s.length; k++) {
      if (s[k] !== "\\" || k + 1 >= s.length) {
        r += s[k];
        continue;
      }
      const e = s[++k];
      if (e === "u" && /^[0-9a-fA-F]{4}$/.test(s.slice(k + 1, k + 5))) {
        r += String.fromCharCode(Number.parseInt(s.slice(k + 1, k + 5), 16));
        k += 4;
      } else r += PROPERTY_ESCAPES[e] ?? e;
    }
    return r;
  };
  const trailingBackslashes = (s: string) => {
    let n = 0;
    while (n < s.length && s[s.length - 1 - n] === "\\") n++;
    return n;
  };
  const trimStart = (s: string) => {
    let k = 0;
    while (k < s.length && isBlank(s[k])) k++;
    return s.slice(k);
  };
  for (let i = 0; i < lines.length; i++) {
    let line = trimStart(lines[i]);
    if (line === "" || line[0] === "#" || line[0] === "!") continue;
    while (trailingBackslashes(line) % 2 === 1 && i + 1 < lines.length)
      line = line.slice(0, -1) + trimStart(lines[++i]);
    let k = 0;
    while (k < line.length && line[k] !== "=" && line[k] !== ":" && !isBlank(line[k]))
      k += line[k] === "\\" ? 2 : 1;
    const key = line.slice(0, Math.min(k, line.length));
    while (k < line.length && isBlank(line[k])) k++;
    if (line[k] === "=" || line[k] === ":") k++;
    while (k < line.length && isBlank(line[k])) k++;
    out[decode(key)] = decode(line.slice(k));
  }
  return out;
}

/** JSON as Jackson writes it (compact; doubles keep their decimal point). */
function toJson(st: EvalState, v: Value): string {
  let size = 0;
  const parts: string[] = [];
  const push = (s: string) => {
    size += s.length;
    checkString(st, size);
    parts.push(s);
  };
  const walk = (x: Value) => {
    tick(st);
    if (x === null) push("null");
    else if (typeof x === "string") push(JSON.stringify(x));
    else if (typeof x === "boolean") push(String(x));
    else if (typeof x === "number" || x instanceof JavaDouble) {
      const n = typeof x === "number" ? x : x.value;
      // Jackson writes NaN and the infinities as strings.
      push(Number.isFinite(n) ? (isDouble(x) ? doubleToString(n) : String(n)) : `"${doubleToString(n)}"`);
    } else if (Array.isArray(x)) {
      push("[");
      x.forEach((item, i) => {
        if (i) push(",");
        walk(item);
      });
      push("]");
    } else {
      push("{");
      Object.keys(x).forEach((k, i) => {
        push(`${i ? "," : ""}${JSON.stringify(k)}:`);
        walk(x[k]);
      });
      push("}");
    }
  };
  walk(v);
  const json = parts.join("");
  if (json.includes("${"))
    throw new ExprError(
      "SpelHelperFunctionException",
      "#toJson refuses values containing '${' (they would be evaluated again later); remove it from the data.",
    );
  return json;
}

function parsed(st: EvalState, data: unknown): Value {
  return toValue(data, { maxDepth: 64, maxNodes: st.ctx.limits.maxListLength, strict: true });
}

/**
 * Orca's #readJson: Jackson reads the text into a List when it starts with `[`, else into a Map, so
 * a scalar (or a list after leading blanks) is an error; decimals stay decimals (`2.0`).
 */
function readJson(st: EvalState, body: string): Value {
  const value = readJsonValue(body, { maxDepth: 64, maxNodes: st.ctx.limits.maxListLength });
  if (body.startsWith("[") || value === null || isMap(value)) return value;
  throw new ExprError(
    "JsonParseException",
    `#readJson reads a JSON object, or a list when the text starts with '[' (as Orca does); got ${typeName(value)}.`,
  );
}

/**
 * YAML 1.1 scalars as SnakeYAML (Orca's reader) resolves them: yes/no/on/off are booleans, 010 is
 * octal, 0b101 binary, 1_000 and 1:30 (base 60) are numbers, and decimals stay decimals. Dates
 * stay text.
 */
const YAML11_TAGS = [
  {
    tag: "tag:yaml.org,2002:null",
    default: true,
    test: /^(?:~|null|Null|NULL)$/,
    resolve: () => null,
  },
  {
    tag: "tag:yaml.org,2002:bool",
    default: true,
    test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
    resolve: (s: string) => /^(?:y|t|on)/i.test(s),
  },
  {
    tag: "tag:yaml.org,2002:int",
    default: true,
    test: /^(?:[-+]?0b_*[0-1][0-1_]*|[-+]?0_*[0-7][0-7_]*|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x_*[0-9a-fA-F][0-9a-fA-F_]*|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
    resolve: (s: string) => yamlInt(s),
  },
  {
    tag: "tag:yaml.org,2002:float",
    default: true,
    test: /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    resolve: (s: string) => yamlFloat(s),
  },
];

function yamlSign(s: string): [number, string] {
  const clean = s.replaceAll("_", "");
  if (clean[0] === "-") return [-1, clean.slice(1)];
  if (clean[0] === "+") return [1, clean.slice(1)];
  return [1, clean];
}

function yamlInt(s: string): number {
  const [sign, v] = yamlSign(s);
  if (v === "0") return 0;
  if (v.startsWith("0b")) return sign * Number.parseInt(v.slice(2), 2);
  if (v.startsWith("0x")) return sign * Number.parseInt(v.slice(2), 16);
  if (v.startsWith("0")) return sign * Number.parseInt(v.slice(1), 8);
  if (v.includes(":")) return sign * v.split(":").reduce((acc, d) => acc * 60 + Number(d), 0);
  return sign * Number(v);
}

function yamlFloat(s: string): Value {
  const [sign, v] = yamlSign(s);
  const lower = v.toLowerCase();
  if (lower === ".inf") return makeDouble(sign * Number.POSITIVE_INFINITY);
  if (lower === ".nan") return Number.NaN;
  if (v.includes(":")) return makeDouble(sign * v.split(":").reduce((acc, d) => acc * 60 + Number(d), 0));
  if (v === "" || v === ".") throw new ExprError("YamlParseException", `'${s}' is not a number.`);
  return makeDouble(sign * Number(v));
}

function readYaml(st: EvalState, body: string): Value {
  try {
    // Aliases are capped so a small document cannot expand into a huge one.
    return parsed(
      st,
      parseYamlText(body, {
        version: "1.1",
        maxAliasCount: 100,
        merge: true,
        // SnakeYAML keeps the last of duplicate keys.
        uniqueKeys: false,
        customTags: (tags) =>
          [
            ...YAML11_TAGS,
            ...tags.filter(
              (t) =>
                typeof t === "object" &&
                [
                  "tag:yaml.org,2002:map",
                  "tag:yaml.org,2002:seq",
                  "tag:yaml.org,2002:str",
                  "tag:yaml.org,2002:merge",
                ].includes(t.tag),
            ),
          ] as typeof tags,
        // Errors still throw; warnings must not reach the process (core never writes to the terminal).
        logLevel: "error",
      }),
    );
  } catch (e) {
    if (e instanceof ExprError) throw e;
    throw new ExprError("YamlParseException", `The text is not valid YAML: ${(e as Error).message}`);
  }
}

/** A URL's body from the prefetched responses, after the static URL restrictions. */
function fetchUrl(st: EvalState, urlValue: Value, fn: string): string {
  const urls = st.ctx.urls;
  if (!urls?.enabled)
    throw new ExprError(
      "UrlFunctionsDisabled",
      `#${fn} is disabled: this pipeline does not allow URL functions (expressions.allowUrls).`,
    );
  const url = text(st, urlValue, fn);
  const verdict = checkUrlAllowed(url, [], urls.policy);
  if (!verdict.allowed) throw new ExprError("UrlNotAllowed", verdict.reason);
  const response = urls.responses?.get(url);
  if (!response) {
    st.pendingUrls ??= new Set();
    st.pendingUrls.add(url);
    throw new ExprError("UrlNotFetched", `${url} has not been fetched yet.`);
  }
  if (!response.ok) throw new ExprError("UrlFetchFailed", `Fetching ${url} failed: ${response.error}`);
  checkString(st, response.body.length);
  return response.body;
}

function deployedServerGroups(st: EvalState, args: Value[]): Value {
  const wanted = args.map((a) => text(st, a, "deployedServerGroups"));
  const out: Value[] = [];
  for (const s of stages(st)) {
    // Orca picks its deploy stage types; every stage type that creates server groups (its
    // definition's deploysServerGroups) records them as `deploy.server.groups`, which is read below.
    if (s.status !== "SUCCEEDED") continue;
    if (wanted.length && !wanted.includes(s.name) && !wanted.includes(s.id)) continue;
    const view = stageValue(st, s) as ValueMap;
    const context = view.context as ValueMap;
    const groups = context["deploy.server.groups"];
    if (!isMap(groups)) continue;
    for (const region of Object.keys(groups)) {
      const names = groups[region];
      for (const serverGroup of Array.isArray(names) ? names : [names]) {
        const entry = newMap();
        entry.account = context.account ?? context.credentials ?? null;
        entry.capacity = context.capacity ?? null;
        entry.parentStage = s.id;
        entry.region = region;
        entry.serverGroup = serverGroup;
        entry.deployments = context.deploymentDetails ?? [];
        out.push(entry);
      }
    }
  }
  return out;
}

const INT_PATTERN = /^[+-]?\d+$/;
const FLOAT_PATTERN = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

const IMPLS: Record<string, Impl> = {
  stage: (st, [a]) => stageValue(st, findStage(st, text(st, a, "stage"))),
  stageByRefId: (st, [a]) => {
    const id = text(st, a, "stageByRefId");
    const stage = stages(st).find((s) => s.id === id);
    if (!stage) throw new ExprError("StageNotFound", `No stage has the id '${id}' in this execution.`);
    return stageValue(st, stage);
  },
  stageExists: (st, [a]) => {
    const key = text(st, a, "stageExists");
    return stages(st).some((s) => s.name === key || s.id === key);
  },
  currentStage: (st) => {
    const id = st.ctx.host?.currentStageId;
    const stage = id === undefined ? undefined : stages(st).find((s) => s.id === id);
    if (!stage) throw new ExprError("StageNotFound", "There is no current stage here.");
    return stageValue(st, stage);
  },
  judgment,
  judgement: judgment,
  toJson: (st, [a]) => toJson(st, a),
  readJson: (st, [a]) => readJson(st, text(st, a, "readJson")),
  readYaml: (st, [a]) => readYaml(st, text(st, a, "readYaml")),
  toInt: (st, [a]) => {
    const s = text(st, a, "toInt");
    const n = s.length <= 12 && INT_PATTERN.test(s) ? Number(s) : Number.NaN;
    if (!Number.isSafeInteger(n) || n > 2147483647 || n < -2147483648)
      throw new ExprError("NumberFormatException", `For input string: "${s}"`);
    return n;
  },
  toFloat: (st, [a]) => {
    const s = text(st, a, "toFloat").trim();
    // The length check keeps the pattern's backtracking bounded on hostile input.
    if (s.length > 400 || !FLOAT_PATTERN.test(s))
      throw new ExprError("NumberFormatException", `For input string: "${s}"`);
    return makeDouble(Number(s.replace(/[fFdD]$/, "")));
  },
  toBoolean: (st, [a]) =>
    a !== null && toJavaString(a, st.ctx.limits.maxStringLength).toLowerCase() === "true",
  toBase64: (st, [a]) => {
    const out = Buffer.from(text(st, a, "toBase64"), "utf8").toString("base64");
    checkString(st, out.length);
    return out;
  },
  fromBase64: (st, [a]) => {
    const s = text(st, a, "fromBase64");
    if (!BASE64_PATTERN.test(s) || s.length % 4 === 1)
      throw new ExprError("IllegalArgumentException", "The text is not valid base64.");
    return Buffer.from(s, "base64").toString("utf8");
  },
  alphanumerical: (st, [a]) => text(st, a, "alphanumerical").replace(/[^A-Za-z0-9]/g, ""),
  deployedServerGroups,
  fromUrl: (st, [a]) => fetchUrl(st, a, "fromUrl"),
  jsonFromUrl: (st, [a]) => readJson(st, fetchUrl(st, a, "jsonFromUrl")),
  yamlFromUrl: (st, [a]) => readYaml(st, fetchUrl(st, a, "yamlFromUrl")),
  propertiesFromUrl: (st, [a]) => parseProperties(fetchUrl(st, a, "propertiesFromUrl")),
  pipelineId: (st, [a]) => {
    const name = text(st, a, "pipelineId");
    // Capstan pipelines are known by name, so without a host that looks ids up (the engine has
    // none) the id is the name: a pipeline stage resolves it, and fails naming it if no pipeline
    // has that name; `capstan validate` checks the name against the repository's pipelines.
    const lookup = st.ctx.host?.pipelineId;
    if (!lookup) return name;
    const id = lookup(name);
    if (id === undefined) throw new ExprError("PipelineNotFound", `No pipeline is named '${name}'.`);
    return id;
  },
};

/** The implementation of `#name`, checking arity; throws ExprError for unknown functions. */
export function resolveFunction(name: string, argCount: number): Impl {
  const spec = FUNCTION_BY_NAME.get(name);
  if (!spec || !Object.hasOwn(IMPLS, name))
    throw new ExprError("UnknownFunction", `Unknown function #${name}.`);
  if (argCount < spec.minArgs || argCount > spec.maxArgs)
    throw new ExprError("WrongArity", `#${name} takes ${spec.signature}, not ${argCount} argument(s).`);
  return IMPLS[name];
}
