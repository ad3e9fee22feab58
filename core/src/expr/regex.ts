/**
 * Regular expressions for `matches`, `.matches()`, `.replaceAll()` and `.split()`, run by a Pike VM
 * (Thompson NFA simulation) instead of a backtracking engine: time is linear in input length times
 * pattern size, whatever the pattern, so `(a+)+$` and friends cannot stall evaluation (no ReDoS).
 * The syntax is Java's, minus the features that need backtracking: backreferences, lookaround,
 * atomic groups and possessive quantifiers are refused with a message. Work is also charged to a
 * budget, so even a linear scan of a huge input stops with a clear error.
 */
import { ExprError } from "./values.js";

const MAX_PATTERN_LENGTH = 1000;
const MAX_PROGRAM_SIZE = 5000;
const MAX_REPEAT = 1000;

type Inst =
  | { op: "char"; c: number }
  | { op: "any" }
  | { op: "class"; ranges: number[]; negate: boolean }
  | { op: "split"; x: number; y: number }
  | { op: "jmp"; x: number }
  | { op: "save"; n: number }
  | { op: "bol" }
  | { op: "eol" }
  | { op: "begin" }
  | { op: "end" }
  | { op: "wordb"; negate: boolean }
  | { op: "match" };

type Node =
  | { t: "char"; c: number }
  | { t: "any" }
  | { t: "class"; ranges: number[]; negate: boolean }
  | { t: "cat"; items: Node[] }
  | { t: "alt"; items: Node[] }
  | { t: "group"; index: number | null; body: Node }
  | { t: "repeat"; body: Node; min: number; max: number; greedy: boolean }
  | { t: "assert"; op: "bol" | "eol" | "begin" | "end" | "wordb" | "nwordb" };

export interface Regex {
  source: string;
  program: Inst[];
  groups: number;
  ignoreCase: boolean;
  dotAll: boolean;
  multiline: boolean;
}

/** Work units a regex may spend; shared across calls of one evaluation. */
export interface RegexBudget {
  remaining: number;
}

const unsupported = (what: string) =>
  new ExprError(
    "RegexNotSupported",
    `${what} are not supported in regular expressions (matching is guaranteed to run in linear time).`,
  );
const syntax = (msg: string, source: string) =>
  new ExprError("RegexSyntaxError", `Invalid regular expression '${source}': ${msg}.`);

const DIGIT = [48, 57];
const WORD = [48, 57, 65, 90, 95, 95, 97, 122];
const SPACE = [9, 13, 32, 32];

function complement(ranges: number[]): number[] {
  const sorted: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) sorted.push([ranges[i], ranges[i + 1]]);
  sorted.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push(next, lo - 1);
    next = Math.max(next, hi + 1);
  }
  if (next <= 0xffff) out.push(next, 0xffff);
  return out;
}

class RegexParser {
  private i = 0;
  groups = 0;
  ignoreCase = false;
  dotAll = false;
  multiline = false;

  constructor(private readonly src: string) {}

  parse(): Node {
    const flags = /^\(\?([ism]+)\)/.exec(this.src);
    if (flags) {
      this.ignoreCase = flags[1].includes("i");
      this.dotAll = flags[1].includes("s");
      this.multiline = flags[1].includes("m");
      this.i = flags[0].length;
    }
    const node = this.alternation();
    if (this.i < this.src.length) throw syntax(`unmatched ')' at ${this.i}`, this.src);
    return node;
  }

  private peek(): string {
    return this.src[this.i];
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.peek() === "|") {
      this.i++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0] : { t: "alt", items };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.peek() !== "|" && this.peek() !== ")") {
      items.push(this.quantified());
    }
    return { t: "cat", items };
  }

  private quantified(): Node {
    let node = this.atom();
    for (;;) {
      const c = this.peek();
      let min: number;
      let max: number;
      if (c === "*") [min, max] = [0, Infinity];
      else if (c === "+") [min, max] = [1, Infinity];
      else if (c === "?") [min, max] = [0, 1];
      else if (c === "{" && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i))) {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i))!;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
        if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT))
          throw new ExprError("RegexTooComplex", `Repetition counts above ${MAX_REPEAT} are not supported.`);
        if (max < min) throw syntax("repetition {n,m} with m < n", this.src);
        this.i += m[0].length - 1;
      } else return node;
      this.i++;
      if (node.t === "assert") throw syntax("nothing to repeat", this.src);
      let greedy = true;
      if (this.peek() === "?") {
        greedy = false;
        this.i++;
      } else if (this.peek() === "+") throw unsupported("Possessive quantifiers");
      node = { t: "repeat", body: node, min, max, greedy };
    }
  }

  private atom(): Node {
    const c = this.src[this.i++];
    switch (c) {
      case "(":
        return this.group();
      case "[":
        return this.charClass();
      case ".":
        return { t: "any" };
      case "^":
        return { t: "assert", op: "bol" };
      case "$":
        return { t: "assert", op: "eol" };
      case "\\":
        return this.escape(false);
      case "*":
      case "+":
      case "?":
        throw syntax(`dangling '${c}'`, this.src);
      default:
        return { t: "char", c: c.charCodeAt(0) };
    }
  }

  private group(): Node {
    let index: number | null = null;
    if (this.src.startsWith("?:", this.i)) this.i += 2;
    else if (this.src.startsWith("?<", this.i) && /^\?<[A-Za-z]/.test(this.src.slice(this.i))) {
      const close = this.src.indexOf(">", this.i);
      if (close < 0) throw syntax("unterminated group name", this.src);
      this.i = close + 1;
      index = ++this.groups;
    } else if (this.peek() === "?") {
      const kind = this.src.slice(this.i, this.i + 3);
      if (kind.startsWith("?=") || kind.startsWith("?!") || kind.startsWith("?<"))
        throw unsupported("Lookarounds");
      if (kind.startsWith("?>")) throw unsupported("Atomic groups");
      throw unsupported("Inline flags other than a leading (?i), (?s) or (?m)");
    } else index = ++this.groups;
    const body = this.alternation();
    if (this.peek() !== ")") throw syntax("missing ')'", this.src);
    this.i++;
    return { t: "group", index, body };
  }

  private escape(inClass: boolean): Node {
    const c = this.src[this.i++];
    if (c === undefined) throw syntax("trailing backslash", this.src);
    switch (c) {
      case "d":
        return { t: "class", ranges: DIGIT, negate: false };
      case "D":
        return { t: "class", ranges: DIGIT, negate: true };
      case "w":
        return { t: "class", ranges: WORD, negate: false };
      case "W":
        return { t: "class", ranges: WORD, negate: true };
      case "s":
        return { t: "class", ranges: SPACE, negate: false };
      case "S":
        return { t: "class", ranges: SPACE, negate: true };
      case "t":
        return { t: "char", c: 9 };
      case "n":
        return { t: "char", c: 10 };
      case "r":
        return { t: "char", c: 13 };
      case "f":
        return { t: "char", c: 12 };
      case "a":
        return { t: "char", c: 7 };
      case "e":
        return { t: "char", c: 27 };
      case "x":
      case "u": {
        const len = c === "x" ? 2 : 4;
        const hex = this.src.slice(this.i, this.i + len);
        if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) throw syntax(`bad \\${c} escape`, this.src);
        this.i += len;
        return { t: "char", c: Number.parseInt(hex, 16) };
      }
      case "0": {
        const m = /^[0-7]{1,3}/.exec(this.src.slice(this.i));
        if (!m) throw syntax("bad octal escape", this.src);
        this.i += m[0].length;
        return { t: "char", c: Number.parseInt(m[0], 8) & 0xff };
      }
      case "Q": {
        if (inClass) throw unsupported("\\Q inside a character class");
        const end = this.src.indexOf("\\E", this.i);
        const text = this.src.slice(this.i, end < 0 ? this.src.length : end);
        this.i = end < 0 ? this.src.length : end + 2;
        return { t: "cat", items: [...text].map((ch) => ({ t: "char", c: ch.charCodeAt(0) }) as Node) };
      }
    }
    if (!inClass) {
      if (c === "b") return { t: "assert", op: "wordb" };
      if (c === "B") return { t: "assert", op: "nwordb" };
      if (c === "A") return { t: "assert", op: "begin" };
      if (c === "z" || c === "Z") return { t: "assert", op: "end" };
    }
    if (/[1-9]/.test(c) || c === "k") throw unsupported("Backreferences");
    if (/[A-Za-z0-9]/.test(c)) throw unsupported(`The escape \\${c}`);
    return { t: "char", c: c.charCodeAt(0) };
  }

  private charClass(): Node {
    let negate = false;
    if (this.peek() === "^") {
      negate = true;
      this.i++;
    }
    const ranges: number[] = [];
    let first = true;
    for (;;) {
      if (this.i >= this.src.length) throw syntax("unclosed character class", this.src);
      const c = this.src[this.i];
      if (c === "]" && !first) {
        this.i++;
        break;
      }
      first = false;
      if (c === "[") throw unsupported("Nested character classes");
      if (c === "&" && this.src[this.i + 1] === "&") throw unsupported("Character class intersections");
      let lo: number;
      this.i++;
      if (c === "\\") {
        const node = this.escape(true);
        if (node.t === "class") {
          ranges.push(...(node.negate ? complement(node.ranges) : node.ranges));
          continue;
        }
        if (node.t !== "char") throw syntax("bad escape in character class", this.src);
        lo = node.c;
      } else lo = c.charCodeAt(0);
      let hi = lo;
      if (this.peek() === "-" && this.src[this.i + 1] !== "]" && this.i + 1 < this.src.length) {
        this.i++;
        const d = this.src[this.i++];
        if (d === "\\") {
          const node = this.escape(true);
          if (node.t !== "char") throw syntax("bad range in character class", this.src);
          hi = node.c;
        } else hi = d.charCodeAt(0);
        if (hi < lo) throw syntax("character range out of order", this.src);
      }
      ranges.push(lo, hi);
    }
    return { t: "class", ranges, negate };
  }
}

class Compiler {
  readonly program: Inst[] = [];

  private emit(inst: Inst): number {
    if (this.program.length >= MAX_PROGRAM_SIZE)
      throw new ExprError(
        "RegexTooComplex",
        "The regular expression is too large once its repetitions are expanded.",
      );
    this.program.push(inst);
    return this.program.length - 1;
  }

  compile(node: Node): void {
    switch (node.t) {
      case "char":
      case "any":
      case "class":
        this.emit(
          node.t === "char"
            ? { op: "char", c: node.c }
            : node.t === "any"
              ? { op: "any" }
              : { op: "class", ranges: node.ranges, negate: node.negate },
        );
        return;
      case "assert":
        this.emit(
          node.op === "nwordb"
            ? { op: "wordb", negate: true }
            : node.op === "wordb"
              ? { op: "wordb", negate: false }
              : { op: node.op },
        );
        return;
      case "cat":
        for (const item of node.items) this.compile(item);
        return;
      case "alt": {
        const jumps: number[] = [];
        for (let k = 0; k < node.items.length; k++) {
          if (k < node.items.length - 1) {
            const split = this.emit({ op: "split", x: 0, y: 0 });
            (this.program[split] as { x: number }).x = split + 1;
            this.compile(node.items[k]);
            jumps.push(this.emit({ op: "jmp", x: 0 }));
            (this.program[split] as { y: number }).y = this.program.length;
          } else this.compile(node.items[k]);
        }
        for (const j of jumps) (this.program[j] as { x: number }).x = this.program.length;
        return;
      }
      case "group":
        if (node.index !== null) this.emit({ op: "save", n: node.index * 2 });
        this.compile(node.body);
        if (node.index !== null) this.emit({ op: "save", n: node.index * 2 + 1 });
        return;
      case "repeat": {
        for (let k = 0; k < node.min; k++) this.compile(node.body);
        if (node.max === Infinity) {
          const split = this.emit({ op: "split", x: 0, y: 0 });
          this.compile(node.body);
          this.emit({ op: "jmp", x: split });
          this.setSplit(split, split + 1, this.program.length, node.greedy);
        } else {
          const splits: number[] = [];
          for (let k = node.min; k < node.max; k++) {
            splits.push(this.emit({ op: "split", x: 0, y: 0 }));
            this.compile(node.body);
          }
          for (const s of splits) this.setSplit(s, s + 1, this.program.length, node.greedy);
        }
        return;
      }
    }
  }

  private setSplit(at: number, body: number, exit: number, greedy: boolean): void {
    this.program[at] = greedy ? { op: "split", x: body, y: exit } : { op: "split", x: exit, y: body };
  }
}

/** Parses and compiles a Java-syntax regular expression; throws ExprError when it is refused. */
export function compileRegex(source: string): Regex {
  if (source.length > MAX_PATTERN_LENGTH)
    throw new ExprError(
      "RegexTooComplex",
      `Regular expressions are limited to ${MAX_PATTERN_LENGTH} characters.`,
    );
  const parser = new RegexParser(source);
  const tree = parser.parse();
  const compiler = new Compiler();
  compiler.compile(tree);
  compiler.program.push({ op: "match" });
  return {
    source,
    program: compiler.program,
    groups: parser.groups,
    ignoreCase: parser.ignoreCase,
    dotAll: parser.dotAll,
    multiline: parser.multiline,
  };
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
const OP_CHAR = 0;
const OP_ANY = 1;
const OP_CLASS = 2;
const OP_SPLIT = 3;
const OP_JMP = 4;
const OP_SAVE = 5;
const OP_BOL = 6;
const OP_EOL = 7;
const OP_BEGIN = 8;
const OP_END = 9;
const OP_WORDB = 10;
const OP_NWORDB = 11;
const OP_MATCH = 12;

interface Machine {
  ops: Int32Array;
  a: Int32Array;
  b: Int32Array;
  classes: { ranges: number[]; negate: boolean }[];
  /** The pattern is plain text: searching can use indexOf. */
  literal?: string;
}

const machines = new WeakMap<Regex, Machine>();

function machineOf(re: Regex): Machine {
  const cached = machines.get(re);
  if (cached) return cached;
  const n = re.program.length;
  const m: Machine = { ops: new Int32Array(n), a: new Int32Array(n), b: new Int32Array(n), classes: [] };
  re.program.forEach((inst, i) => {
    switch (inst.op) {
      case "char":
        m.ops[i] = OP_CHAR;
        m.a[i] = inst.c;
        break;
      case "any":
        m.ops[i] = OP_ANY;
        break;
      case "class":
        m.ops[i] = OP_CLASS;
        m.a[i] = m.classes.push(inst) - 1;
        break;
      case "split":
        m.ops[i] = OP_SPLIT;
        m.a[i] = inst.x;
        m.b[i] = inst.y;
        break;
      case "jmp":
        m.ops[i] = OP_JMP;
        m.a[i] = inst.x;
        break;
      case "save":
        m.ops[i] = OP_SAVE;
        m.a[i] = inst.n;
        break;
      case "wordb":
        m.ops[i] = inst.negate ? OP_NWORDB : OP_WORDB;
        break;
      default:
        m.ops[i] = { bol: OP_BOL, eol: OP_EOL, begin: OP_BEGIN, end: OP_END, match: OP_MATCH }[inst.op];
    }
  });
  if (
    !re.ignoreCase &&
    re.program.every((inst) => inst.op === "char" || inst.op === "match" || inst.op === "save")
  )
    if (re.groups === 0)
      m.literal = re.program
        .flatMap((inst) => (inst.op === "char" ? [String.fromCharCode(inst.c)] : []))
        .join("");
  machines.set(re, m);
  return m;
}

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
  const m = machineOf(re);
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
  const m = machineOf(re);
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
  const literal = machineOf(re).literal;
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
