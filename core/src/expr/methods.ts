import { allowedMethodsText, METHOD_ALTERNATIVES, METHOD_BY_NAME, type MethodSpec } from "./catalog.js";
import { checkList, checkString, type EvalState, tick } from "./context.js";
import { compileRegex, type Regex, regexMatches, regexReplaceAll, regexSplit } from "./regex.js";
import {
  ExprError,
  isMap,
  isNumber,
  javaEquals,
  numberOf,
  toJavaString,
  typeName,
  type Value,
  type ValueMap,
} from "./values.js";

function argText(st: EvalState, v: Value, method: string): string {
  if (v === null) throw new ExprError("NullPointerException", `.${method}() was given null.`);
  return toJavaString(v, st.ctx.limits.maxStringLength);
}

/** A CharSequence parameter: Spring converts numbers to String parameters, not to CharSequence ones. */
function argChars(v: Value, method: string): string {
  if (typeof v === "string") return v;
  if (v === null) throw new ExprError("NullPointerException", `.${method}() was given null.`);
  throw new ExprError("TypeError", `.${method}() needs a string, got ${typeName(v)}.`);
}

/**
 * The first argument of indexOf/lastIndexOf: a string, or a whole number read as a character code
 * (Java's indexOf(int ch): 'hello'.indexOf(108) is 2).
 */
function searchText(st: EvalState, v: Value, method: string): string | undefined {
  if (isNumber(v) && Number.isInteger(numberOf(v))) {
    const code = numberOf(v);
    return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return argText(st, v, method);
}

/** Java's Character.isWhitespace, which strip() and isBlank() use (not the no-break spaces). */
function isJavaWhitespace(code: number): boolean {
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x1f)) return true;
  if (code < 0x1680) return false;
  if (code === 0x00a0 || code === 0x2007 || code === 0x202f) return false;
  return (
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Java's String.compareTo: the first differing UTF-16 unit, else the length difference. */
function compareStrings(a: string, b: string, ignoreCase: boolean): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y && ignoreCase) {
      x = String.fromCharCode(x).toUpperCase().toLowerCase().charCodeAt(0);
      y = String.fromCharCode(y).toUpperCase().toLowerCase().charCodeAt(0);
    }
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

function argInt(v: Value, method: string): number {
  if (!isNumber(v) || !Number.isInteger(numberOf(v)))
    throw new ExprError("TypeError", `.${method}() needs a whole number, got ${typeName(v)}.`);
  return numberOf(v);
}

/** Java's String.trim: strips every character up to and including the space. */
export function javaTrim(s: string): string {
  // A loop, not /\s+$/: that pattern is quadratic on long inner runs of spaces.
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  return s.slice(start, end);
}

function outOfBounds(s: string, detail: string): ExprError {
  return new ExprError("StringIndexOutOfBoundsException", `${detail} for a string of length ${s.length}.`);
}

/** Regexes given as literals are compiled once by the evaluator and passed in here. */
function regexArg(st: EvalState, v: Value, method: string, precompiled: Regex | undefined): Regex {
  return precompiled ?? compileRegex(argText(st, v, method));
}

export type MethodImpl = (st: EvalState, target: Value, args: Value[], regex: Regex | undefined) => Value;

/**
 * Resolves an allow-listed method once, when the expression is compiled; anything else throws
 * (ExprError) with the allowed alternative, and the evaluator turns that into a failing node.
 */
export function resolveMethod(name: string, argCount: number): MethodImpl {
  const spec = METHOD_BY_NAME.get(name);
  if (!spec) {
    const alternative = Object.hasOwn(METHOD_ALTERNATIVES, name) ? METHOD_ALTERNATIVES[name] : undefined;
    throw new ExprError(
      "MethodNotAllowed",
      alternative
        ? `.${name}() is not allowed; ${alternative}.`
        : `.${name}() is not allowed. Allowed methods: ${allowedMethodsText()}.`,
    );
  }
  if (argCount < spec.minArgs || argCount > spec.maxArgs)
    throw new ExprError("WrongArity", `.${name}() does not take ${argCount} argument(s).`);
  return specialise(spec);
}

type Impl<T> = (st: EvalState, target: T, args: Value[], regex: Regex | undefined) => Value;

function oneArgument(args: Value[], method: string, receiver: string): Value {
  if (args.length !== 1)
    throw new ExprError(
      "WrongArity",
      `.${method}() on a ${receiver} takes one argument, not ${args.length}.`,
    );
  return args[0];
}

const LIST_METHODS: Record<string, Impl<Value[]>> = {
  size: (_st, list) => list.length,
  isEmpty: (_st, list) => list.length === 0,
  contains: (st, list, [x]) => list.some((item) => javaEquals(item, x, st)),
  indexOf: (st, list, args) => {
    const x = oneArgument(args, "indexOf", "List");
    return list.findIndex((item) => javaEquals(item, x, st));
  },
  lastIndexOf: (st, list, args) => {
    const x = oneArgument(args, "lastIndexOf", "List");
    for (let i = list.length - 1; i >= 0; i--) if (javaEquals(list[i], x, st)) return i;
    return -1;
  },
};

const MAP_METHODS: Record<string, Impl<ValueMap>> = {
  size: (_st, map) => Object.keys(map).length,
  isEmpty: (_st, map) => Object.keys(map).length === 0,
  // Keys are Strings: containsKey(1) is false even with a key "1", as in Java.
  containsKey: (_st, map, [k]) => typeof k === "string" && Object.hasOwn(map, k),
  containsValue: (st, map, [x]) => Object.keys(map).some((k) => javaEquals(map[k], x, st)),
  keySet: (_st, map) => Object.keys(map),
  values: (_st, map) => Object.keys(map).map((k) => map[k]),
};

/** A closure for one method name, so the receiver dispatch is all that is left at run time. */
function specialise(spec: MethodSpec): MethodImpl {
  const name = spec.name;
  const forString: Impl<string> | undefined = spec.receivers.includes("string")
    ? (st, s, args, regex) => stringMethod(st, s, name, args, regex)
    : undefined;
  const forList = Object.hasOwn(LIST_METHODS, name) ? LIST_METHODS[name] : undefined;
  const forMap = Object.hasOwn(MAP_METHODS, name) ? MAP_METHODS[name] : undefined;
  const universal = name === "equals" || name === "toString";
  return (st, target, args, regex) => {
    tick(st);
    if (target === null)
      throw new ExprError(
        "NullPointerException",
        `Cannot call .${name}() on null; use ?.${name}() to get null instead.`,
      );
    if (universal)
      return name === "equals"
        ? javaEquals(target, args[0], st)
        : toJavaString(target, st.ctx.limits.maxStringLength);
    if (typeof target === "string") {
      if (forString) return forString(st, target, args, regex);
    } else if (Array.isArray(target)) {
      if (forList) return forList(st, target, args, regex);
    } else if (isMap(target) && forMap) return forMap(st, target, args, regex);
    throw new ExprError(
      "MethodNotAllowed",
      `.${name}() is not available on ${typeName(target)}; it works on ${spec.receivers.join(", ")} values.`,
    );
  };
}

function stringMethod(
  st: EvalState,
  s: string,
  name: string,
  args: Value[],
  regex: Regex | undefined,
): Value {
  switch (name) {
    case "equalsIgnoreCase":
      return (
        args[0] !== null &&
        toJavaString(args[0], st.ctx.limits.maxStringLength).toLowerCase() === s.toLowerCase()
      );
    case "contains":
      return s.includes(argChars(args[0], name));
    case "startsWith": {
      const offset = args.length > 1 ? argInt(args[1], name) : 0;
      return offset >= 0 && offset <= s.length && s.startsWith(argText(st, args[0], name), offset);
    }
    case "endsWith":
      return s.endsWith(argText(st, args[0], name));
    case "toUpperCase":
      return s.toUpperCase();
    case "toLowerCase":
      return s.toLowerCase();
    case "trim":
      return javaTrim(s);
    case "length":
      return s.length;
    case "isEmpty":
      return s.length === 0;
    case "substring": {
      const begin = argInt(args[0], name);
      const end = args.length > 1 ? argInt(args[1], name) : s.length;
      if (begin < 0 || end > s.length || begin > end) throw outOfBounds(s, `begin ${begin}, end ${end}`);
      return s.slice(begin, end);
    }
    case "indexOf": {
      const from = args.length > 1 ? Math.max(0, argInt(args[1], name)) : 0;
      const text = searchText(st, args[0], name);
      return text === undefined ? -1 : s.indexOf(text, from);
    }
    case "lastIndexOf": {
      const from = args.length > 1 ? argInt(args[1], name) : s.length;
      const text = searchText(st, args[0], name);
      return text === undefined || from < 0 ? -1 : s.lastIndexOf(text, from);
    }
    case "charAt": {
      const i = argInt(args[0], name);
      if (i < 0 || i >= s.length) throw outOfBounds(s, `index ${i}`);
      return s[i];
    }
    case "repeat": {
      const count = argInt(args[0], name);
      if (count < 0) throw new ExprError("IllegalArgumentException", `count is negative: ${count}`);
      checkString(st, s.length * count);
      return s.repeat(count);
    }
    case "strip":
    case "stripLeading":
    case "stripTrailing": {
      let start = 0;
      let end = s.length;
      if (name !== "stripTrailing") while (start < end && isJavaWhitespace(s.charCodeAt(start))) start++;
      if (name !== "stripLeading") while (end > start && isJavaWhitespace(s.charCodeAt(end - 1))) end--;
      return s.slice(start, end);
    }
    case "isBlank": {
      for (let i = 0; i < s.length; i++) if (!isJavaWhitespace(s.charCodeAt(i))) return false;
      return true;
    }
    case "compareTo":
    case "compareToIgnoreCase":
      return compareStrings(s, argText(st, args[0], name), name === "compareToIgnoreCase");
    case "replace": {
      const target = argText(st, args[0], name);
      const replacement = argText(st, args[1], name);
      // Size the result before building it: replacing "" inserts between every character.
      let count = target === "" ? s.length + 1 : 0;
      if (target !== "")
        for (let i = s.indexOf(target); i >= 0; i = s.indexOf(target, i + target.length)) count++;
      checkString(st, s.length + count * (replacement.length - target.length));
      return s.replaceAll(target, () => replacement);
    }
    case "replaceAll": {
      const out = regexReplaceAll(
        regexArg(st, args[0], name, regex),
        s,
        argText(st, args[1], name),
        st,
        st.ctx.limits.maxStringLength,
      );
      checkString(st, out.length);
      return out;
    }
    case "split": {
      const limit = args.length > 1 ? argInt(args[1], name) : 0;
      const parts = regexSplit(regexArg(st, args[0], name, regex), s, limit, st);
      checkList(st, parts.length);
      return parts;
    }
    case "matches":
      return regexMatches(regexArg(st, args[0], name, regex), s, st);
  }
  throw new ExprError("MethodNotAllowed", `.${name}() is not available on String.`);
}
