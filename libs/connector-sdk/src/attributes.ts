/** Helpers over `Attributes`, shared by the host and every connector type. */
import type { AttributeDelta, Attributes, AttributeValue } from './connector';

/** The key under which `attributes` holds an attribute; names match case-insensitively, as SQL and LDAP targets do. */
export function attributeKey(attributes: Attributes, name: string): string | undefined {
  if (Object.hasOwn(attributes, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(attributes).find((key) => key.toLowerCase() === lower);
}

/** The values of an attribute (case-insensitive name, see attributeKey); none when absent. */
export function valuesOf(attributes: Attributes, name: string): AttributeValue[] {
  const key = attributeKey(attributes, name);
  return key === undefined ? [] : attributes[key];
}

/** A value's identity for set operations: `1` and `'1'` are different values. */
export function valueKey(value: AttributeValue): string {
  return `${typeof value}:${String(value)}`;
}

/** Applies deltas to a copy of `attributes`: what the target holds after the change. */
export function applyDeltas(attributes: Attributes, deltas: readonly AttributeDelta[]): Attributes {
  const out: Attributes = { ...attributes };
  for (const delta of deltas) {
    const key = attributeKey(out, delta.attribute) ?? delta.attribute;
    const current = out[key] ?? [];
    if (delta.op === 'replace') out[key] = [...delta.values];
    else if (delta.op === 'add') {
      // sets, not nested scans: a group may hold tens of thousands of members
      const present = new Set(current.map(valueKey));
      const added = delta.values.filter((v) => !present.has(valueKey(v)) && present.add(valueKey(v)));
      out[key] = [...current, ...added];
    } else {
      const removed = new Set(delta.values.map(valueKey));
      out[key] = current.filter((c) => !removed.has(valueKey(c)));
    }
    if (out[key].length === 0) delete out[key];
  }
  return out;
}
