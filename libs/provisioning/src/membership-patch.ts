import { valueKey, valuesOf, type AttributeDelta, type Attributes, type AttributeValue } from '@connector-host/connector-sdk';
import { coerceAttributeValue, CORE_GROUP_URN, parseAttributePath, type PatchOperation } from '@connector-host/scim';
import type { ObjectMapper } from './object-mapper';
import { resourceSchemaOf } from './resource-schema';

/**
 * The deltas of a PATCH that only adds or removes members, computed without materialising the
 * group: Entra changes a 10,000-member group one PATCH at a time, and rendering, patching and
 * diffing every member on each of them makes the whole load quadratic. Returns undefined when an
 * operation is anything else (a displayName change, a `replace`, a filter other than
 * `value eq "…"`): the generic PATCH engine handles those, with the same result.
 *
 * Semantics are the engine's: `add` adds the values not present yet; `remove` with a value list
 * removes exactly those (never all); `remove` of `members[value eq "x"]` removes x; `remove` of
 * `members` without a value removes every member.
 */
export function membershipDeltas(mapper: ObjectMapper, operations: readonly PatchOperation[], current: Attributes): AttributeDelta[] | undefined {
  const mapping = mapper.mappings().find(({ path }) => !path.container && path.attribute === 'members' && !path.filter && !path.subAttribute);
  if (!mapping || !mapper.isReference(mapping.attribute.name)) return undefined;
  const attribute = mapping.attribute;
  const label = 'members';
  // the values are checked against the schema as the generic engine checks them (`members: 42` is invalidValue)
  const definition = resourceSchemaOf(mapper).findAttribute(CORE_GROUP_URN, 'members');
  const checked = (value: unknown): unknown => (definition ? coerceAttributeValue(definition, value, label) : value);

  const before = new Map<string, AttributeValue>(valuesOf(current, attribute.name).map((v) => [valueKey(v), v]));
  const after = new Map(before);
  let clearedAll = false;
  const touched = new Map<string, AttributeValue>();
  for (const operation of operations) {
    if (!operation.path || operation.op === 'replace') return undefined;
    const path = parseAttributePath(operation.path);
    if (path.uri !== undefined && path.uri.toLowerCase() !== CORE_GROUP_URN.toLowerCase()) return undefined;
    if (path.attribute.toLowerCase() !== 'members' || path.subAttribute !== undefined) return undefined;
    if (path.filter) {
      if (operation.op !== 'remove') return undefined;
      const filter = path.filter;
      const isValueEq =
        filter.type === 'compare' &&
        filter.operator === 'eq' &&
        filter.path.uri === undefined &&
        filter.path.attribute.toLowerCase() === 'value' &&
        filter.path.subAttribute === undefined &&
        typeof filter.value === 'string';
      if (!isValueEq) return undefined;
      const value = mapper.convert(filter.value, attribute, label);
      for (const v of value) {
        after.delete(valueKey(v));
        touched.set(valueKey(v), v);
      }
      continue;
    }
    if (operation.op === 'add') {
      for (const v of mapper.convert(checked(operation.value), attribute, label)) {
        after.set(valueKey(v), v);
        touched.set(valueKey(v), v);
      }
      continue;
    }
    // remove
    if (operation.value === undefined || operation.value === null) {
      after.clear();
      clearedAll = true;
      continue;
    }
    for (const v of mapper.convert(checked(operation.value), attribute, label)) {
      after.delete(valueKey(v));
      touched.set(valueKey(v), v);
    }
  }
  if (clearedAll) {
    for (const [key, value] of before) touched.set(key, value);
  }
  const added: AttributeValue[] = [];
  const removed: AttributeValue[] = [];
  for (const [key, value] of touched) {
    if (after.has(key) && !before.has(key)) added.push(after.get(key) ?? value);
    else if (!after.has(key) && before.has(key)) removed.push(before.get(key) ?? value);
  }
  const deltas: AttributeDelta[] = [];
  if (after.size === 0 && before.size > 0) deltas.push({ attribute: attribute.name, op: 'replace', values: [] });
  else {
    if (added.length) deltas.push({ attribute: attribute.name, op: 'add', values: added });
    if (removed.length) deltas.push({ attribute: attribute.name, op: 'remove', values: removed });
  }
  return deltas;
}
