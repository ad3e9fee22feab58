/** What the language offers, shared by the checker, the evaluator and the docs. */

export interface FunctionSpec {
  name: string;
  minArgs: number;
  maxArgs: number;
  signature: string;
  summary: string;
  /** Functions that read a URL: refused unless the pipeline enables them. */
  url?: boolean;
}

const fn = (
  name: string,
  minArgs: number,
  maxArgs: number,
  signature: string,
  summary: string,
  url = false,
): FunctionSpec => ({ name, minArgs, maxArgs, signature, summary, ...(url ? { url } : {}) });

const VARIADIC = 1000;

/** Every `#function` the language knows. */
export const FUNCTIONS: readonly FunctionSpec[] = [
  fn("stage", 1, 1, "#stage(nameOrId)", "The first stage whose name or id equals the argument."),
  fn("stageByRefId", 1, 1, "#stageByRefId(id)", "The stage with this id (Spinnaker's refId)."),
  fn("stageExists", 1, 1, "#stageExists(nameOrId)", "Whether a stage with this name or id exists."),
  fn("currentStage", 0, 0, "#currentStage()", "The stage being evaluated."),
  fn("judgment", 1, 1, "#judgment(stageName)", "The input chosen at the named manual judgment."),
  fn("judgement", 1, 1, "#judgement(stageName)", "Alias of #judgment."),
  fn("toJson", 1, 1, "#toJson(value)", "The value as a JSON string."),
  fn("readJson", 1, 1, "#readJson(text)", "Parses JSON text into a map or list."),
  fn("readYaml", 1, 1, "#readYaml(text)", "Parses one YAML document."),
  fn("toInt", 1, 1, "#toInt(text)", "Parses a whole number (Java Integer.valueOf)."),
  fn("toFloat", 1, 1, "#toFloat(text)", "Parses a decimal number (Java Float.valueOf)."),
  fn("toBoolean", 1, 1, "#toBoolean(text)", "true only for 'true' in any case (Java Boolean.valueOf)."),
  fn("toBase64", 1, 1, "#toBase64(text)", "Base64 of the UTF-8 bytes of the text."),
  fn("fromBase64", 1, 1, "#fromBase64(text)", "Decodes base64 into UTF-8 text."),
  fn(
    "alphanumerical",
    1,
    1,
    "#alphanumerical(text)",
    "The text with every character but A-Z, a-z, 0-9 removed.",
  ),
  fn(
    "deployedServerGroups",
    0,
    VARIADIC,
    "#deployedServerGroups(...stageNamesOrIds)",
    "Server groups deployed by succeeded deploy stages (all, or the named ones).",
  ),
  fn("fromUrl", 1, 1, "#fromUrl(url)", "The body of a GET of the URL, as text.", true),
  fn("jsonFromUrl", 1, 1, "#jsonFromUrl(url)", "The JSON body of a GET of the URL.", true),
  fn("yamlFromUrl", 1, 1, "#yamlFromUrl(url)", "The YAML body of a GET of the URL.", true),
  fn("propertiesFromUrl", 1, 1, "#propertiesFromUrl(url)", "A Java .properties body as a map.", true),
  fn(
    "pipelineId",
    1,
    1,
    "#pipelineId(name)",
    "The id of the named pipeline of this repository: Capstan pipelines are known by name, so the name itself (a pipeline stage reports a name no pipeline has).",
  ),
];

export const FUNCTION_BY_NAME: ReadonlyMap<string, FunctionSpec> = new Map(FUNCTIONS.map((f) => [f.name, f]));

export type Receiver = "string" | "list" | "map" | "any";

export interface MethodSpec {
  name: string;
  receivers: readonly Receiver[];
  minArgs: number;
  maxArgs: number;
}

const m = (name: string, receivers: Receiver[], minArgs: number, maxArgs = minArgs): MethodSpec => ({
  name,
  receivers,
  minArgs,
  maxArgs,
});

/** The method allow-list from the format (plus `equals`/`toString`, which every Java value has). */
export const METHODS: readonly MethodSpec[] = [
  m("equals", ["any"], 1),
  m("toString", ["any"], 0),
  m("equalsIgnoreCase", ["string"], 1),
  m("contains", ["string", "list"], 1),
  m("startsWith", ["string"], 1, 2),
  m("endsWith", ["string"], 1),
  m("toUpperCase", ["string"], 0),
  m("toLowerCase", ["string"], 0),
  m("trim", ["string"], 0),
  m("length", ["string"], 0),
  m("isEmpty", ["string", "list", "map"], 0),
  m("substring", ["string"], 1, 2),
  m("indexOf", ["string", "list"], 1, 2),
  m("lastIndexOf", ["string", "list"], 1, 2),
  m("charAt", ["string"], 1),
  m("repeat", ["string"], 1),
  m("strip", ["string"], 0),
  m("stripLeading", ["string"], 0),
  m("stripTrailing", ["string"], 0),
  m("isBlank", ["string"], 0),
  m("compareTo", ["string"], 1),
  m("compareToIgnoreCase", ["string"], 1),
  m("replace", ["string"], 2),
  m("replaceAll", ["string"], 2),
  m("split", ["string"], 1, 2),
  m("matches", ["string"], 1),
  m("size", ["list", "map"], 0),
  m("containsKey", ["map"], 1),
  m("containsValue", ["map"], 1),
  m("keySet", ["map"], 0),
  m("values", ["map"], 0),
];

export const METHOD_BY_NAME: ReadonlyMap<string, MethodSpec> = new Map(METHODS.map((x) => [x.name, x]));

/** One line listing the allowed methods per receiver, for messages. */
export function allowedMethodsText(): string {
  const of = (r: Receiver) =>
    METHODS.filter((x) => x.receivers.includes(r))
      .map((x) => x.name)
      .join(", ");
  return `strings: ${of("string")}; lists: ${of("list")}; maps: ${of("map")}; any value: ${of("any")}`;
}

/** Methods people reach for, with what to write instead (a clause that completes the message). */
export const METHOD_ALTERNATIVES: Readonly<Record<string, string>> = {
  get: "use index instead: map['key'] or list[0]",
  getAt: "use index instead: list[0]",
  keys: "use map.keySet()",
  count: "use list.size()",
  toLower: "use toLowerCase()",
  toUpper: "use toUpperCase()",
  lowercase: "use toLowerCase()",
  uppercase: "use toUpperCase()",
  has: "use map.containsKey('key')",
  hasKey: "use map.containsKey('key')",
  includes: "use contains(x)",
  getClass: "expressions see data only, there is no reflection",
};

/** Variables that may appear after `#` without a call. */
export const VARIABLES: readonly string[] = ["this", "root"];

export const MANUAL_JUDGMENT_TYPE = "manualJudgment";
