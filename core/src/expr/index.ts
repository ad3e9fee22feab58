// The expression language: `${ }` templates, parser, checker and sandboxed evaluator.
// The rest of core imports only from here.
export type {
  BeanReferenceNode,
  BinaryNode,
  BinaryOperator,
  ConstructorNode,
  ElvisNode,
  ErrorNode,
  ExprNode,
  FunctionNode,
  IdentifierNode,
  IndexNode,
  ListNode,
  LiteralNode,
  MapEntryNode,
  MapNode,
  MethodNode,
  ProjectionNode,
  PropertyNode,
  SelectionMode,
  SelectionNode,
  TernaryNode,
  TypeReferenceNode,
  UnaryNode,
  VariableNode,
} from "./ast.js";
export { childrenOf, forEachChild } from "./ast.js";
export type { FunctionSpec, MethodSpec, Receiver } from "./catalog.js";
export { allowedMethodsText, FUNCTIONS, METHODS } from "./catalog.js";
export type {
  CheckEnvironment,
  CheckResult,
  CheckStage,
  ExpressionCheck,
  ExprReference,
  ReferenceKind,
} from "./checker.js";
export { checkAst, checkExpression, checkTemplate } from "./checker.js";
export type {
  EvaluationContext,
  EvaluationContextOptions,
  EvaluationLimits,
  ExpressionHost,
  StageView,
  UrlAccess,
  UrlResponse,
} from "./context.js";
export { createEvaluationContext, DEFAULT_LIMITS } from "./context.js";
export type { ExprDiagnostic, ExprSeverity } from "./diagnostic.js";
export { shiftDiagnostic } from "./diagnostic.js";
export type { CompiledExpression, EvaluationOutcome } from "./evaluator.js";
export { compileExpression, evaluateExpression } from "./evaluator.js";
export type { ParseResult } from "./parser.js";
export { MAX_EXPRESSION_LENGTH, MAX_NESTING_DEPTH, parseExpression } from "./parser.js";
export type { ExpressionSegment, LiteralSegment, ScannedTemplate, TemplateSegment } from "./template.js";
export { hasExpression, scanTemplate } from "./template.js";
export type {
  CompiledTemplate,
  EvaluationSummary,
  SummaryEntry,
  TemplateResult,
  UrlFetcher,
} from "./template-eval.js";
export {
  compileTemplate,
  evaluateTemplate,
  evaluateTree,
  evaluateTreeWithUrls,
  fetchUrlChecked,
} from "./template-eval.js";
export type { UrlPolicy, UrlVerdict } from "./url-policy.js";
export { checkUrlAllowed, forbiddenAddress, urlUnderAllowList } from "./url-policy.js";
export type { PlainData } from "./values.js";
