export { applicationSchema, buildApplicationSchema } from "./application-schema.js";
export { renderFormatReference } from "./format-doc.js";
export {
  buildPipelineSchema,
  pipelineSchema,
  STAGE_TYPE_NAMES,
  STAGE_TYPE_SPECS,
  stageDefinitionName,
} from "./pipeline-schema.js";
export {
  describeField,
  enumValues,
  type FieldInfo,
  type FieldSummary,
  fieldsAt,
  fieldsOfStageType,
  type StageTypeInfo,
  stageTypes,
} from "./schema-info.js";
export * as schemaKit from "./schema-kit.js";
export {
  DURATION_PATTERN,
  EXPRESSION_PATTERN,
  type JsonSchema,
  PATTERN_HINTS,
  type PatternHint,
} from "./schema-kit.js";
export { type SchemaLocation, schemaAt } from "./schema-walk.js";
export type { StageTypeSpec } from "./stage-spec.js";
export { requiredUnless } from "./stage-spec.js";
export { validateApplicationSchema, validateSchema } from "./validate-schema.js";
