import { type BinaryNode, type ExprNode, forEachChild } from "./ast.js";
import {
  checkString,
  type EvalState,
  type EvaluationContext,
  maxResultValues,
  newState,
  tick,
} from "./context.js";
import type { ExprDiagnostic } from "./diagnostic.js";
import { resolveFunction } from "./functions.js";
import { javaTypeTest } from "./java-types.js";
import { javaTrim, resolveMethod } from "./methods.js";
import { parseExpression } from "./parser.js";
import { compileRegex, type Regex, regexMatches } from "./regex.js";
import {
  compareValues,
  describeValue,
  ExprError,
  isDouble,
  isMap,
  isNumber,
  makeDouble,
  newMap,
  numberOf,
  type PlainData,
  toBooleanStrict,
  toJavaString,
  toPlain,
  toSpelText,
  typeName,
  type Value,
  type ValueMap,
  valuesEqual,
} from "./values.js";

/** A compiled node: evaluates against the state and the active object (`#this`). */
type Code = (st: EvalState, self: Value) => Value;

/** An expression compiled once and evaluated many times. */
export interface CompiledExpression {
  source: string;
  ast: ExprNode;
  /** Parse diagnostics; when any is an error, evaluation fails with ExpressionSyntaxError. */
  diagnostics: ExprDiagnostic[];
  readonly run: Code;
}

export type EvaluationOutcome =
  | { ok: true; value: PlainData; pendingUrls: string[] }
  | { ok: false; exceptionType: string; message: string; pendingUrls: string[] };

/** Parses and compiles an expression (the text between `${` and `}`). */
export function compileExpression(source: string): CompiledExpression {
  const { ast, diagnostics } = parseExpression(source);
  const error = diagnostics.find((d) => d.severity === "error");
  let run: Code;
  if (error) {
    const message = `${error.message} (at ${error.span.start})`;
    run = () => {
      throw new ExprError("ExpressionSyntaxError", message);
    };
  } else run = compileNode(ast);
  return { source, ast, diagnostics, run };
}

/** Evaluates to a sandbox value, throwing ExprError; the template layer catches. */
export function evaluateValue(compiled: CompiledExpression, st: EvalState): Value {
  try {
    return compiled.run(st, st.ctx.root);
  } catch (e) {
    if (e instanceof ExprError) throw e;
    // Only a bug or an exhausted host (stack, memory) gets here; it must still not escape.
    throw new ExprError("InternalError", `Evaluation failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Evaluates one expression to plain data; never throws. */
export function evaluateExpression(
  expression: string | CompiledExpression,
  ctx: EvaluationContext,
): EvaluationOutcome {
  const compiled = typeof expression === "string" ? compileExpression(expression) : expression;
  const st = newState(ctx);
  try {
    const value = evaluateValue(compiled, st);
    return {
      ok: true,
      value: typeof value === "object" ? toPlain(value, maxResultValues(st)) : value,
      pendingUrls: pendingOf(st),
    };
  } catch (e) {
    const err =
      e instanceof ExprError
        ? e
        : new ExprError("InternalError", `Evaluation failed: ${e instanceof Error ? e.message : String(e)}`);
    return { ok: false, exceptionType: err.exceptionType, message: err.message, pendingUrls: pendingOf(st) };
  }
}

const pendingOf = (st: EvalState): string[] => (st.pendingUrls ? [...st.pendingUrls] : []);

/** Nodes in a subtree: what one loop iteration over it costs against the step budget. */
function countNodes(node: ExprNode): number {
  let n = 1;
  forEachChild(node, (child) => {
    n += countNodes(child);
  });
  return n;
}

/**
 * Compiles an already parsed tree (the parser's output, or a tree built by a tool). Only calls and
 * loop iterations count against the step budget (a loop body by its size): straight-line code is
 * bounded by the expression's length.
 */
export function compileNode(node: ExprNode): Code {
  switch (node.kind) {
    case "literal": {
      const v: Value = node.float && typeof node.value === "number" ? makeDouble(node.value) : node.value;
      return () => v;
    }
    case "list": {
      const items = node.items.map(compileNode);
      return (st, self) => items.map((item) => item(st, self));
    }
    case "map": {
      const entries = node.entries.map((e) => [e.key, compileNode(e.value)] as const);
      return (st, self) => {
        const out = newMap();
        for (const [k, v] of entries) out[k] = v(st, self);
        return out;
      };
    }
    case "identifier": {
      const name = node.name;
      return (_st, self) => {
        if (isMap(self)) return self[name] ?? null;
        throw new ExprError("PropertyNotFound", `'${name}' cannot be read from ${typeName(self)}.`);
      };
    }
    case "variable":
      if (node.name === "this") return (_st, self) => self;
      if (node.name === "root") return (st) => st.ctx.root;
      return fail("UnknownVariable", `Unknown variable #${node.name}; the variables are #this and #root.`);
    case "property": {
      const object = compileNode(node.object);
      const { name, safe } = node;
      return (st, self) => readProperty(object(st, self), name, safe);
    }
    case "index": {
      const object = compileNode(node.object);
      const safe = node.safe;
      const key = node.index;
      if (key.kind === "literal" && typeof key.value === "string") {
        // `x['context']`, the common Spinnaker spelling: a map read with no key conversion.
        const name = key.value;
        return (st, self) => {
          const target = object(st, self);
          if (isMap(target)) return target[name] ?? null;
          if (target === null && safe) return null;
          return readIndex(target, name);
        };
      }
      if (key.kind === "identifier") {
        // As in SpEL, `map[name]` reads the key "name" itself; on a list `list[i]` reads `i`.
        const name = key.name;
        return (st, self) => {
          const target = object(st, self);
          if (isMap(target)) return target[name] ?? null;
          if (target === null && safe) return null;
          const root = st.ctx.root;
          return readIndex(target, isMap(root) ? (root[name] ?? null) : null);
        };
      }
      // The index is evaluated against the root, not the element of a selection (SpEL does so;
      // #this inside the brackets is the root too).
      const index = compileNode(key);
      return (st, self) => {
        const target = object(st, self);
        if (target === null && safe) return null;
        return readIndex(target, index(st, st.ctx.root));
      };
    }
    case "method":
      return compileMethod(node);
    case "function": {
      const args = node.args.map(compileNode);
      const { name } = node;
      let impl: ReturnType<typeof resolveFunction>;
      try {
        impl = resolveFunction(name, args.length);
      } catch (e) {
        const err = e as ExprError;
        return fail(err.exceptionType, err.message);
      }
      return (st, self) => {
        tick(st);
        return impl(
          st,
          args.map((a) => a(st, self)),
        );
      };
    }
    case "selection":
      return compileSelection(node);
    case "projection": {
      const object = compileNode(node.object);
      const expression = compileNode(node.expression);
      const weight = countNodes(node.expression);
      const safe = node.safe;
      return (st, self) => {
        const target = object(st, self);
        if (target === null && safe) return null;
        const elements = elementsOf(target, "projection");
        return elements.map((element) => {
          tick(st, weight);
          return expression(st, element);
        });
      };
    }
    case "unary": {
      const operand = compileNode(node.operand);
      if (node.operator === "!")
        return (st, self) => !toBooleanStrict(operand(st, self), "The operand of 'not'");
      const negate = node.operator === "-";
      return (st, self) => {
        const v = operand(st, self);
        if (!isNumber(v))
          throw new ExprError("TypeError", `Unary '${node.operator}' needs a number, got ${typeName(v)}.`);
        if (!negate) return v;
        // SpEL negates as `0 - x`, so -0.0 is 0.0.
        return isDouble(v) ? makeDouble(0 - numberOf(v)) : 0 - numberOf(v);
      };
    }
    case "binary":
      return compileBinary(node);
    case "ternary": {
      const test = compileNode(node.test);
      const consequent = compileNode(node.consequent);
      const alternate = compileNode(node.alternate);
      return (st, self) =>
        toBooleanStrict(test(st, self), "The condition of '?:'") ? consequent(st, self) : alternate(st, self);
    }
    case "elvis": {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      return (st, self) => {
        const v = left(st, self);
        return v === null || v === "" ? right(st, self) : v;
      };
    }
    case "typeReference":
      return fail(
        "ExpressionNotAllowed",
        `T(${node.typeName}) is not available: expressions cannot reach Java types.`,
      );
    case "constructor":
      return fail(
        "ExpressionNotAllowed",
        `'new ${node.typeName}' is not available: expressions cannot create objects.`,
      );
    case "beanReference":
      return fail("ExpressionNotAllowed", `Bean references (@${node.name}) are not available.`);
    case "error":
      return fail("ExpressionSyntaxError", "The expression could not be parsed.");
  }
}

function fail(exceptionType: string, message: string): Code {
  return () => {
    throw new ExprError(exceptionType, message);
  };
}

/** Reads a map entry; only own entries of sandbox maps exist, so `constructor` and `__proto__` are just missing keys. */
function readProperty(target: Value, name: string, safe: boolean): Value {
  // Sandbox maps have no prototype, so a plain read sees only their own entries.
  if (isMap(target)) return target[name] ?? null;
  if (target === null) {
    if (safe) return null;
    throw new ExprError(
      "NullPointerException",
      `Cannot read '${name}' of null; use ?.${name} to get null instead.`,
    );
  }
  throw new ExprError(
    "PropertyNotFound",
    `'${name}' cannot be read from ${typeName(target)}; only maps have properties.`,
  );
}

/** A list or string index as Spring converts it to an Integer: numbers truncate, text is parsed. */
function indexNumber(key: Value): number {
  if (isNumber(key)) return Math.trunc(numberOf(key));
  if (typeof key === "string") {
    const t = javaTrim(key);
    if (/^[+-]?\d{1,10}$/.test(t)) return Number(t);
  }
  return Number.NaN;
}

function readIndex(target: Value, key: Value): Value {
  if (isMap(target)) {
    // Data maps have String keys and SpEL does not convert the index: labels[1] is null even
    // when there is a key "1".
    return typeof key === "string" ? (target[key] ?? null) : null;
  }
  if (Array.isArray(target) || typeof target === "string") {
    const i = indexNumber(key);
    if (!Number.isInteger(i))
      throw new ExprError(
        "TypeError",
        `A ${typeName(target)} is indexed by a whole number, not ${typeName(key)}${key === null ? "" : ` ${describeValue(key)}`}.`,
      );
    if (i < 0 || i >= target.length)
      throw new ExprError(
        "IndexOutOfBounds",
        `Index ${i} is out of bounds: the ${typeName(target)} has ${target.length} element(s).`,
      );
    return target[i];
  }
  if (target === null)
    throw new ExprError("NullPointerException", "Cannot index into null; use ?.[...] to get null instead.");
  throw new ExprError("TypeError", `${typeName(target)} cannot be indexed.`);
}

function compileMethod(node: ExprNode & { kind: "method" }): Code {
  const object = node.object ? compileNode(node.object) : undefined;
  const args = node.args.map(compileNode);
  const { name, safe } = node;
  // Literal patterns are compiled once; a refused pattern is reported when the call runs.
  let regex: Regex | undefined;
  const first = node.args[0];
  if (
    (name === "matches" || name === "replaceAll" || name === "split") &&
    first?.kind === "literal" &&
    typeof first.value === "string"
  ) {
    try {
      regex = compileRegex(first.value);
    } catch (e) {
      const err = e as ExprError;
      return fail(err.exceptionType, err.message);
    }
  }
  let impl: ReturnType<typeof resolveMethod>;
  try {
    impl = resolveMethod(name, args.length);
  } catch (e) {
    const err = e as ExprError;
    // The target is still evaluated first, so its own error (say, T(...)) is the one reported.
    return (st, self) => {
      if (object) object(st, self);
      throw err;
    };
  }
  if (args.length === 1) {
    const [arg] = args;
    return (st, self) => {
      const target = object ? object(st, self) : self;
      if (target === null && safe) return null;
      return impl(st, target, [arg(st, self)], regex);
    };
  }
  return (st, self) => {
    const target = object ? object(st, self) : self;
    if (target === null && safe) return null;
    return impl(
      st,
      target,
      args.map((a) => a(st, self)),
      regex,
    );
  };
}

/** Lists iterate their elements; maps iterate entries as {key, value} maps, as SpEL does. */
function elementsOf(target: Value, what: string): Value[] {
  if (Array.isArray(target)) return target;
  if (isMap(target))
    return Object.keys(target).map((key) => {
      const entry = newMap();
      entry.key = key;
      entry.value = target[key];
      return entry;
    });
  throw new ExprError("TypeError", `A ${what} needs a list or a map, got ${typeName(target)}.`);
}

function compileSelection(node: ExprNode & { kind: "selection" }): Code {
  const object = compileNode(node.object);
  const predicate = compileNode(node.predicate);
  const weight = countNodes(node.predicate);
  const { mode, safe } = node;
  return (st, self) => {
    const target = object(st, self);
    if (target === null && safe) return null;
    const elements = elementsOf(target, "selection");
    const test = (element: Value) => {
      tick(st, weight);
      const r = predicate(st, element);
      if (typeof r !== "boolean")
        throw new ExprError("TypeError", `A selection criterion must be true or false, got ${typeName(r)}.`);
      return r;
    };
    let selected: Value[];
    if (mode === "first") {
      const hit = elements.find(test);
      selected = hit === undefined ? [] : [hit];
    } else if (mode === "last") {
      let hit: Value | undefined;
      for (let i = elements.length - 1; i >= 0 && hit === undefined; i--)
        if (test(elements[i])) hit = elements[i];
      selected = hit === undefined ? [] : [hit];
    } else selected = elements.filter(test);
    if (isMap(target)) {
      const out = newMap();
      for (const entry of selected as ValueMap[]) out[entry.key as string] = entry.value;
      return mode !== "all" && selected.length === 0 ? null : out;
    }
    if (mode === "all") return selected;
    return selected.length ? selected[0] : null;
  };
}

function compileBinary(node: BinaryNode): Code {
  const left = compileNode(node.left);
  const right = compileNode(node.right);
  const op = node.operator;
  switch (op) {
    case "and":
      return (st, self) =>
        toBooleanStrict(left(st, self), "The left operand of 'and'") &&
        toBooleanStrict(right(st, self), "The right operand of 'and'");
    case "or":
      return (st, self) =>
        toBooleanStrict(left(st, self), "The left operand of 'or'") ||
        toBooleanStrict(right(st, self), "The right operand of 'or'");
    case "==":
      return (st, self) => valuesEqual(left(st, self), right(st, self), st);
    case "!=":
      return (st, self) => !valuesEqual(left(st, self), right(st, self), st);
    case "<":
      return (st, self) => compareValues(left(st, self), right(st, self)) < 0;
    case "<=":
      return (st, self) => compareValues(left(st, self), right(st, self)) <= 0;
    case ">":
      return (st, self) => compareValues(left(st, self), right(st, self)) > 0;
    case ">=":
      return (st, self) => compareValues(left(st, self), right(st, self)) >= 0;
    case "between":
      return (st, self) => {
        const value = left(st, self);
        const range = right(st, self);
        if (!Array.isArray(range) || range.length !== 2)
          throw new ExprError(
            "TypeError",
            `The right operand of 'between' must be a list of two elements, {low, high}; got ${typeName(range)} ${describeValue(range)}.`,
          );
        return compareValues(value, range[0]) >= 0 && compareValues(value, range[1]) <= 0;
      };
    case "instanceof": {
      if (node.right.kind !== "typeReference")
        return (st, self) => {
          left(st, self);
          right(st, self);
          throw new ExprError(
            "TypeError",
            "The right operand of 'instanceof' must be a type: T(String), T(Integer), T(Long), T(Double) or T(Boolean).",
          );
        };
      const test = javaTypeTest(node.right.typeName);
      if (!test)
        return fail(
          "ExpressionNotAllowed",
          `T(${node.right.typeName}) is not available: only T(String), T(Integer), T(Long), T(Double), T(Boolean) and Spinnaker's other allowed types can follow 'instanceof'.`,
        );
      return (st, self) => test(left(st, self));
    }
    case "^":
      return (st, self) => power(left(st, self), right(st, self));
    case "matches": {
      const literal =
        node.right.kind === "literal" && typeof node.right.value === "string" ? node.right.value : undefined;
      let fixed: Regex | undefined;
      if (literal !== undefined) {
        try {
          fixed = compileRegex(literal);
        } catch (e) {
          const err = e as ExprError;
          return fail(err.exceptionType, err.message);
        }
      }
      return (st, self) => {
        tick(st);
        const subject = left(st, self);
        if (subject === null) throw new ExprError("TypeError", "The left operand of 'matches' is null.");
        const pattern = fixed ?? compileRegex(patternText(right(st, self)));
        return regexMatches(pattern, toJavaString(subject, st.ctx.limits.maxStringLength), st);
      };
    }
    default:
      return (st, self) => arithmetic(st, op, left(st, self), right(st, self));
  }
}

function patternText(v: Value): string {
  if (typeof v !== "string")
    throw new ExprError("TypeError", `The right operand of 'matches' must be a string, got ${typeName(v)}.`);
  return v;
}

/**
 * SpEL's `^`: Math.pow, a double when either side is one; otherwise the result cast back to a
 * whole number as Java casts a double (truncated, saturating at the int or long range).
 */
function power(a: Value, b: Value): Value {
  if (!isNumber(a) || !isNumber(b))
    throw new ExprError("TypeError", `Operator '^' cannot be applied to ${typeName(a)} and ${typeName(b)}.`);
  const d = numberOf(a) ** numberOf(b);
  if (isDouble(a) || isDouble(b)) return makeDouble(d);
  if (Number.isNaN(d)) return 0;
  if (d > 2147483647) return Math.min(Math.trunc(d), 2 ** 63);
  return Math.max(Math.trunc(d), -2147483648);
}

/** Java arithmetic: Integer op Integer stays an Integer (7/2 is 3), anything with a Double is a Double. */
function arithmetic(st: EvalState, op: "+" | "-" | "*" | "/" | "%", a: Value, b: Value): Value {
  if (isNumber(a) && isNumber(b)) {
    const x = numberOf(a);
    const y = numberOf(b);
    if (!isDouble(a) && !isDouble(b)) {
      switch (op) {
        case "+":
          return x + y;
        case "-":
          return x - y;
        case "*":
          return x * y;
        case "/":
          if (y === 0) throw new ExprError("ArithmeticException", "/ by zero");
          return Math.trunc(x / y);
        case "%":
          if (y === 0) throw new ExprError("ArithmeticException", "/ by zero");
          return x % y;
      }
    }
    switch (op) {
      case "+":
        return makeDouble(x + y);
      case "-":
        return makeDouble(x - y);
      case "*":
        return makeDouble(x * y);
      case "/":
        return makeDouble(x / y);
      case "%":
        return makeDouble(x % y);
    }
  }
  if (op === "+" && (typeof a === "string" || typeof b === "string")) {
    // The other side is converted as Spring converts it: a list prints as `a,b`.
    const max = st.ctx.limits.maxStringLength;
    const l = toSpelText(a, "concatenation", max);
    const r = toSpelText(b, "concatenation", max - l.length);
    checkString(st, l.length + r.length);
    return l + r;
  }
  if (op === "*" && typeof a === "string" && isNumber(b) && !isDouble(b)) {
    // Java's loop: a count of zero or less repeats nothing.
    const times = Math.max(0, numberOf(b));
    checkString(st, a.length * times);
    return a.repeat(times);
  }
  throw new ExprError(
    "TypeError",
    `Operator '${op}' cannot be applied to ${typeName(a)} and ${typeName(b)}.`,
  );
}
