/**
 * The syntax half of the regular expressions used by `matches`, `.matches()`, `.replaceAll()` and
 * `.split()`: Java's pattern syntax parsed and compiled to a program for the Pike VM in regex.ts.
 * Features that need a backtracking engine (backreferences, lookaround, atomic groups, possessive
 * quantifiers) are refused here, with a message, so matching can stay linear-time.
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

/** A compiled pattern: its program as typed arrays, ready for the VM in regex.ts. */
export interface Regex {
  source: string;
  groups: number;
  ignoreCase: boolean;
  dotAll: boolean;
  multiline: boolean;
  machine: Machine;
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
    groups: parser.groups,
    ignoreCase: parser.ignoreCase,
    dotAll: parser.dotAll,
    multiline: parser.multiline,
    machine: buildMachine(compiler.program, parser.ignoreCase, parser.groups),
  };
}

// Opcodes as small integers, so the VM runs over typed arrays without allocating per step.
export const OP_CHAR = 0;
export const OP_ANY = 1;
export const OP_CLASS = 2;
export const OP_SPLIT = 3;
export const OP_JMP = 4;
export const OP_SAVE = 5;
export const OP_BOL = 6;
export const OP_EOL = 7;
export const OP_BEGIN = 8;
export const OP_END = 9;
export const OP_WORDB = 10;
export const OP_NWORDB = 11;
export const OP_MATCH = 12;

export interface Machine {
  ops: Int32Array;
  a: Int32Array;
  b: Int32Array;
  classes: { ranges: number[]; negate: boolean }[];
  /** The pattern is plain text: searching can use indexOf. */
  literal?: string;
}

/** Lowers the program to integer arrays, so the VM runs without allocating per step. */
function buildMachine(program: Inst[], ignoreCase: boolean, groups: number): Machine {
  const n = program.length;
  const m: Machine = { ops: new Int32Array(n), a: new Int32Array(n), b: new Int32Array(n), classes: [] };
  program.forEach((inst, i) => {
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
  if (!ignoreCase && program.every((inst) => inst.op === "char" || inst.op === "match" || inst.op === "save"))
    if (groups === 0)
      m.literal = program
        .flatMap((inst) => (inst.op === "char" ? [String.fromCharCode(inst.c)] : []))
        .join("");
  return m;
}
