import { valuesOf, type Attributes, type AttributeValue } from '@connector-host/connector-sdk';
import type { AttributeRule } from '@connector-host/config';
import { ScimError } from '@connector-host/scim';
import type { ObjectMapper } from './object-mapper';

/** Where allocated numbers come from: the connector space (atomic in Redis, skipping numbers held). */
export interface NumberAllocator {
  allocateNumber(objectType: string, attribute: string, from: number, to: number): Promise<number | null>;
}

function rulesOf(mapper: ObjectMapper, kinds: Array<AttributeRule['kind']>): AttributeRule[] {
  return (mapper.config.rules ?? []).filter((rule) => kinds.includes(rule.kind));
}

/** Attributes an `allocate` rule fills (they are not missing when Entra leaves them out). */
export function allocatedAttributes(mapper: ObjectMapper): Set<string> {
  return new Set(rulesOf(mapper, ['allocate']).map((rule) => rule.attribute.toLowerCase()));
}

/** Sets `name` (in the mapper's spelling) unless Entra already gave it a value. */
function fill(mapper: ObjectMapper, attributes: Attributes, rule: AttributeRule, raw: unknown): void {
  if (valuesOf(attributes, rule.attribute).length > 0) return; // what Entra sends wins
  const attribute = mapper.selected.find((a) => a.name.toLowerCase() === rule.attribute.toLowerCase());
  if (!attribute) throw new Error(`rule for "${rule.attribute}" of ${mapper.config.name}: not a selected attribute of the target`);
  const key = Object.keys(attributes).find((k) => k.toLowerCase() === attribute.name.toLowerCase()) ?? attribute.name;
  attributes[key] = mapper.convert(raw, attribute, `rules.${rule.attribute}`);
}

/**
 * Constants and templates, on create, before the required-attribute check: `gidNumber: 10000`,
 * `homeDirectory: /home/{uid}` (placeholders take the first value of another attribute; one with
 * no value is a 400 naming it).
 */
export function applyStaticRules(mapper: ObjectMapper, attributes: Attributes): void {
  for (const rule of rulesOf(mapper, ['constant'])) {
    if (rule.kind === 'constant') fill(mapper, attributes, rule, rule.values);
  }
  for (const rule of rulesOf(mapper, ['template'])) {
    if (rule.kind !== 'template' || valuesOf(attributes, rule.attribute).length > 0) continue;
    const text = rule.template.replace(/\{([^{}]+)\}/g, (_, name: string) => {
      const value: AttributeValue | undefined = valuesOf(attributes, name)[0];
      if (value === undefined || value === '') {
        throw ScimError.invalidValue(`${mapper.extensionUrn}:${rule.attribute} is made from ${name}, which has no value`);
      }
      return String(value);
    });
    fill(mapper, attributes, rule, text);
  }
}

/**
 * Numbers from a range (`uidNumber: { allocate: { from: 10000, to: 60000 } }`), once the request is
 * known to be valid (so that a refused request burns no number). Unique across export workers and
 * processes; numbers an object already holds are skipped.
 */
export async function allocateNumbers(mapper: ObjectMapper, allocator: NumberAllocator, attributes: Attributes): Promise<void> {
  for (const rule of rulesOf(mapper, ['allocate'])) {
    if (rule.kind !== 'allocate' || valuesOf(attributes, rule.attribute).length > 0) continue;
    const n = await allocator.allocateNumber(mapper.config.name, rule.attribute, rule.from, rule.to);
    if (n === null) {
      throw ScimError.invalidValue(`no free ${rule.attribute} is left in ${rule.from}-${rule.to}: widen the range of rules.${rule.attribute}`);
    }
    fill(mapper, attributes, rule, n);
  }
}
