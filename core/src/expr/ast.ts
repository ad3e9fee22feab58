/** A half-open range of character offsets, relative to the expression (or template) source. */
export interface Span {
  start: number;
  end: number;
}

export type BinaryOperator =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "and"
  | "or"
  | "matches"
  | "between"
  | "instanceof"
  | "^";

export type SelectionMode = "all" | "first" | "last";

interface NodeBase {
  span: Span;
}

export interface LiteralNode extends NodeBase {
  kind: "literal";
  /** Numbers carry `float: true` when written with a decimal point or exponent (Java double). */
  value: string | number | boolean | null;
  float?: boolean;
}
export interface ListNode extends NodeBase {
  kind: "list";
  items: ExprNode[];
}
export interface MapEntryNode {
  key: string;
  keySpan: Span;
  value: ExprNode;
}
export interface MapNode extends NodeBase {
  kind: "map";
  entries: MapEntryNode[];
}
/** A bare name: a property of the active object (`#this` inside selection/projection, else the root). */
export interface IdentifierNode extends NodeBase {
  kind: "identifier";
  name: string;
}
/** `#this`, `#root` or an unknown `#name` that is not called. */
export interface VariableNode extends NodeBase {
  kind: "variable";
  name: string;
}
export interface PropertyNode extends NodeBase {
  kind: "property";
  object: ExprNode;
  name: string;
  nameSpan: Span;
  safe: boolean;
}
export interface IndexNode extends NodeBase {
  kind: "index";
  object: ExprNode;
  index: ExprNode;
  safe: boolean;
}
/** `x.m(args)`; `object` is null for a call on the active object (`length()` inside a projection). */
export interface MethodNode extends NodeBase {
  kind: "method";
  object: ExprNode | null;
  name: string;
  nameSpan: Span;
  args: ExprNode[];
  safe: boolean;
}
export interface FunctionNode extends NodeBase {
  kind: "function";
  name: string;
  nameSpan: Span;
  args: ExprNode[];
}
export interface SelectionNode extends NodeBase {
  kind: "selection";
  object: ExprNode;
  mode: SelectionMode;
  predicate: ExprNode;
  safe: boolean;
}
export interface ProjectionNode extends NodeBase {
  kind: "projection";
  object: ExprNode;
  expression: ExprNode;
  safe: boolean;
}
export interface UnaryNode extends NodeBase {
  kind: "unary";
  operator: "-" | "+" | "!";
  operand: ExprNode;
}
export interface BinaryNode extends NodeBase {
  kind: "binary";
  operator: BinaryOperator;
  operatorSpan: Span;
  left: ExprNode;
  right: ExprNode;
}
export interface TernaryNode extends NodeBase {
  kind: "ternary";
  test: ExprNode;
  consequent: ExprNode;
  alternate: ExprNode;
}
export interface ElvisNode extends NodeBase {
  kind: "elvis";
  left: ExprNode;
  right: ExprNode;
}
/** `T(java.lang.Runtime)`: parsed so the checker can explain why it is refused. */
export interface TypeReferenceNode extends NodeBase {
  kind: "typeReference";
  typeName: string;
}
/** `new java.net.URL('...')`: parsed so the checker can explain why it is refused. */
export interface ConstructorNode extends NodeBase {
  kind: "constructor";
  typeName: string;
  args: ExprNode[];
}
/** `@bean` / `&bean`: parsed so the checker can explain why it is refused. */
export interface BeanReferenceNode extends NodeBase {
  kind: "beanReference";
  name: string;
}
/** Stands in for a part that could not be parsed; a diagnostic always accompanies it. */
export interface ErrorNode extends NodeBase {
  kind: "error";
}

export type ExprNode =
  | LiteralNode
  | ListNode
  | MapNode
  | IdentifierNode
  | VariableNode
  | PropertyNode
  | IndexNode
  | MethodNode
  | FunctionNode
  | SelectionNode
  | ProjectionNode
  | UnaryNode
  | BinaryNode
  | TernaryNode
  | ElvisNode
  | TypeReferenceNode
  | ConstructorNode
  | BeanReferenceNode
  | ErrorNode;

/** Calls `fn` on each direct child, in source order, without allocating. */
export function forEachChild(node: ExprNode, fn: (child: ExprNode) => void): void {
  switch (node.kind) {
    case "list":
      for (const item of node.items) fn(item);
      return;
    case "map":
      for (const entry of node.entries) fn(entry.value);
      return;
    case "property":
      fn(node.object);
      return;
    case "index":
      fn(node.object);
      fn(node.index);
      return;
    case "method":
      if (node.object) fn(node.object);
      for (const arg of node.args) fn(arg);
      return;
    case "function":
    case "constructor":
      for (const arg of node.args) fn(arg);
      return;
    case "selection":
      fn(node.object);
      fn(node.predicate);
      return;
    case "projection":
      fn(node.object);
      fn(node.expression);
      return;
    case "unary":
      fn(node.operand);
      return;
    case "binary":
    case "elvis":
      fn(node.left);
      fn(node.right);
      return;
    case "ternary":
      fn(node.test);
      fn(node.consequent);
      fn(node.alternate);
      return;
  }
}

/** The direct children of a node, in source order. */
export function childrenOf(node: ExprNode): ExprNode[] {
  switch (node.kind) {
    case "list":
      return node.items;
    case "map":
      return node.entries.map((e) => e.value);
    case "property":
      return [node.object];
    case "index":
      return [node.object, node.index];
    case "method":
      return node.object ? [node.object, ...node.args] : node.args;
    case "function":
    case "constructor":
      return node.args;
    case "selection":
      return [node.object, node.predicate];
    case "projection":
      return [node.object, node.expression];
    case "unary":
      return [node.operand];
    case "binary":
    case "elvis":
      return [node.left, node.right];
    case "ternary":
      return [node.test, node.consequent, node.alternate];
    default:
      return [];
  }
}
