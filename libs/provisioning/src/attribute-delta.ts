import { valueKey, valuesOf, type AttributeDelta, type Attributes, type ObjectTypeSchema } from '@connector-host/connector-sdk';

/**
 * The attribute deltas that turn `before` into `after`, over the attributes `after` speaks for.
 * Single-valued attributes are replaced; multi-valued ones get value-level adds and removes.
 */
export function diffAttributes(before: Attributes, after: Attributes, schema: ObjectTypeSchema): AttributeDelta[] {
  const deltas: AttributeDelta[] = [];
  const byName = new Map(schema.attributes.map((a) => [a.name.toLowerCase(), a]));
  for (const [name, next] of Object.entries(after)) {
    const definition = byName.get(name.toLowerCase());
    if (!definition || definition.readOnly) continue;
    const previous = valuesOf(before, name);
    if (!definition.multiValued) {
      const same =
        // a change of case is a real change for the target (a display name, a mail address)
        previous.length === next.length && previous.every((v, i) => v === next[i]);
      if (!same) deltas.push({ attribute: definition.name, op: 'replace', values: next });
      continue;
    }
    const previousKeys = new Set(previous.map(valueKey));
    const nextKeys = new Set(next.map(valueKey));
    const added = next.filter((v) => !previousKeys.has(valueKey(v)));
    const removed = previous.filter((v) => !nextKeys.has(valueKey(v)));
    if (next.length === 0 && previous.length > 0) deltas.push({ attribute: definition.name, op: 'replace', values: [] });
    else {
      if (added.length) deltas.push({ attribute: definition.name, op: 'add', values: added });
      if (removed.length) deltas.push({ attribute: definition.name, op: 'remove', values: removed });
    }
  }
  return deltas;
}
