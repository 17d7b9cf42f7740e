/**
 * Resources in: POST/PUT bodies into the canonical shape every other part of the host relies on —
 * canonical attribute names, extension attributes nested under their URN, coerced values, no nulls, no
 * client-sent readOnly attributes, `schemas` listing exactly the schemas that carry data.
 */
import { ScimError } from '../errors';
import { parseAttributePath } from '../filter/filter.parser';
import type { PatchPathExpression } from '../filter/filter.types';
import type { ResourceSchema } from '../schemas/resource-schema';
import { coerceAttributeValue, isEmptyValue, isPlainObject, type ScimResource } from '../values';

export interface NormalizeOptions {
  /**
   * An attribute no known schema defines: `ignore` it (the default — Microsoft's conformance collection
   * expects a misspelt attribute to be dropped, not refused) or `reject` it with invalidSyntax.
   */
  unknownAttributes?: 'ignore' | 'reject';
}

/**
 * Normalises a POST/PUT body against a resource type's schemas. Required attributes are not checked
 * here (see missingRequired); uniqueness is the caller's.
 */
export function normalizeResource(body: unknown, resourceSchema: ResourceSchema, options: NormalizeOptions = {}): ScimResource {
  if (!isPlainObject(body)) throw ScimError.invalidSyntax('The request body must be a JSON object');
  const result: ScimResource = { schemas: [] };
  const unknown = (name: string): void => {
    if (options.unknownAttributes === 'reject') throw ScimError.invalidSyntax(`Unknown attribute "${name}"`);
  };

  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === 'schemas') continue;
    const schema = key.toLowerCase().startsWith('urn:') ? resourceSchema.findSchema(key) : undefined;
    if (schema) {
      // `"urn:…:enterprise:2.0:User": { "department": … }` (or, unusually, the core URN).
      if (value === null || value === undefined) continue;
      if (!isPlainObject(value)) throw ScimError.invalidValue(`"${schema.id}" must be a JSON object of its attributes`);
      for (const [innerKey, innerValue] of Object.entries(value)) {
        const path = tryParse(innerKey);
        if (!path) unknown(`${schema.id}:${innerKey}`);
        else assign(result, path.uri === undefined ? { ...path, uri: schema.id } : path, innerValue, resourceSchema, unknown);
      }
      continue;
    }
    const path = tryParse(key);
    if (!path) unknown(key);
    else assign(result, path, value, resourceSchema, unknown);
  }
  refreshSchemas(result, resourceSchema);
  return result;
}

function tryParse(key: string): PatchPathExpression | undefined {
  try {
    const path = parseAttributePath(key);
    return path.filter ? undefined : path;
  } catch {
    return undefined;
  }
}

/** One body entry: `userName`, `name.givenName` (flattened), `urn:…:ECMA2Host:2.0:User:FirstName` (flattened). */
function assign(
  result: ScimResource,
  path: PatchPathExpression,
  value: unknown,
  resourceSchema: ResourceSchema,
  unknown: (name: string) => void,
): void {
  // Top-level names are core attributes; extension attributes come under their URN.
  const target = resourceSchema.resolve(path, { fallbackToExtensions: false });
  if (target.kind === 'unknownSchema') return;
  if (target.kind === 'unknownAttribute') return unknown(target.name);
  if (target.kind === 'schema') return;
  const { attribute, subAttribute } = target;
  // RFC 7643 §2.2: readOnly values a client sends (id, meta, groups) are ignored.
  if (attribute.mutability === 'readOnly' || subAttribute?.mutability === 'readOnly') return;
  const label = resourceSchema.canonicalPath(target);
  let container: Record<string, unknown> = result;
  if (target.extension) {
    const existing = result[target.schemaUrn];
    container = isPlainObject(existing) ? existing : {};
    result[target.schemaUrn] = container;
  }
  if (subAttribute) {
    if (attribute.multiValued) return unknown(label);
    const coerced = coerceAttributeValue(subAttribute, value, label);
    if (coerced === undefined) return;
    const current = container[attribute.name];
    container[attribute.name] = { ...(isPlainObject(current) ? current : {}), [subAttribute.name]: coerced };
    return;
  }
  const coerced = coerceAttributeValue(attribute, value, label);
  if (coerced === undefined) return;
  const current = container[attribute.name];
  // Two spellings of one complex attribute (`name` and a flattened `name.givenName`) merge.
  container[attribute.name] = isPlainObject(current) && isPlainObject(coerced) ? { ...current, ...coerced } : coerced;
}

/**
 * Sets `schemas` to the core URN plus every extension holding data, and drops empty extension
 * objects. Mutates `resource` (the library's own copies only).
 */
export function refreshSchemas(resource: ScimResource, resourceSchema: ResourceSchema): void {
  const schemas = [resourceSchema.core.id];
  for (const { schema } of resourceSchema.extensions) {
    if (!(schema.id in resource)) continue;
    if (isEmptyValue(resource[schema.id])) delete resource[schema.id];
    else schemas.push(schema.id);
  }
  resource.schemas = schemas;
}

/**
 * The required attributes (RFC 7643 `required: true`) a resource lacks, as canonical paths
 * (`userName`, `urn:…:ECMA2Host:2.0:User:FirstName`, `members.value`). readOnly ones (id) are the
 * server's to set and are not reported. A required extension without data is reported by its URN.
 */
export function missingRequired(resource: ScimResource, resourceSchema: ResourceSchema): string[] {
  const missing: string[] = [];
  for (const schema of resourceSchema.schemas) {
    const extension = schema !== resourceSchema.core;
    const raw = extension ? resource[schema.id] : resource;
    const container = isPlainObject(raw) ? raw : {};
    const requiredExtension = extension && resourceSchema.extensions.some((entry) => entry.schema === schema && entry.required);
    if (requiredExtension && isEmptyValue(raw)) {
      missing.push(schema.id);
      continue;
    }
    for (const attribute of schema.attributes) {
      if (attribute.mutability === 'readOnly') continue;
      const label = extension ? `${schema.id}:${attribute.name}` : attribute.name;
      const value = container[attribute.name];
      if (isEmptyValue(value)) {
        if (attribute.required) missing.push(label);
        continue;
      }
      for (const sub of attribute.subAttributes ?? []) {
        if (!sub.required || sub.mutability === 'readOnly') continue;
        const values = Array.isArray(value) ? value : [value];
        if (values.some((element) => !isPlainObject(element) || isEmptyValue(element[sub.name]))) missing.push(`${label}.${sub.name}`);
      }
    }
  }
  return missing;
}
