/**
 * Regular expressions for `matches`, `.matches()`, `.replaceAll()` and `.split()`, run by a Pike VM
 * (Thompson NFA simulation) instead of a backtracking engine: time is linear in input length times
 * pattern size, whatever the pattern, so `(a+)+$` and friends cannot stall evaluation (no ReDoS).
 * Work is also charged to a budget, so even a linear scan of a huge input stops with a clear error.
 */
import {
  type Machine,
  OP_ANY,
  OP_BEGIN,
  OP_BOL,
  OP_CHAR,
  OP_CLASS,
  OP_END,
  OP_EOL,
  OP_JMP,
  OP_MATCH,
  OP_NWORDB,
  OP_SAVE,
  OP_SPLIT,
  OP_WORDB,
  type Regex,
} from "./regex-compile.js";
import { ExprError } from "./values.js";

export { compileRegex, type Regex } from "./regex-compile.js";

/** Work units a regex may spend; shared across calls of one evaluation. */
export interface RegexBudget {
  remaining: number;
}

const isWordChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isLineTerminator = (c: number) => c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;

function inRanges(ranges: number[], c: number): boolean {
  for (let k = 0; k < ranges.length; k += 2) if (c >= ranges[k] && c <= ranges[k + 1]) return true;
  return false;
}

function classMatches(inst: { ranges: number[]; negate: boolean }, c: number, ignoreCase: boolean): boolean {
  let hit = inRanges(inst.ranges, c);
  if (!hit && ignoreCase) {
    const ch = String.fromCharCode(c);
    const lower = ch.toLowerCase().charCodeAt(0);
    const upper = ch.toUpperCase().charCodeAt(0);
    hit = inRanges(inst.ranges, lower) || inRanges(inst.ranges, upper);
  }
  return hit !== inst.negate;
}

function foldCase(c: number): number {
  return String.fromCharCode(c).toLowerCase().charCodeAt(0);
}

// Opcodes as small integers, so the VM runs over typed arrays without allocating per step.
function overBudget(): ExprError {
  return new ExprError(
    "RegexTooComplex",
    "The regular expression needs too much work on this input; shorten the input or simplify the pattern.",
  );
}

function assertionHolds(re: Regex, op: number, input: string, pos: number): boolean {
  const len = input.length;
  switch (op) {
    case OP_BOL:
      return pos === 0 || (re.multiline && isLineTerminator(input.charCodeAt(pos - 1)));
    case OP_BEGIN:
      return pos === 0;
    case OP_EOL:
      return (
        pos === len ||
        (re.multiline
          ? isLineTerminator(input.charCodeAt(pos))
          : pos === len - 1 && input.charCodeAt(pos) === 10)
      );
    case OP_END:
      return pos === len;
    default: {
      const before = pos > 0 && isWordChar(input.charCodeAt(pos - 1));
      const after = pos < len && isWordChar(input.charCodeAt(pos));
      return (before !== after) === (op === OP_WORDB);
    }
  }
}

function consumes(re: Regex, m: Machine, pc: number, c: number): boolean {
  if (c < 0) return false;
  switch (m.ops[pc]) {
    case OP_CHAR:
      return c === m.a[pc] || (re.ignoreCase && foldCase(c) === foldCase(m.a[pc]));
    case OP_ANY:
      return re.dotAll || !isLineTerminator(c);
    case OP_CLASS:
      return classMatches(m.classes[m.a[pc]], c, re.ignoreCase);
    default:
      return false;
  }
}

/** Whole-input match without captures: a plain Thompson simulation over sets of program counters. */
function fullMatch(re: Regex, input: string, budget: RegexBudget): boolean {
  const m = re.machine;
  const n = m.ops.length;
  const len = input.length;
  let clist = new Int32Array(n);
  let nlist = new Int32Array(n);
  let ccount = 0;
  let ncount = 0;
  const marks = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n * 2 + 2);
  let generation = 0;
  let work = 0;
  const add = (list: Int32Array, count: number, pc0: number, pos: number): number => {
    let sp = 0;
    stack[sp++] = pc0;
    while (sp > 0) {
      const pc = stack[--sp];
      if (marks[pc] === generation) continue;
      marks[pc] = generation;
      work++;
      const op = m.ops[pc];
      if (op === OP_JMP) stack[sp++] = m.a[pc];
      else if (op === OP_SPLIT) {
        stack[sp++] = m.b[pc];
        stack[sp++] = m.a[pc];
      } else if (op === OP_SAVE) stack[sp++] = pc + 1;
      else if (op >= OP_BOL && op <= OP_NWORDB) {
        if (assertionHolds(re, op, input, pos)) stack[sp++] = pc + 1;
      } else list[count++] = pc;
    }
    return count;
  };
  ccount = add(clist, 0, 0, 0);
  for (let pos = 0; pos <= len; pos++) {
    if (ccount === 0) break;
    work += ccount;
    if (work > 4096) {
      budget.remaining -= work;
      work = 0;
      if (budget.remaining < 0) throw overBudget();
    }
    generation++;
    ncount = 0;
    const c = pos < len ? input.charCodeAt(pos) : -1;
    for (let k = 0; k < ccount; k++) {
      const pc = clist[k];
      if (m.ops[pc] === OP_MATCH) {
        if (pos === len) return true;
      } else if (consumes(re, m, pc, c)) ncount = add(nlist, ncount, pc + 1, pos + 1);
    }
    [clist, nlist] = [nlist, clist];
    ccount = ncount;
  }
  budget.remaining -= work;
  if (budget.remaining < 0) throw overBudget();
  return false;
}

/**
 * Leftmost-first search from `start` with captures (a Pike VM). Returns the capture positions
 * [start, end, g1start, g1end, ...] (-1 when unset) or null.
 */
function find(re: Regex, input: string, start: number, budget: RegexBudget): number[] | null {
  const m = re.machine;
  if (m.literal !== undefined) {
    const at = input.indexOf(m.literal, start);
    // Charge for the text scanned; indexOf is far cheaper per character than the VM.
    budget.remaining -= 1 + (((at < 0 ? input.length : at) - start) >> 4);
    if (budget.remaining < 0) throw overBudget();
    return at < 0 ? null : [at, at + m.literal.length];
  }
  const n = m.ops.length;
  const len = input.length;
  const nCaps = (re.groups + 1) * 2;
  const marks = new Int32Array(n).fill(-1);
  let generation = 0;
  let clist: { pc: number; caps: number[] }[] = [];
  let nlist: { pc: number; caps: number[] }[] = [];
  let matched: number[] | null = null;
  let work = 0;
  const stackPc: number[] = [];
  const stackCaps: number[][] = [];
  const add = (list: { pc: number; caps: number[] }[], pc0: number, caps0: number[], pos: number) => {
    stackPc.push(pc0);
    stackCaps.push(caps0);
    while (stackPc.length) {
      const pc = stackPc.pop()!;
      const caps = stackCaps.pop()!;
      if (marks[pc] === generation) continue;
      marks[pc] = generation;
      work++;
      const op = m.ops[pc];
      if (op === OP_JMP) {
        stackPc.push(m.a[pc]);
        stackCaps.push(caps);
      } else if (op === OP_SPLIT) {
        stackPc.push(m.b[pc], m.a[pc]);
        stackCaps.push(caps, caps);
      } else if (op === OP_SAVE) {
        const copy = caps.slice();
        copy[m.a[pc]] = pos;
        stackPc.push(pc + 1);
        stackCaps.push(copy);
      } else if (op >= OP_BOL && op <= OP_NWORDB) {
        if (assertionHolds(re, op, input, pos)) {
          stackPc.push(pc + 1);
          stackCaps.push(caps);
        }
      } else list.push({ pc, caps });
    }
  };
  for (let pos = start; pos <= len; pos++) {
    // clist was built under the current generation, so the new start thread dedupes against it.
    if (!matched) {
      // A new thread per start position has the lowest priority: leftmost match wins.
      const caps = new Array<number>(nCaps).fill(-1);
      caps[0] = pos;
      add(clist, 0, caps, pos);
    }
    if (clist.length === 0) break;
    work += clist.length;
    if (work > 4096) {
      budget.remaining -= work;
      work = 0;
      if (budget.remaining < 0) throw overBudget();
    }
    generation++;
    const c = pos < len ? input.charCodeAt(pos) : -1;
    for (const t of clist) {
      if (m.ops[t.pc] === OP_MATCH) {
        matched = t.caps.slice();
        matched[1] = pos;
        break; // lower-priority threads lose to this match
      }
      if (consumes(re, m, t.pc, c)) add(nlist, t.pc + 1, t.caps, pos + 1);
    }
    [clist, nlist] = [nlist, []];
  }
  budget.remaining -= work;
  if (budget.remaining < 0) throw overBudget();
  return matched;
}

/** Java's String.matches: the whole input must match. */
export function regexMatches(re: Regex, input: string, budget: RegexBudget): boolean {
  return fullMatch(re, input, budget);
}

/** Each successive match (Java's Matcher.find loop), empty matches advancing by one. */
function* findAll(re: Regex, input: string, budget: RegexBudget): Generator<number[]> {
  let from = 0;
  while (from <= input.length) {
    const m = find(re, input, from, budget);
    if (!m) return;
    yield m;
    from = m[1] === m[0] ? m[1] + 1 : m[1];
  }
}

/** Java's String.replaceAll, with `$n` group references and `\` escapes in the replacement. */
export function regexReplaceAll(
  re: Regex,
  input: string,
  replacement: string,
  budget: RegexBudget,
  maxLength: number,
): string {
  const parts = parseReplacement(replacement, re.groups);
  const literal = re.machine.literal;
  if (literal !== undefined && parts.every((p) => typeof p === "string")) {
    // Plain text replaced by plain text: size the result first, then let the engine do it.
    const text = parts.join("");
    let count = literal === "" ? input.length + 1 : 0;
    if (literal !== "")
      for (let at = input.indexOf(literal); at >= 0; at = input.indexOf(literal, at + literal.length))
        count++;
    budget.remaining -= 1 + (input.length >> 4);
    if (budget.remaining < 0) throw overBudget();
    if (input.length + count * (text.length - literal.length) > maxLength)
      throw new ExprError("LimitExceeded", `replaceAll would build a string over ${maxLength} characters.`);
    return input.replaceAll(literal, () => text);
  }
  const pieces: string[] = [];
  let size = 0;
  let last = 0;
  let from = 0;
  while (from <= input.length) {
    const m = find(re, input, from, budget);
    if (!m) break;
    pieces.push(input.slice(last, m[0]));
    size += m[0] - last;
    for (const part of parts) {
      if (typeof part === "string") {
        pieces.push(part);
        size += part.length;
      } else if (m[part * 2] >= 0 && m[part * 2 + 1] >= 0) {
        pieces.push(input.slice(m[part * 2], m[part * 2 + 1]));
        size += m[part * 2 + 1] - m[part * 2];
      }
    }
    if (size > maxLength)
      throw new ExprError("LimitExceeded", `replaceAll would build a string over ${maxLength} characters.`);
    last = m[1];
    from = m[1] === m[0] ? m[1] + 1 : m[1];
  }
  pieces.push(input.slice(last));
  return pieces.join("");
}

/** Splits a replacement into literal text and group numbers, as Java's Matcher reads it. */
function parseReplacement(replacement: string, groups: number): (string | number)[] {
  const parts: (string | number)[] = [];
  let text = "";
  for (let k = 0; k < replacement.length; k++) {
    const ch = replacement[k];
    if (ch === "\\") {
      k++;
      if (k >= replacement.length)
        throw new ExprError("IllegalArgumentException", "character to be escaped is missing");
      text += replacement[k];
    } else if (ch === "$") {
      k++;
      if (!/[0-9]/.test(replacement[k] ?? ""))
        throw new ExprError("IllegalArgumentException", "Illegal group reference in the replacement");
      let group = Number(replacement[k]);
      // Java keeps reading digits while the number still names an existing group.
      while (/[0-9]/.test(replacement[k + 1] ?? "") && group * 10 + Number(replacement[k + 1]) <= groups) {
        group = group * 10 + Number(replacement[++k]);
      }
      if (group > groups) throw new ExprError("IndexOutOfBoundsException", `No group ${group}`);
      if (text) parts.push(text);
      text = "";
      parts.push(group);
    } else text += ch;
  }
  if (text) parts.push(text);
  return parts;
}

/** Java's String.split(regex, limit), including its rules for leading and trailing empty strings. */
export function regexSplit(re: Regex, input: string, limit: number, budget: RegexBudget): string[] {
  const parts: string[] = [];
  let index = 0;
  let matchedAny = false;
  for (const m of findAll(re, input, budget)) {
    if (limit > 0 && parts.length >= limit - 1) break;
    if (m[1] === 0 && m[0] === 0) continue; // a zero-width match at the start yields no leading ""
    parts.push(input.slice(index, m[0]));
    index = m[1];
    matchedAny = true;
  }
  if (!matchedAny) return [input];
  parts.push(input.slice(index));
  if (limit === 0) while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}
