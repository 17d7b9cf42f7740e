/**
 * Finds the `path eq value` term a caller can answer from an index: Entra looks objects up with
 * `userName eq "x"`, `externalId eq "x"`, `displayName eq "x"` or `urn:…:ECMA2Host:2.0:User:mail eq "x"`.
 */
import type { ResourceSchema } from '../schemas/resource-schema';
import { findSubAttribute } from '../schemas/schema.types';
import { formatAttributePath, type AttributePathExpression, type FilterNode } from './filter.types';

export interface SimpleEquality {
  /** Canonical when a ResourceSchema was given (`name.givenName`, `urn:…:User:mail`), else as written. */
  path: string;
  /** Canonical schema URN of the attribute (only with a ResourceSchema). */
  schemaUrn?: string;
  attribute: string;
  subAttribute?: string;
  value: string | number | boolean;
  /** Whether string values compare case-sensitively (only with a ResourceSchema; else false). */
  caseExact: boolean;
  /** True when the filter is exactly this term; otherwise candidates still need the whole filter. */
  whole: boolean;
}

/**
 * `path eq "value"`, or the first such term of an `and` chain. Returns undefined for anything else (or,
 * with a ResourceSchema, a term whose path does not resolve).
 */
export function simpleEquality(filter: FilterNode, resourceSchema?: ResourceSchema): SimpleEquality | undefined {
  const term = findTerm(filter, resourceSchema);
  if (!term) return undefined;
  const { node, ...equality } = term;
  return { ...equality, whole: node === filter };
}

function findTerm(node: FilterNode, resourceSchema: ResourceSchema | undefined): (SimpleEquality & { node: FilterNode }) | undefined {
  if (node.type === 'and') return findTerm(node.left, resourceSchema) ?? findTerm(node.right, resourceSchema);
  if (node.type !== 'compare' || node.operator !== 'eq' || node.value === null) return undefined;
  const resolved = resolveTerm(node.path, resourceSchema);
  if (!resolved) return undefined;
  return { ...resolved, value: node.value, whole: false, node };
}

function resolveTerm(
  path: AttributePathExpression,
  resourceSchema: ResourceSchema | undefined,
): Pick<SimpleEquality, 'path' | 'schemaUrn' | 'attribute' | 'subAttribute' | 'caseExact'> | undefined {
  if (!resourceSchema) {
    const written = { path: formatAttributePath(path), attribute: path.attribute, caseExact: false };
    return path.subAttribute === undefined ? written : { ...written, subAttribute: path.subAttribute };
  }
  const target = resourceSchema.resolve(path);
  if (target.kind !== 'attribute') return undefined;
  let { subAttribute } = target;
  if (!subAttribute && target.attribute.type === 'complex') {
    // `emails eq "x"` means `emails.value eq "x"`.
    subAttribute = findSubAttribute(target.attribute, 'value');
    if (!subAttribute) return undefined;
  }
  const canonical = { ...target, subAttribute };
  const leaf = subAttribute ?? target.attribute;
  const result = {
    path: resourceSchema.canonicalPath(canonical),
    schemaUrn: target.schemaUrn,
    attribute: target.attribute.name,
    caseExact: leaf.caseExact,
  };
  return subAttribute ? { ...result, subAttribute: subAttribute.name } : result;
}
