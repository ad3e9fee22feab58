import {
  closestFolded,
  closestMatch,
  didYouMean,
  editDistance,
  LENIENT_MATCH,
} from "../diagnostics/did-you-mean.js";
import { type ExprNode, type FunctionNode, forEachChild, type LiteralNode, type Span } from "./ast.js";
import {
  allowedMethodsText,
  FUNCTION_BY_NAME,
  MANUAL_JUDGMENT_TYPE,
  METHOD_ALTERNATIVES,
  METHOD_BY_NAME,
  VARIABLES,
} from "./catalog.js";
import { type ExprDiagnostic, exprDiagnostic, shiftDiagnostic } from "./diagnostic.js";
import { javaTypeTest } from "./java-types.js";
import { parseExpression } from "./parser.js";
import { compileRegex } from "./regex.js";
import { scanTemplate } from "./template.js";
import { ExprError } from "./values.js";

/** A stage as the checker needs to see it; the validator builds these from the pipeline model. */
export interface CheckStage {
  /** Spinnaker's refId. */
  id: string;
  name: string;
  type: string;
  /** For manual judgments: the inputs a judge may choose. */
  inputs?: readonly string[];
  /** Ids of every stage this one depends on, directly or not. */
  dependsOnTransitive?: readonly string[];
}

/** What an expression may refer to. Leave `parameters`/`secrets` undefined to skip those checks. */
export interface CheckEnvironment {
  stages: readonly CheckStage[];
  parameters?: readonly string[];
  secrets?: readonly string[];
  /** The stage whose field holds the expression, for "runs before this stage" checks. */
  currentStageId?: string;
  /** false reports URL functions; undefined does not check. */
  urlFunctionsEnabled?: boolean;
}

export type ReferenceKind = "stage-name" | "stage-id" | "judgment" | "parameter" | "secret";

/** A name the expression refers to; `span` is the name's text (inside the quotes for string literals). */
export interface ExprReference {
  kind: ReferenceKind;
  name: string;
  span: Span;
  /** Whether the environment has the thing named. */
  resolved: boolean;
}

export interface CheckResult {
  diagnostics: ExprDiagnostic[];
  references: ExprReference[];
}

export interface ExpressionCheck extends CheckResult {
  ast: ExprNode;
}

/** Parses and checks one expression (without `${ }`); spans are relative to `source`. */
export function checkExpression(source: string, env: CheckEnvironment): ExpressionCheck {
  const { ast, diagnostics } = parseExpression(source);
  const checked = checkAst(ast, env);
  return { ast, diagnostics: [...diagnostics, ...checked.diagnostics], references: checked.references };
}

/** Scans a template string and checks each expression; spans are relative to `text`. */
export function checkTemplate(text: string, env: CheckEnvironment): CheckResult {
  const scanned = scanTemplate(text);
  const diagnostics = [...scanned.diagnostics];
  const references: ExprReference[] = [];
  for (const segment of scanned.segments) {
    if (segment.kind !== "expression") continue;
    const offset = segment.sourceSpan.start;
    const result = checkExpression(segment.source, env);
    for (const d of result.diagnostics) diagnostics.push(shiftDiagnostic(d, offset));
    for (const r of result.references)
      references.push({ ...r, span: { start: r.span.start + offset, end: r.span.end + offset } });
  }
  return { diagnostics, references };
}

/** Static checks of a parsed expression against the pipeline. */
export function checkAst(ast: ExprNode, env: CheckEnvironment): CheckResult {
  const checker = new Checker(env);
  checker.visit(ast, false);
  const bySpan = (a: { span: Span }, b: { span: Span }) =>
    a.span.start - b.span.start || a.span.end - b.span.end;
  return { diagnostics: checker.diagnostics.sort(bySpan), references: checker.references.sort(bySpan) };
}

const JUDGMENT_FUNCTIONS = new Set(["judgment", "judgement"]);
const REGEX_METHODS = new Set(["matches", "replaceAll", "split"]);
const WELL_KNOWN_ROOTS = ["parameters", "trigger", "execution", "secrets"];
const PARAMETER_ROOTS = ["parameters", "trigger.parameters", "execution.trigger.parameters"];

/** The text inside a string literal's quotes. */
const innerSpan = (node: LiteralNode): Span => ({ start: node.span.start + 1, end: node.span.end - 1 });
const isString = (node: ExprNode | undefined): node is LiteralNode & { value: string } =>
  node?.kind === "literal" && typeof node.value === "string";
const list = (xs: readonly string[]) => (xs.length ? xs.map((x) => `'${x}'`).join(", ") : "none");

/** Lookups over the environment's stages, built once per environment object. */
interface StageIndex {
  byName: Map<string, CheckStage[]>;
  byId: Map<string, CheckStage>;
  judgments: CheckStage[];
  /** Every name then every id, and their lower case: did-you-mean's candidates (built on first use). */
  candidates?: { list: string[]; folded: string[] };
}

// Keyed by the stage list, not the environment: callers check thousands of expressions against one
// pipeline, and give each stage its own environment (currentStageId) over the same list.
const indexes = new WeakMap<readonly CheckStage[], StageIndex>();

function indexOf(env: CheckEnvironment): StageIndex {
  let index = indexes.get(env.stages);
  if (index) return index;
  index = { byName: new Map(), byId: new Map(), judgments: [] };
  for (const s of env.stages) {
    const named = index.byName.get(s.name);
    if (named) named.push(s);
    else index.byName.set(s.name, [s]);
    if (!index.byId.has(s.id)) index.byId.set(s.id, s);
    if (s.type === MANUAL_JUDGMENT_TYPE) index.judgments.push(s);
  }
  indexes.set(env.stages, index);
  return index;
}

/**
 * Moves the index of `previous` to `next`, a copy of it with the stages at `changed` replaced (same
 * ids), patching it rather than building one over every stage; `previous` loses its index (it is
 * built again if `previous` is ever checked against). Does nothing when the change is not that
 * simple: `next` is then indexed on first use, as any list.
 */
export function indexReplacedStages(
  previous: readonly CheckStage[],
  next: readonly CheckStage[],
  changed: readonly number[],
): void {
  const index = indexes.get(previous);
  if (!index || previous.length !== next.length) return;
  if (changed.some((k) => previous[k].id !== next[k].id)) return;
  const names = new Set<string>();
  const replaced = new Set<CheckStage>();
  for (const k of changed) names.add(previous[k].name).add(next[k].name);
  for (const k of changed) replaced.add(previous[k]);
  const lists = new Map<string, CheckStage[]>();
  for (const name of names) {
    const list = (index.byName.get(name) ?? []).filter((s) => !replaced.has(s));
    for (const k of changed) if (next[k].name === name) list.push(next[k]);
    // Stages sharing a name are few; many (a generated file) are indexed again instead.
    if (list.length > 16) return;
    // In list order, as a full build has them: #stage finds the first.
    const at = new Map(list.map((s) => [s, next.indexOf(s)]));
    lists.set(
      name,
      list.sort((a, b) => (at.get(a) ?? 0) - (at.get(b) ?? 0)),
    );
  }
  indexes.delete(previous);
  for (const [name, list] of lists) {
    if (list.length > 0) index.byName.set(name, list);
    else index.byName.delete(name);
  }
  let judgmentsChanged = false;
  for (const k of changed) {
    const before = previous[k];
    const after = next[k];
    if (index.byId.get(before.id) === before) index.byId.set(after.id, after);
    const was = before.type === MANUAL_JUDGMENT_TYPE;
    const is = after.type === MANUAL_JUDGMENT_TYPE;
    // A judgment still a judgment keeps its place in the list; a type change rebuilds it.
    if (was && is) index.judgments[index.judgments.indexOf(before)] = after;
    else if (was || is) judgmentsChanged = true;
  }
  if (judgmentsChanged) index.judgments = next.filter((s) => s.type === MANUAL_JUDGMENT_TYPE);
  if (index.candidates)
    for (const k of changed) {
      index.candidates.list[k] = next[k].name;
      index.candidates.folded[k] = next[k].name.toLowerCase();
    }
  indexes.set(next, index);
}

class Checker {
  readonly diagnostics: ExprDiagnostic[] = [];
  readonly references: ExprReference[] = [];
  private readonly index: StageIndex;

  constructor(private readonly env: CheckEnvironment) {
    this.index = indexOf(env);
  }

  /** `inElement`: inside a selection/projection, where bare names are properties of the element. */
  visit(node: ExprNode, inElement: boolean): void {
    switch (node.kind) {
      case "function":
        this.checkFunction(node);
        break;
      case "identifier":
        if (!inElement) this.checkRootName(node.name, node.span);
        break;
      case "variable":
        if (!VARIABLES.includes(node.name)) {
          const isFunction = FUNCTION_BY_NAME.has(node.name);
          this.report(
            "unknown-variable",
            isFunction
              ? `#${node.name} is a function; call it: #${node.name}(...).`
              : `Unknown variable #${node.name}; the variables are #this and #root.`,
            node.span,
          );
        }
        break;
      case "method":
        this.checkMethod(node.name, node.nameSpan, node.args.length, node.span);
        this.checkJudgmentEquals(node);
        if (REGEX_METHODS.has(node.name)) this.checkRegex(node.args[0]);
        break;
      case "binary":
        if (node.operator === "==" || node.operator === "!=") {
          this.checkJudgmentComparison(node.left, node.right, false);
          this.checkJudgmentComparison(node.right, node.left, false);
        } else if (node.operator === "matches") this.checkRegex(node.right);
        else if (node.operator === "instanceof" && node.right.kind === "typeReference") {
          // `x instanceof T(String)` is the one place a type may be named.
          if (!javaTypeTest(node.right.typeName))
            this.report(
              "type-reference-not-allowed",
              `T(${node.right.typeName}) is not available: 'instanceof' takes T(String), T(Integer), T(Long), T(Double), T(Boolean) or another of Spinnaker's allowed types.`,
              node.right.span,
            );
          this.visit(node.left, inElement);
          return;
        }
        break;
      case "property":
      case "index":
        this.checkRootAccess(node, inElement);
        break;
      case "typeReference":
        this.report(
          "type-reference-not-allowed",
          `T(${node.typeName}) is not available: expressions cannot reach Java types. Use the functions instead (#toInt, #toFloat, #toJson, #readJson, ...).`,
          node.span,
        );
        break;
      case "constructor":
        this.report(
          "constructor-not-allowed",
          `'new ${node.typeName}(...)' is not available: expressions cannot create objects. Use an inline list {1, 2} or map {key: 'value'}.`,
          node.span,
        );
        break;
      case "beanReference":
        this.report(
          "bean-reference-not-allowed",
          `Bean references (@${node.name}) are not available in expressions.`,
          node.span,
        );
        break;
    }
    if (node.kind === "selection") {
      this.visit(node.object, inElement);
      this.visit(node.predicate, true);
      return;
    }
    if (node.kind === "projection") {
      this.visit(node.object, inElement);
      this.visit(node.expression, true);
      return;
    }
    forEachChild(node, (child) => this.visit(child, inElement));
  }

  private report(
    code: string,
    message: string,
    span: Span,
    severity: ExprDiagnostic["severity"] = "error",
    replacement?: string,
  ): void {
    this.diagnostics.push(
      exprDiagnostic(code, message, span, severity, replacement === undefined ? undefined : { replacement }),
    );
  }

  /** `paramters.env` reads null at run time; a near miss of a well-known root is almost surely a typo. */
  private checkRootName(name: string, span: Span): void {
    if (WELL_KNOWN_ROOTS.includes(name) || name.length < 5) return;
    const best = closestMatch(name, WELL_KNOWN_ROOTS);
    if (best && editDistance(name.toLowerCase(), best, 2) <= 2)
      this.report(
        "unknown-root",
        `'${name}' is not one of the roots (${WELL_KNOWN_ROOTS.join(", ")}); did you mean '${best}'? Other names read the stage's context and upstream outputs, and are null when absent.`,
        span,
        "warning",
        best,
      );
  }

  /** A literal pattern is compiled now, so refused or broken regexes show up before the run. */
  private checkRegex(pattern: ExprNode | undefined): void {
    if (!isString(pattern)) return;
    try {
      compileRegex(pattern.value);
    } catch (e) {
      if (!(e instanceof ExprError)) throw e;
      const code = e.exceptionType === "RegexSyntaxError" ? "invalid-regex" : "regex-not-supported";
      this.report(code, e.message, pattern.span);
    }
  }

  private checkFunction(node: FunctionNode): void {
    const spec = FUNCTION_BY_NAME.get(node.name);
    const nameSpan = { start: node.span.start, end: node.nameSpan.end };
    if (!spec) {
      const best = closestMatch(node.name, FUNCTION_BY_NAME.keys());
      this.report(
        "unknown-function",
        `Unknown function #${node.name}.${best ? ` Did you mean #${best}?` : ""} The functions are listed in docs/expressions.md.`,
        nameSpan,
        "error",
        best,
      );
      return;
    }
    if (node.args.length < spec.minArgs || node.args.length > spec.maxArgs) {
      const expected =
        spec.minArgs === spec.maxArgs
          ? `${spec.minArgs} argument${spec.minArgs === 1 ? "" : "s"}`
          : `${spec.minArgs} or more arguments`;
      this.report(
        "wrong-arity",
        `#${spec.name} takes ${expected} (${spec.signature}), not ${node.args.length}.`,
        node.span,
      );
    }
    if (spec.url && this.env.urlFunctionsEnabled === false) {
      this.report(
        "url-functions-disabled",
        `#${spec.name} reads a URL, which this pipeline does not allow; set expressions.allowUrls: true or pass the data as a parameter.`,
        nameSpan,
      );
    }
    const arg = node.args[0];
    if (!isString(arg)) return;
    if (spec.name === "stage" || spec.name === "stageExists") this.checkStageRef(arg, spec.name === "stage");
    else if (spec.name === "stageByRefId") this.checkStageId(arg);
    else if (JUDGMENT_FUNCTIONS.has(spec.name)) this.checkJudgmentRef(arg);
  }

  private checkStageRef(arg: LiteralNode & { value: string }, mustExist: boolean): void {
    const stages = this.env.stages;
    const byName = this.index.byName.has(arg.value);
    const byId = !byName && this.index.byId.has(arg.value);
    this.references.push({
      kind: byId ? "stage-id" : "stage-name",
      name: arg.value,
      span: innerSpan(arg),
      resolved: byName || byId,
    });
    if (byName || byId || !mustExist) return;
    if (!this.index.candidates) {
      const list = [...stages.map((s) => s.name), ...stages.map((s) => s.id)];
      this.index.candidates = { list, folded: list.map((c) => c.toLowerCase()) };
    }
    const { candidates } = this.index;
    const best = closestFolded(arg.value, candidates.list, candidates.folded, LENIENT_MATCH);
    this.report(
      "unknown-stage",
      `No stage is named or has the id '${arg.value}'.${best ? ` Did you mean '${best}'?` : ` Stages: ${list(stages.map((s) => s.name))}.`}`,
      arg.span,
      "error",
      best,
    );
  }

  private checkStageId(arg: LiteralNode & { value: string }): void {
    const stages = this.env.stages;
    const found = this.index.byId.has(arg.value);
    this.references.push({ kind: "stage-id", name: arg.value, span: innerSpan(arg), resolved: found });
    if (found) return;
    const named = stages.find((s) => s.name === arg.value);
    if (named) {
      this.report(
        "unknown-stage-id",
        `'${arg.value}' is a stage name; #stageByRefId takes the stage id, here '${named.id}' (or use #stage('${arg.value}')).`,
        arg.span,
        "error",
        named.id,
      );
      return;
    }
    const best = closestMatch(
      arg.value,
      stages.map((s) => s.id),
    );
    this.report(
      "unknown-stage-id",
      `No stage has the id '${arg.value}'.${best ? ` Did you mean '${best}'?` : ` Ids: ${list(stages.map((s) => s.id))}.`}`,
      arg.span,
      "error",
      best,
    );
  }

  private judgmentStage(name: string): CheckStage | undefined {
    const named = this.index.byName.get(name) ?? [];
    return named.find((s) => s.type === MANUAL_JUDGMENT_TYPE) ?? named[0];
  }

  private checkJudgmentRef(arg: LiteralNode & { value: string }): void {
    const stage = this.judgmentStage(arg.value);
    this.references.push({ kind: "judgment", name: arg.value, span: innerSpan(arg), resolved: !!stage });
    const judgments = this.index.judgments;
    if (!stage) {
      const byId = this.index.byId.get(arg.value);
      if (byId) {
        this.report(
          "unknown-stage",
          `#judgment looks stages up by name, not id; the stage with id '${arg.value}' is named '${byId.name}'.`,
          arg.span,
          "error",
          byId.name,
        );
        return;
      }
      const best = closestMatch(
        arg.value,
        (judgments.length ? judgments : this.env.stages).map((s) => s.name),
      );
      this.report(
        "unknown-stage",
        `No stage is named '${arg.value}'.${best ? ` Did you mean '${best}'?` : ` Manual judgments: ${list(judgments.map((s) => s.name))}.`}`,
        arg.span,
        "error",
        best,
      );
      return;
    }
    if (stage.type !== MANUAL_JUDGMENT_TYPE) {
      this.report(
        "not-a-manual-judgment",
        `Stage '${stage.name}' is a ${stage.type} stage, not a manual judgment, so #judgment has no input to return. Manual judgments: ${list(judgments.map((s) => s.name))}; for other stages use #stage('${stage.name}').`,
        arg.span,
      );
      return;
    }
    const current =
      this.env.currentStageId === undefined ? undefined : this.index.byId.get(this.env.currentStageId);
    if (
      current?.dependsOnTransitive &&
      current.id !== stage.id &&
      !current.dependsOnTransitive.includes(stage.id)
    ) {
      this.report(
        "judgment-not-upstream",
        `Manual judgment '${stage.name}' does not run before stage '${current.name}', so it may have no input yet; make '${current.name}' depend on it.`,
        arg.span,
        "warning",
      );
    }
  }

  /** `#judgment('X')` as a call node with a literal stage name, or undefined. */
  private judgmentCall(node: ExprNode | null): CheckStage | undefined {
    if (node?.kind !== "function" || !JUDGMENT_FUNCTIONS.has(node.name) || node.args.length !== 1)
      return undefined;
    const arg = node.args[0];
    if (!isString(arg)) return undefined;
    const stage = this.judgmentStage(arg.value);
    return stage?.type === MANUAL_JUDGMENT_TYPE ? stage : undefined;
  }

  /** `#judgment('X') == 'value'`: the value must be one of the judgment's inputs. */
  private checkJudgmentComparison(call: ExprNode | null, other: ExprNode, ignoreCase: boolean): void {
    const stage = this.judgmentCall(call);
    if (!stage?.inputs?.length || !isString(other)) return;
    const inputs = stage.inputs;
    const value = other.value;
    const known = ignoreCase
      ? inputs.some((i) => i.toLowerCase() === value.toLowerCase())
      : inputs.includes(value);
    if (known) return;
    const best = closestMatch(value, inputs);
    this.report(
      "unknown-judgment-input",
      `'${value}' is not an input of manual judgment '${stage.name}', so this comparison is never true. Its inputs are: ${list(inputs)}.${didYouMean(value, inputs, "'", LENIENT_MATCH)}`,
      other.span,
      "error",
      best,
    );
  }

  private checkJudgmentEquals(node: ExprNode & { kind: "method" }): void {
    if ((node.name !== "equals" && node.name !== "equalsIgnoreCase") || node.args.length !== 1) return;
    const ignoreCase = node.name === "equalsIgnoreCase";
    this.checkJudgmentComparison(node.object, node.args[0], ignoreCase);
    if (node.object) this.checkJudgmentComparison(node.args[0], node.object, ignoreCase);
  }

  private checkMethod(name: string, nameSpan: Span, argCount: number, span: Span): void {
    const spec = METHOD_BY_NAME.get(name);
    if (!spec) {
      const alternative = Object.hasOwn(METHOD_ALTERNATIVES, name) ? METHOD_ALTERNATIVES[name] : undefined;
      const best = alternative ? undefined : closestMatch(name, METHOD_BY_NAME.keys());
      this.report(
        "method-not-allowed",
        alternative
          ? `.${name}() is not allowed; ${alternative}.`
          : `.${name}() is not allowed.${best ? ` Did you mean .${best}()?` : ""} Allowed methods: ${allowedMethodsText()}.`,
        nameSpan,
        "error",
        best,
      );
      return;
    }
    if (argCount < spec.minArgs || argCount > spec.maxArgs) {
      const expected =
        spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} or ${spec.maxArgs}`;
      this.report(
        "wrong-arity",
        `.${name}() takes ${expected} argument${spec.maxArgs === 1 ? "" : "s"}, not ${argCount}.`,
        span,
      );
    }
  }

  /** `parameters.x`, `parameters['x']`, `trigger.parameters.x`, `secrets.X` against the declarations. */
  private checkRootAccess(node: ExprNode & { kind: "property" | "index" }, inElement: boolean): void {
    const base = staticPath(node.object, inElement);
    if (base === undefined) return;
    let name: string;
    let span: Span;
    let literal: LiteralNode | undefined;
    if (node.kind === "property") {
      name = node.name;
      span = node.nameSpan;
    } else if (isString(node.index)) {
      name = node.index.value;
      span = innerSpan(node.index);
      literal = node.index;
    } else if (node.index.kind === "identifier") {
      // SpEL reads `map[name]` as the key "name" itself.
      name = node.index.name;
      span = node.index.span;
    } else return;
    const whole = literal ? literal.span : span;
    if (PARAMETER_ROOTS.includes(base)) {
      const declared = this.env.parameters;
      const resolved = declared === undefined || declared.includes(name);
      this.references.push({ kind: "parameter", name, span, resolved });
      if (!resolved && declared) {
        const best = closestMatch(name, declared);
        this.report(
          "unknown-parameter",
          `Parameter '${name}' is not declared.${best ? ` Did you mean '${best}'?` : ""} Declared parameters: ${list(declared)}.`,
          whole,
          "error",
          best,
        );
      }
    } else if (base === "secrets") {
      const declared = this.env.secrets;
      const resolved = declared === undefined || declared.includes(name);
      this.references.push({ kind: "secret", name, span, resolved });
      if (!resolved && declared) {
        const best = closestMatch(name, declared);
        this.report(
          "unknown-secret",
          `Secret '${name}' is not declared; add it to the pipeline's secrets.${best ? ` Did you mean '${best}'?` : ""} Declared secrets: ${list(declared)}.`,
          whole,
          "error",
          best,
        );
      }
    }
  }
}

/**
 * The dotted path of a static access chain from the root (`#root.trigger['parameters']` is
 * "trigger.parameters"). Inside a selection or projection a bare name is a property of the
 * element, so only chains starting at `#root` count there.
 */
function staticPath(node: ExprNode, inElement: boolean): string | undefined {
  if (node.kind === "identifier") return inElement ? undefined : node.name;
  if (node.kind === "property" || node.kind === "index") {
    const key = node.kind === "property" ? node.name : isString(node.index) ? node.index.value : undefined;
    if (key === undefined) return undefined;
    if (node.object.kind === "variable" && node.object.name === "root") return key;
    const base = staticPath(node.object, inElement);
    return base === undefined ? undefined : `${base}.${key}`;
  }
  return undefined;
}
