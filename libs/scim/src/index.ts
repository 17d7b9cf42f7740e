/** @connector-host/scim — the SCIM 2.0 protocol, as pure functions over JSON. The only entrance. */
export * from './urns';
export { ScimError, isScimError, type ScimType, type ScimErrorBody } from './errors';

export {
  attribute,
  findSubAttribute,
  type AttributeDefinition,
  type SchemaDefinition,
  type ScimAttributeType,
  type Mutability,
  type Returned,
  type Uniqueness,
} from './schemas/schema.types';
export { COMMON_ATTRIBUTES } from './schemas/common-attributes';
export { CORE_USER_SCHEMA } from './schemas/core-user.schema';
export { CORE_GROUP_SCHEMA } from './schemas/core-group.schema';
export { ENTERPRISE_USER_SCHEMA } from './schemas/enterprise-user.schema';
export {
  ecma2HostExtension,
  ecma2HostUrn,
  EXPORT_PASSWORD_ATTRIBUTE,
  type Ecma2HostAttribute,
  type Ecma2HostResourceType,
} from './schemas/ecma2host.schema';
export {
  ResourceSchema,
  type ResourceSchemaInit,
  type SchemaExtension,
  type PathTarget,
  type ResolveOptions,
} from './schemas/resource-schema';

export {
  renderSchema,
  renderSchemas,
  renderResourceType,
  renderResourceTypes,
  renderServiceProviderConfig,
  schemasOf,
  type ServiceProviderConfigOptions,
  type ResourceMeta,
} from './discovery';

export {
  COMPARE_OPERATORS,
  formatAttributePath,
  type AttributePathExpression,
  type CompareOperator,
  type FilterNode,
  type FilterValue,
  type PatchPathExpression,
} from './filter/filter.types';
export { parseFilter, parseAttributePath, DEFAULT_FILTER_LIMITS, type FilterLimits } from './filter/filter.parser';
export {
  compileFilter,
  evaluateFilter,
  compileValueFilter,
  type FilterPredicate,
  type CompileFilterOptions,
} from './filter/filter.evaluator';
export { simpleEquality, type SimpleEquality } from './filter/simple-equality';

export { parsePatchRequest, applyPatch, type PatchOp, type PatchOperation } from './patch/patch';

export { normalizeResource, missingRequired, refreshSchemas, type NormalizeOptions } from './resources/resource';
export {
  listResponse,
  parseListParams,
  projectAttributes,
  splitAttributeList,
  type ListResponse,
  type ListParams,
  type ListParamsOptions,
  type Projection,
} from './resources/list';

export {
  coerceAttributeValue,
  isEmptyValue,
  parseDateTime,
  compareInstants,
  valuesEqual,
  type Instant,
  type ScimResource,
} from './values';
