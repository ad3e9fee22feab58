import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node, parseDocument } from "yaml";
import { type Diagnostic, diagnostic, type Span } from "../diagnostics/diagnostic.js";
import { SourceText } from "../diagnostics/source-text.js";
import { type AliasTargets, aliasTargets } from "./alias-targets.js";
import { indentationDiagnostics } from "./indentation.js";
import { MAX_DOCUMENT_BYTES, sizeText } from "./read-text-file.js";

/** A step in a path through the document: a map key or a list index. */
export type PathSegment = string | number;

/** Where a node sits in the text: the key (for map values) and the value. */
export interface NodeLocation {
  key?: Span;
  value: Span;
}

/** A YAML text parsed with a position for every node, plus its plain value. */
export interface LoadedDocument {
  source: SourceText;
  yaml: Document.Parsed;
  /** Plain JSON-like data; aliases expanded within the budget. */
  value: unknown;
  diagnostics: Diagnostic[];
  /** The key and value spans of the node at a path, following aliases. */
  locate(path: readonly PathSegment[]): NodeLocation | undefined;
  /** The YAML node at a path, following aliases. */
  nodeAt(path: readonly PathSegment[]): Node | undefined;
}

export interface LoadOptions {
  /** Most nodes that alias expansion may produce in the whole document. */
  maxAliasNodes?: number;
  /** Largest text parsed (default 10 MiB, as UTF-8); a larger one gets one diagnostic and no tree. */
  maxBytes?: number;
}

const DEFAULT_MAX_ALIAS_NODES = 10_000;

/** Parses YAML text; never throws. Syntax problems become diagnostics. */
export function loadYaml(text: string, path = "<input>", options: LoadOptions = {}): LoadedDocument {
  const source = new SourceText(text, path);
  const max = options.maxBytes ?? MAX_DOCUMENT_BYTES;
  // A UTF-8 byte count only when the characters alone do not decide (at most 3 bytes each).
  const bytes = text.length > max ? text.length : text.length * 3 > max ? Buffer.byteLength(text) : 0;
  if (bytes > max) {
    // Parsing is not even tried: a 50 MB quoted scalar alone costs seconds and gigabytes.
    const tooLarge = diagnostic(
      "file-too-large",
      "error",
      `${path} is ${sizeText(bytes)}; pipeline files may be at most ${sizeText(max, true)}. Move data out of it (into files the pipeline reads) or split it.`,
      { start: 0, end: 0 },
    );
    return documentFromParsed(source, parseDocument(""), null, [tooLarge]);
  }
  const docs = parseAllSafe(text);
  const yaml = docs[0];
  // An indentation mistake is said as such, at its line, instead of in YAML's words.
  const indentation = indentationDiagnostics(source, yaml.errors);
  const diagnostics: Diagnostic[] = [...indentation.diagnostics];
  for (const error of yaml.errors) {
    if (indentation.replaced.has(error)) continue;
    diagnostics.push(yamlDiagnostic(error.code, error.message, error.pos, "error"));
  }
  for (const warning of yaml.warnings) {
    diagnostics.push(yamlDiagnostic(warning.code, warning.message, warning.pos, "warning"));
  }
  const targets = aliasTargets(yaml);
  const converter = new PlainConverter(
    targets,
    options.maxAliasNodes ?? DEFAULT_MAX_ALIAS_NODES,
    diagnostics,
    source,
  );
  const value = converter.convert(yaml.contents);

  return documentFromParsed(source, yaml, value, diagnostics, targets);

  function yamlDiagnostic(
    code: string,
    message: string,
    pos: [number, number],
    severity: "error" | "warning",
  ) {
    const firstLine = message.split("\n")[0];
    return diagnostic(`yaml-${code.toLowerCase().replace(/_/g, "-")}`, severity, firstLine, {
      start: pos[0],
      end: Math.max(pos[1], pos[0]),
    });
  }
}

/**
 * A LoadedDocument over an already parsed YAML tree (the loader's own, or one the language server
 * splices together). Path lookups resolve aliases and match scalar keys by their string value.
 */
export function documentFromParsed(
  source: SourceText,
  yaml: Document.Parsed,
  value: unknown,
  diagnostics: Diagnostic[],
  targets: AliasTargets = aliasTargets(yaml),
): LoadedDocument {
  const resolve = (node: Node | null | undefined): Node | undefined => {
    let current: Node | null | undefined = node;
    for (let hops = 0; current && isAlias(current) && hops < 64; hops++) current = targets(current);
    return current ?? undefined;
  };
  const walk = (path: readonly PathSegment[]): { node?: Node; key?: Node } => {
    let node = resolve(yaml.contents as Node | null);
    let key: Node | undefined;
    for (const segment of path) {
      if (!node) return {};
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) return {};
        key = pair.key as Node;
        node = resolve(pair.value as Node | null) ?? undefined;
        if (!node) return { key };
      } else if (isSeq(node) && typeof segment === "number") {
        key = undefined;
        node = resolve(node.items[segment] as Node | null);
      } else {
        return {};
      }
    }
    return { node, key };
  };
  return {
    source,
    yaml,
    value,
    diagnostics,
    nodeAt: (path) => walk(path).node,
    locate(path) {
      const { node, key } = walk(path);
      const keySpan = key?.range ? { start: key.range[0], end: key.range[1] } : undefined;
      if (!node?.range)
        return keySpan ? { key: keySpan, value: { start: keySpan.end, end: keySpan.end } } : undefined;
      return { key: keySpan, value: { start: node.range[0], end: node.range[1] } };
    },
  };
}

function parseAllSafe(text: string): Document.Parsed[] {
  // parseDocument reports a second document as an error; keep only the first. No source tokens
  // and no line counter: SourceText has the line index, and the CST would double the tree's memory.
  // Duplicate keys are found by PlainConverter with a set per map: yaml's `uniqueKeys` compares
  // each key with all the others of its map (60,000 keys took minutes).
  const doc = parseDocument(text, {
    prettyErrors: false,
    uniqueKeys: false,
  });
  return [doc];
}

/**
 * Whether any map in the tree under `root` has a key twice (scalar keys compared as text), in
 * linear time; aliases are not followed. For trees parsed without yaml's quadratic `uniqueKeys`.
 */
export function hasDuplicateKeys(root: Node | null | undefined): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isSeq(node)) stack.push(...node.items);
    else if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (seen.has(key)) return true;
          seen.add(key);
        }
        stack.push(pair.value);
      }
    }
  }
  return false;
}

/**
 * Plain data of a YAML node, aliases resolved by `targets` within a budget of `maxAliasNodes`
 * (an unresolved or over-budget alias becomes null). For trees that are not a whole loaded
 * document, such as one repaired stage item at the cursor.
 */
export function plainData(
  root: Node | null,
  targets: AliasTargets,
  maxAliasNodes = DEFAULT_MAX_ALIAS_NODES,
): unknown {
  return new PlainConverter(targets, maxAliasNodes, []).convert(root);
}

/** Turns the YAML tree into plain data with a global budget on alias expansion. */
class PlainConverter {
  private aliasNodes = 0;
  private reported = false;
  private readonly expanding = new Set<Node>();

  constructor(
    private readonly targets: AliasTargets,
    private readonly maxAliasNodes: number,
    private readonly diagnostics: Diagnostic[],
    private readonly source?: SourceText,
  ) {}

  convert(node: unknown, viaAlias = false): unknown {
    if (node === null || node === undefined) return null;
    if (viaAlias && ++this.aliasNodes > this.maxAliasNodes) return this.overBudget(node as Node);
    if (isAlias(node)) {
      const target = this.targets(node);
      if (!target) {
        this.diagnostics.push(
          diagnostic("yaml-unknown-alias", "error", `Unknown alias *${node.source}.`, this.spanOf(node)),
        );
        return null;
      }
      if (this.expanding.has(target)) {
        this.diagnostics.push(
          diagnostic(
            "yaml-alias-cycle",
            "error",
            `Alias *${node.source} refers to itself.`,
            this.spanOf(node),
          ),
        );
        return null;
      }
      this.expanding.add(target);
      const value = this.convert(target, true);
      this.expanding.delete(target);
      return value;
    }
    if (isScalar(node)) return node.value ?? null;
    if (isSeq(node)) return node.items.map((item) => this.convert(item, viaAlias));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      // Where each key was first set, to report repetitions (once: not again through an alias).
      const seen = viaAlias ? undefined : new Map<string, Node>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = this.keyOf(pair.key);
        if (key === undefined) continue;
        if (seen) {
          const first = seen.get(key);
          if (first) this.duplicate(key, pair.key as Node, first);
          else seen.set(key, pair.key as Node);
        }
        const value = this.convert(pair.value, viaAlias);
        // defineProperty keeps a `__proto__` key an ordinary own property.
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return null;
  }

  private keyOf(key: unknown): string | undefined {
    if (isScalar(key)) return String(key.value);
    if (isAlias(key)) {
      const target = this.targets(key);
      if (isScalar(target)) return String(target.value);
    }
    if (key !== null && key !== undefined) {
      this.diagnostics.push(
        diagnostic(
          "yaml-complex-key",
          "error",
          "Map keys must be plain strings; quote the key.",
          this.spanOf(key as Node),
        ),
      );
    }
    return undefined;
  }

  /** The same key twice in one map (compared as the text keys become); the last value wins. */
  private duplicate(key: string, again: Node, first: Node): void {
    const shown = key.length > 60 ? `${key.slice(0, 57)}...` : key;
    const where =
      this.source && first.range ? `on line ${this.source.position(first.range[0]).line + 1}` : "in this map";
    this.diagnostics.push(
      diagnostic(
        "yaml-duplicate-key",
        "error",
        `Map keys must be unique: '${shown}' is already set ${where}.`,
        this.spanOf(again),
      ),
    );
  }

  private overBudget(node: Node): null {
    if (!this.reported) {
      this.reported = true;
      this.diagnostics.push(
        diagnostic(
          "yaml-alias-limit",
          "error",
          `YAML aliases expand to more than ${this.maxAliasNodes} nodes (an "alias bomb"); write the values out or use fewer nested aliases.`,
          this.spanOf(node),
        ),
      );
    }
    return null;
  }

  private spanOf(node: Node): Span {
    return node.range ? { start: node.range[0], end: node.range[1] } : { start: 0, end: 0 };
  }
}
