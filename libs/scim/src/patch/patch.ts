/**
 * PATCH (RFC 7644 §3.5.2) as Entra speaks it, in both dialects (with and without `aadOptscim062020`):
 * case-insensitive `op`; `"True"`/`"False"` booleans; paths `attr`, `a.b`, `urn:…:attr`,
 * `emails[type eq "work"].value`, `members[value eq "x"]`; path-less ops whose value is keyed by
 * attribute paths; `Remove` of members with a value list; manager as a string, `{value}` or
 * `[{"$ref","value"}]`. applyPatch never mutates its input.
 */
import { ScimError, isScimError } from '../errors';
import { parseAttributePath } from '../filter/filter.parser';
import { compileValueFilter } from '../filter/filter.evaluator';
import type { FilterNode, PatchPathExpression } from '../filter/filter.types';
import { refreshSchemas } from '../resources/resource';
import type { PathTarget, ResourceSchema } from '../schemas/resource-schema';
import { findSubAttribute, type AttributeDefinition } from '../schemas/schema.types';
import { PATCH_OP_URN } from '../urns';
import {
  asArray,
  coerceAttributeValue,
  deepClone,
  isEmptyValue,
  isPlainObject,
  scalarEquals,
  valuesEqual,
  type ScimResource,
} from '../values';

export type PatchOp = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  op: PatchOp;
  /** Absent for a path-less add/replace, whose value is an object keyed by attribute paths. */
  path?: string;
  value?: unknown;
}

const OPS: readonly PatchOp[] = ['add', 'replace', 'remove'];

/** Exact key first, then case-insensitively: Entra and others vary `Operations`, `op`, `path`, `value`. */
function member(object: Record<string, unknown>, key: string): unknown {
  if (key in object) return object[key];
  const lower = key.toLowerCase();
  const found = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
  return found === undefined ? undefined : object[found];
}

function hasMember(object: Record<string, unknown>, key: string): boolean {
  const lower = key.toLowerCase();
  return Object.keys(object).some((candidate) => candidate.toLowerCase() === lower);
}

/**
 * Validates a PATCH body: `schemas` lists the PatchOp URN, `Operations` (any casing) is a non-empty
 * array of `{op, path?, value?}`. Paths are parsed here, so a bad one fails before anything applies.
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw ScimError.invalidSyntax('The PATCH request body must be a JSON object');
  const schemas = member(body, 'schemas');
  const listsPatchOp =
    Array.isArray(schemas) && schemas.some((urn) => typeof urn === 'string' && urn.toLowerCase() === PATCH_OP_URN.toLowerCase());
  if (!listsPatchOp) throw ScimError.invalidSyntax(`The PATCH request must list "${PATCH_OP_URN}" in "schemas"`);
  const operations = member(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw ScimError.invalidSyntax('The PATCH request must have a non-empty "Operations" array');
  }
  return operations.map((operation, index) => normalizeOperation(operation, index));
}

function normalizeOperation(raw: unknown, index: number): PatchOperation {
  const where = `Operation ${index + 1}`;
  if (!isPlainObject(raw)) throw ScimError.invalidSyntax(`${where} must be a JSON object`);
  const opText = member(raw, 'op');
  const op = typeof opText === 'string' ? (opText.trim().toLowerCase() as PatchOp) : undefined;
  if (!op || !OPS.includes(op)) throw ScimError.invalidSyntax(`${where}: "op" must be "add", "replace" or "remove"`);
  const rawPath = member(raw, 'path');
  if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string') {
    throw ScimError.invalidPath(`${where}: "path" must be a string`);
  }
  const path = typeof rawPath === 'string' && rawPath.trim() !== '' ? rawPath.trim() : undefined;
  const value = member(raw, 'value');
  if (path === undefined) {
    if (op === 'remove') throw ScimError.noTarget(`${where}: a remove operation needs a "path"`);
    if (!isPlainObject(value)) {
      throw ScimError.invalidSyntax(`${where}: an ${op} operation without "path" needs an object "value" keyed by attribute paths`);
    }
    return { op, value };
  }
  parseAttributePath(path);
  if (op !== 'remove' && !hasMember(raw, 'value')) throw ScimError.invalidSyntax(`${where}: an ${op} operation needs a "value"`);
  return value === undefined ? { op, path } : { op, path, value };
}

/** Applies operations in order to a copy of `resource` and returns it, with `schemas` brought up to date. */
export function applyPatch(resource: ScimResource, operations: readonly PatchOperation[], resourceSchema: ResourceSchema): ScimResource {
  const result = deepClone(resource);
  operations.forEach((operation, index) => {
    const { op, path, value } = normalizeOperation(operation, index);
    if (path === undefined) applyValueObject(result, op, value, resourceSchema, undefined);
    else applyAtPath(result, op, parseAttributePath(path), value, resourceSchema);
  });
  refreshSchemas(result, resourceSchema);
  return result;
}

/** A path-less value `{ "displayName": …, "name.givenName": …, "urn:…:User:employeeNumber": …, "urn:…:User": {…} }`. */
function applyValueObject(
  resource: ScimResource,
  op: PatchOp,
  value: unknown,
  resourceSchema: ResourceSchema,
  schemaUrn: string | undefined,
): void {
  if (!isPlainObject(value)) throw ScimError.invalidValue(`The value for "${schemaUrn ?? 'the resource'}" must be a JSON object`);
  for (const [key, entry] of Object.entries(value)) {
    if (key.toLowerCase() === 'schemas') continue;
    let path = parseAttributePath(key);
    if (schemaUrn !== undefined && path.uri === undefined) path = { ...path, uri: schemaUrn };
    applyAtPath(resource, op, path, entry, resourceSchema);
  }
}

function applyAtPath(resource: ScimResource, op: PatchOp, path: PatchPathExpression, value: unknown, resourceSchema: ResourceSchema): void {
  const target = resourceSchema.resolve(path);
  switch (target.kind) {
    case 'unknownSchema':
      return; // Entra sends URNs of schemas this host does not publish; they carry nothing for us.
    case 'unknownAttribute':
      throw ScimError.invalidPath(
        target.schemaUrn === resourceSchema.core.id
          ? `Unknown attribute "${target.name}"`
          : `Unknown attribute "${target.name}" in schema ${target.schemaUrn}`,
      );
    case 'schema': {
      if (path.filter) throw ScimError.invalidPath(`"${target.schemaUrn}" is a schema; it takes no value filter`);
      const empty = value === null || value === undefined || (isPlainObject(value) && Object.keys(value).length === 0);
      if (op === 'remove' || (op === 'replace' && empty)) {
        if (!target.extension) throw ScimError.invalidPath(`The core schema ${target.schemaUrn} cannot be removed`);
        delete resource[target.schemaUrn];
        return;
      }
      if (empty) return;
      applyValueObject(resource, op, value, resourceSchema, target.schemaUrn);
      return;
    }
    case 'attribute':
      applyToAttribute(resource, op, target, path.filter, value, resourceSchema);
  }
}

type AttributeTarget = Extract<PathTarget, { kind: 'attribute' }>;

function containerOf(resource: ScimResource, target: AttributeTarget, create: boolean): Record<string, unknown> | undefined {
  if (!target.extension) return resource;
  const existing = resource[target.schemaUrn];
  if (isPlainObject(existing)) return existing;
  if (!create) return undefined;
  const created: Record<string, unknown> = {};
  resource[target.schemaUrn] = created;
  return created;
}

function store(container: Record<string, unknown>, name: string, value: unknown): void {
  if (isEmptyValue(value)) delete container[name];
  else container[name] = value;
}

function applyToAttribute(
  resource: ScimResource,
  op: PatchOp,
  target: AttributeTarget,
  filter: FilterNode | undefined,
  value: unknown,
  resourceSchema: ResourceSchema,
): void {
  const { attribute, subAttribute } = target;
  const label = resourceSchema.canonicalPath(target);
  // Filter messages name the filtered attribute: `emails`, not `emails.value`.
  const filteredLabel = resourceSchema.canonicalPath({ ...target, subAttribute: undefined });
  const current = containerOf(resource, target, false)?.[attribute.name];

  if (attribute.mutability === 'readOnly' || subAttribute?.mutability === 'readOnly') {
    // A client echoing a read-only value unchanged (`"id"` in a path-less replace) is harmless.
    const currentLeaf = subAttribute && isPlainObject(current) ? current[subAttribute.name] : current;
    if (op !== 'remove' && !filter && valuesEqual(subAttribute ?? attribute, currentLeaf, value)) return;
    throw ScimError.mutability(`Attribute "${label}" is readOnly`);
  }
  if (attribute.mutability === 'immutable' && !isEmptyValue(current) && !subAttribute && !filter) {
    if (op === 'remove' || !valuesEqual(attribute, current, coerceAttributeValue(attribute, value, label))) {
      throw ScimError.mutability(`Attribute "${label}" is immutable`);
    }
  }

  if (op === 'remove') {
    removeAt(resource, target, filter, value, filter ? filteredLabel : label, false);
    return;
  }
  const coerced = subAttribute
    ? coerceAttributeValue(subAttribute, value, label)
    : filter
      ? coerceAttributeValue({ ...attribute, multiValued: false }, value, label)
      : coerceAttributeValue(attribute, value, label);
  if (coerced === undefined) {
    // Entra clears an attribute by replacing it with null or "".
    if (op === 'replace') removeAt(resource, target, filter, undefined, filter ? filteredLabel : label, true);
    return;
  }
  const container = containerOf(resource, target, true) as Record<string, unknown>;
  if (filter) setFiltered(container, attribute, subAttribute, filter, coerced, op, filteredLabel);
  else if (subAttribute) setSubAttribute(container, attribute, subAttribute, coerced);
  else setWhole(container, attribute, coerced, op);
  dropEmptyExtension(resource, target);
}

function dropEmptyExtension(resource: ScimResource, target: AttributeTarget): void {
  if (target.extension && isEmptyValue(resource[target.schemaUrn])) delete resource[target.schemaUrn];
}

/** A complex attribute that points at another resource (manager, members): set whole, matched by `value`. */
function isReferenceLike(attribute: AttributeDefinition): boolean {
  return attribute.type === 'complex' && !!findSubAttribute(attribute, 'value') && !!findSubAttribute(attribute, '$ref');
}

/** The same value for add-dedupe and remove: by `value` for references, else by equality of what `candidate` gives. */
function sameValue(attribute: AttributeDefinition, existing: unknown, candidate: unknown): boolean {
  const single = { ...attribute, multiValued: false };
  if (attribute.type !== 'complex') return scalarEquals(single, existing, candidate);
  if (!isPlainObject(existing) || !isPlainObject(candidate)) return false;
  const valueSub = findSubAttribute(attribute, 'value');
  if (valueSub && candidate[valueSub.name] !== undefined && (isReferenceLike(attribute) || Object.keys(candidate).length === 1)) {
    return existing[valueSub.name] !== undefined && scalarEquals(valueSub, existing[valueSub.name], candidate[valueSub.name]);
  }
  return Object.entries(candidate).every(([key, part]) => {
    const sub = findSubAttribute(attribute, key);
    return sub ? valuesEqual(sub, existing[key], part) : false;
  });
}

/** RFC 7643 §2.4: at most one value is primary; the newest primary wins. */
function enforceSinglePrimary(attribute: AttributeDefinition, values: unknown[], newest: ReadonlySet<unknown>): unknown[] {
  if (attribute.type !== 'complex' || !findSubAttribute(attribute, 'primary')) return values;
  const primaries = values.filter((value) => isPlainObject(value) && value.primary === true);
  if (primaries.length <= 1) return values;
  const keep = [...primaries].reverse().find((value) => newest.has(value)) ?? primaries[primaries.length - 1];
  return values.map((value) => (isPlainObject(value) && value.primary === true && value !== keep ? { ...value, primary: false } : value));
}

function setWhole(container: Record<string, unknown>, attribute: AttributeDefinition, coerced: unknown, op: PatchOp): void {
  const name = attribute.name;
  if (attribute.multiValued) {
    const incoming = asArray(coerced);
    const result: unknown[] = op === 'add' ? asArray(container[name]).slice() : [];
    for (const value of incoming) {
      const index = result.findIndex((existing) => sameValue(attribute, existing, value));
      if (index < 0) result.push(value);
      else if (isPlainObject(result[index]) && isPlainObject(value)) result[index] = { ...result[index], ...value };
    }
    store(container, name, enforceSinglePrimary(attribute, result, new Set(incoming)));
    return;
  }
  const current = container[name];
  if (attribute.type === 'complex' && !isReferenceLike(attribute) && isPlainObject(current) && isPlainObject(coerced)) {
    // RFC 7644 §3.5.2.1/3: sub-attributes not in the value are left unchanged.
    store(container, name, { ...current, ...coerced });
    return;
  }
  store(container, name, coerced);
}

function setSubAttribute(
  container: Record<string, unknown>,
  attribute: AttributeDefinition,
  subAttribute: AttributeDefinition,
  coerced: unknown,
): void {
  const name = attribute.name;
  if (attribute.multiValued) {
    // `emails.value` without a filter: the primary value, else the first, else a new one.
    const values = asArray(container[name]).filter(isPlainObject).map((value) => ({ ...value }));
    const chosen = values.find((value) => value.primary === true) ?? values[0];
    if (chosen) chosen[subAttribute.name] = coerced;
    else values.push({ [subAttribute.name]: coerced });
    store(container, name, values);
    return;
  }
  const current = container[name];
  store(container, name, { ...(isPlainObject(current) ? current : {}), [subAttribute.name]: coerced });
}

function valueFilter(filter: FilterNode, attribute: AttributeDefinition): (element: Record<string, unknown>) => boolean {
  try {
    return compileValueFilter(filter, attribute);
  } catch (error) {
    if (isScimError(error) && error.scimType === 'invalidFilter') throw ScimError.invalidPath(error.detail);
    throw error;
  }
}

/**
 * The value a filter of `eq` terms describes: `emails[type eq "work"]` → `{ type: "work" }`. Entra
 * expects a replace of `emails[type eq "work"].value` on a user without a work email to create one.
 */
function valueFromFilter(filter: FilterNode, attribute: AttributeDefinition, label: string): Record<string, unknown> | undefined {
  if (filter.type === 'and') {
    const left = valueFromFilter(filter.left, attribute, label);
    const right = valueFromFilter(filter.right, attribute, label);
    return left && right ? { ...left, ...right } : undefined;
  }
  if (filter.type !== 'compare' || filter.operator !== 'eq' || filter.value === null) return undefined;
  if (filter.path.uri !== undefined || filter.path.subAttribute !== undefined) return undefined;
  const sub = findSubAttribute(attribute, filter.path.attribute);
  if (!sub) return undefined;
  const coerced = coerceAttributeValue(sub, filter.value, `${label}.${sub.name}`);
  return coerced === undefined ? undefined : { [sub.name]: coerced };
}

function setFiltered(
  container: Record<string, unknown>,
  attribute: AttributeDefinition,
  subAttribute: AttributeDefinition | undefined,
  filter: FilterNode,
  coerced: unknown,
  op: PatchOp,
  label: string,
): void {
  const name = attribute.name;
  const matches = valueFilter(filter, attribute);
  if (attribute.type !== 'complex') {
    const values = asArray(container[name]).slice();
    let matched = 0;
    const replaced = values.map((value) => (!isEmptyValue(value) && matches({ value }) ? (matched++, coerced) : value));
    if (matched === 0) throw ScimError.noTarget(`No value of "${label}" matches the filter`);
    store(container, name, attribute.multiValued ? dedupe(attribute, replaced) : replaced[0]);
    return;
  }
  const values = asArray(container[name]).filter(isPlainObject).map((value) => ({ ...value }));
  const changed = new Set<unknown>();
  let matched = false;
  const result = values.map((value) => {
    if (!matches(value)) return value;
    matched = true;
    const next = subAttribute
      ? { ...value, [subAttribute.name]: coerced }
      : op === 'replace'
        ? { ...(coerced as Record<string, unknown>) }
        : { ...value, ...(coerced as Record<string, unknown>) };
    changed.add(next);
    return next;
  });
  if (!matched) {
    const described = valueFromFilter(filter, attribute, label);
    if (!described) throw ScimError.noTarget(`No value of "${label}" matches the filter`);
    const created = subAttribute ? { ...described, [subAttribute.name]: coerced } : { ...described, ...(coerced as Record<string, unknown>) };
    changed.add(created);
    if (attribute.multiValued) result.push(created);
    else result.splice(0, result.length, created);
  }
  store(container, name, attribute.multiValued ? enforceSinglePrimary(attribute, result, changed) : result[0]);
}

function dedupe(attribute: AttributeDefinition, values: unknown[]): unknown[] {
  const result: unknown[] = [];
  for (const value of values) if (!result.some((existing) => sameValue(attribute, existing, value))) result.push(value);
  return result;
}

function removeAt(
  resource: ScimResource,
  target: AttributeTarget,
  filter: FilterNode | undefined,
  value: unknown,
  label: string,
  lenient: boolean,
): void {
  const { attribute, subAttribute } = target;
  const container = containerOf(resource, target, false);
  const name = attribute.name;
  const current = container?.[name];

  if (filter) {
    const matches = valueFilter(filter, attribute);
    const values = attribute.type === 'complex' ? asArray(current).filter(isPlainObject) : asArray(current);
    const matched = values.map((element) => {
      if (attribute.type === 'complex') return matches(element as Record<string, unknown>);
      return !isEmptyValue(element) && matches({ value: element });
    });
    if (!matched.includes(true)) {
      if (lenient) return;
      throw ScimError.noTarget(`No value of "${label}" matches the filter`);
    }
    if (!container) return;
    const kept = values
      .map((element, index) => {
        if (!matched[index]) return element;
        if (!subAttribute || !isPlainObject(element)) return undefined;
        const { [subAttribute.name]: _removed, ...rest } = element;
        return rest;
      })
      .filter((element) => !isEmptyValue(element));
    store(container, name, attribute.multiValued ? kept : kept[0]);
    dropEmptyExtension(resource, target);
    return;
  }
  if (!container || isEmptyValue(current)) return;

  if (subAttribute) {
    const strip = (element: unknown): unknown => {
      if (!isPlainObject(element)) return element;
      const { [subAttribute.name]: _removed, ...rest } = element;
      return rest;
    };
    store(container, name, attribute.multiValued ? asArray(current).map(strip).filter((element) => !isEmptyValue(element)) : strip(current));
  } else if (value !== undefined) {
    // `{"op":"Remove","path":"members","value":[{"value":"id1"}]}` removes exactly those values, never
    // all: a value that names nothing (`[]`, `[{}]`, null) removes nothing.
    if (attribute.multiValued) {
      const removals = asArray(coerceAttributeValue(attribute, value, label));
      store(container, name, asArray(current).filter((existing) => !removals.some((removal) => sameValue(attribute, existing, removal))));
    } else {
      const removal = coerceAttributeValue(attribute, value, label);
      if (removal !== undefined && sameValue(attribute, current, removal)) delete container[name];
    }
  } else {
    delete container[name];
  }
  dropEmptyExtension(resource, target);
}
