import { type Alias, type Document, isAlias, type Node, visit } from "yaml";

/** The node each alias of a document refers to, or undefined for an alias with no anchor before it. */
export type AliasTargets = (alias: Alias) => Node | undefined;

/**
 * Indexes every alias of `doc` in one walk, on first use. YAML resolves `*x` to the last `&x`
 * before it in document order, the alias's own ancestors included (that is a cycle). yaml's
 * `Alias#resolve` walks the whole document for every alias, which made a file with an alias in
 * each of 2,000 stages quadratic.
 */
export function aliasTargets(doc: Document.Parsed): AliasTargets {
  let targets: Map<Alias, Node | undefined> | undefined;
  return (alias) => {
    if (!targets) {
      const index = new Map<Alias, Node | undefined>();
      const anchors = new Map<string, Node>();
      visit(doc, {
        Node(_key, node) {
          if (isAlias(node)) index.set(node, anchors.get(node.source));
          else if (node.anchor) anchors.set(node.anchor, node);
        },
      });
      targets = index;
    }
    return targets.get(alias);
  };
}

const anchoredNodes = new WeakMap<Document, Node[]>();

/**
 * The last node of `doc` anchored as `name` that starts before `offset`: what an alias at
 * `offset` refers to. The anchored nodes are listed once per document (a tree with anchors is
 * never edited in place; the language server re-parses it).
 */
export function anchorBefore(doc: Document.Parsed, name: string, offset: number): Node | undefined {
  let nodes = anchoredNodes.get(doc);
  if (!nodes) {
    const list: Node[] = [];
    visit(doc, {
      Node(_key, node) {
        if (!isAlias(node) && node.anchor) list.push(node);
      },
    });
    anchoredNodes.set(doc, list);
    nodes = list;
  }
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (node.anchor === name && node.range && node.range[0] < offset) return node;
  }
  return undefined;
}
