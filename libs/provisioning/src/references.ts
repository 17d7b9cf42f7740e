import {
  attributeKey,
  valueKey,
  valuesOf,
  type AttributeDelta,
  type Attributes,
  type AttributeValue,
  type ObjectTypeSchema,
  type TargetObject,
} from '@connector-host/connector-sdk';
import type { ObjectTypeConfig } from '@connector-host/config';
import { DN_INDEX, type ConnectorSpace } from '@connector-host/connector-space';
import { ScimError } from '@connector-host/scim';
import { ENTERPRISE_USER_URN, parseMappingPath } from './mapping-path';

/**
 * A target attribute that holds other objects of the same connector: a group's members, a
 * user's manager.
 *
 * Representation (the one decision everything else follows from): the connector space keeps a
 * reference as the referenced object's anchor, which is its SCIM id. SCIM reads then need no
 * lookup at all, a PATCH on a 10,000-member group diffs anchors in memory, and renaming a user
 * changes nothing in the cached groups. The target's form (a DN for LDAP `member`, a uid for
 * `memberUid`, the anchor itself for a SQL membership table) exists only at the connector
 * boundary: `toTarget*` on the way out, `toSpace*` on the way in (import).
 */
export interface Reference {
  /** The target attribute, spelled as the target's schema spells it. */
  attribute: string;
  /** Object types it may refer to, in lookup order. */
  to: string[];
  /** How the target names the referenced object. */
  by: { kind: 'dn' } | { kind: 'anchor' } | { kind: 'attribute'; attribute: string };
}

/**
 * The references of one object type: the configured ones (`objectTypes.<type>.references`), plus
 * by default the attribute mapped from `members` (to User and Group) and from the enterprise
 * `manager` (to User). `by` defaults to what the connector reports (`referenceBy`; LDAP DN-valued
 * attributes are DNs), else the anchor.
 */
export function referencesOf(config: ObjectTypeConfig, schema: ObjectTypeSchema, configuredTypes: readonly string[]): Reference[] {
  const byName = new Map(schema.attributes.map((a) => [a.name.toLowerCase(), a]));
  const found = new Map<string, { to?: string[]; by?: string }>();
  for (const [path, attribute] of Object.entries(config.scimMappings)) {
    const parsed = parseMappingPath(path);
    if (!parsed.container && parsed.attribute === 'members') found.set(attribute.toLowerCase(), { to: ['User', 'Group'] });
    if (parsed.container === ENTERPRISE_USER_URN && parsed.attribute === 'manager') found.set(attribute.toLowerCase(), { to: ['User'] });
  }
  for (const reference of config.references) {
    const previous = found.get(reference.attribute.toLowerCase()) ?? {};
    found.set(reference.attribute.toLowerCase(), { ...previous, ...(reference.to ? { to: reference.to } : {}), ...(reference.by ? { by: reference.by } : {}) });
  }
  const references: Reference[] = [];
  for (const [name, { to, by }] of found) {
    const definition = byName.get(name);
    if (!definition) throw new Error(`reference attribute "${name}" of ${config.name} is not in the target's schema`);
    const targets = (to ?? ['User']).filter((type) => configuredTypes.includes(type));
    if (targets.length === 0) continue;
    const form = by ?? definition.referenceBy ?? (definition.type === 'reference' ? 'dn' : 'anchor');
    references.push({
      attribute: definition.name,
      to: targets,
      by: form === 'dn' ? { kind: 'dn' } : form === 'anchor' ? { kind: 'anchor' } : { kind: 'attribute', attribute: form },
    });
  }
  return references;
}

/** True when some object type of the connector may be referenced by DN: the space then indexes DNs. */
export function needsDnIndex(objectTypes: readonly ObjectTypeConfig[]): boolean {
  return objectTypes.some(
    (type) =>
      type.references.length > 0 ||
      Object.keys(type.scimMappings).some((path) => {
        const parsed = parseMappingPath(path);
        return (!parsed.container && parsed.attribute === 'members') || (parsed.container === ENTERPRISE_USER_URN && parsed.attribute === 'manager');
      }),
  );
}

/** Resolves target-form reference values to anchors; undefined when the target's value names no known object. */
export type AnchorLookup = (reference: Reference, values: AttributeValue[]) => Promise<Array<string | undefined>>;

/**
 * Translates reference values between the connector space (anchors) and the target (DNs, anchors
 * or an attribute of the referenced object).
 */
export class ReferenceTranslator {
  constructor(private readonly space: ConnectorSpace) {}

  /**
   * The target's form of anchors. By DN or attribute, every anchor of an added or set value must
   * name an object of the connector, or there is nothing to write (400 `invalidValue` naming the
   * unknown ids); a removed value whose object is gone is skipped, since the target has lost it
   * with the object (or an import will).
   */
  async toTargetValues(reference: Reference, anchors: AttributeValue[], label: string, strict: boolean): Promise<AttributeValue[]> {
    // by anchor, the target holds exactly the SCIM id: nothing to translate, and nothing to check
    // either — the referenced object may be provisioned later (a manager after the report), and a
    // target that enforces it (a foreign key) refuses with its own reason
    if (reference.by.kind === 'anchor' || anchors.length === 0) return [...anchors];
    const resolved = await this.objectsOf(reference, anchors.map(String));
    const out: AttributeValue[] = [];
    const unknown: string[] = [];
    for (const anchor of anchors) {
      const object = resolved.get(String(anchor));
      const value = object ? this.targetValueOf(reference, object) : undefined;
      if (value !== undefined) out.push(value);
      else unknown.push(String(anchor));
    }
    if (strict && unknown.length) throw unknownReferences(reference, unknown, label);
    return out;
  }

  /** Attributes for an add: reference attributes in the target's form. */
  async toTargetAttributes(references: readonly Reference[], attributes: Attributes, labelOf: (attribute: string) => string): Promise<Attributes> {
    const out: Attributes = { ...attributes };
    for (const reference of references) {
      const key = attributeKey(out, reference.attribute);
      if (!key) continue;
      out[key] = await this.toTargetValues(reference, out[key], labelOf(reference.attribute), true);
    }
    return out;
  }

  /** Deltas for an update: values of reference attributes in the target's form. */
  async toTargetDeltas(references: readonly Reference[], deltas: AttributeDelta[], labelOf: (attribute: string) => string): Promise<AttributeDelta[]> {
    const out: AttributeDelta[] = [];
    for (const delta of deltas) {
      const reference = references.find((r) => r.attribute.toLowerCase() === delta.attribute.toLowerCase());
      if (!reference) {
        out.push(delta);
        continue;
      }
      const values = await this.toTargetValues(reference, delta.values, labelOf(delta.attribute), delta.op !== 'remove');
      if (delta.op === 'remove' && values.length === 0) continue;
      out.push({ ...delta, values });
    }
    return out;
  }

  /** A lookup answering from the connector space's indexes (delta import, single reads). */
  spaceLookup(): AnchorLookup {
    return async (reference, values) => {
      const texts = values.map(String);
      if (reference.by.kind === 'anchor') return texts;
      const attribute = reference.by.kind === 'dn' ? DN_INDEX : reference.by.attribute;
      const out: Array<string | undefined> = texts.map(() => undefined);
      for (const type of reference.to) {
        if (!this.space.isIndexed(type, attribute)) continue;
        const open = out.flatMap((anchor, i) => (anchor === undefined ? [i] : []));
        if (open.length === 0) break;
        const anchors = await this.space.findFirstAnchors(type, attribute, open.map((i) => texts[i]));
        open.forEach((i, j) => (out[i] = anchors[j]));
      }
      return out;
    };
  }

  private targetValueOf(reference: Reference, object: { anchor: string; dn: string; attributes: Attributes }): AttributeValue | undefined {
    switch (reference.by.kind) {
      case 'dn':
        return object.dn || undefined;
      case 'anchor':
        return object.anchor;
      default:
        return valuesOf(object.attributes, reference.by.attribute)[0];
    }
  }

  private async objectsOf(reference: Reference, anchors: string[]): Promise<Map<string, { anchor: string; dn: string; attributes: Attributes }>> {
    const found = new Map<string, { anchor: string; dn: string; attributes: Attributes }>();
    let missing = [...new Set(anchors)];
    for (const type of reference.to) {
      if (missing.length === 0) break;
      for (const object of await this.space.getMany(type, missing)) found.set(object.anchor, object);
      missing = missing.filter((anchor) => !found.has(anchor));
    }
    return found;
  }
}

/**
 * Imported objects with their reference values turned into anchors. A value that names no object
 * the host knows (a member outside the managed scope, an empty group's placeholder) is left out:
 * SCIM shows what Entra manages, and value-level exports never touch what they do not show.
 */
export async function referencesToSpace(objects: TargetObject[], all: readonly Reference[], lookup: AnchorLookup): Promise<TargetObject[]> {
  // by anchor, the target already holds SCIM ids: kept as they are, known objects or not
  const references = all.filter((reference) => reference.by.kind !== 'anchor');
  if (references.length === 0) return objects;
  const out: TargetObject[] = [];
  for (const object of objects) {
    let attributes = object.attributes;
    for (const reference of references) {
      const key = attributeKey(attributes, reference.attribute);
      if (!key) continue;
      const anchors = (await lookup(reference, attributes[key])).filter((a): a is string => a !== undefined);
      attributes = { ...attributes, [key]: [...new Map(anchors.map((a) => [valueKey(a), a])).values()] };
      if (attributes[key].length === 0) delete attributes[key];
    }
    out.push({ ...object, attributes });
  }
  return out;
}

/**
 * An in-memory lookup built from the objects a full import has just read, so that groups resolve
 * against this import's users (the cache swaps generations asynchronously).
 */
export class ImportedDirectory {
  private readonly byDn = new Map<string, string>();
  private readonly byAttribute = new Map<string, Map<string, string>>();

  constructor(private readonly attributesByType: ReadonlyMap<string, readonly string[]>) {}

  add(objectType: string, objects: readonly TargetObject[]): void {
    for (const object of objects) {
      if (object.dn) this.byDn.set(`${objectType}\u0000${object.dn.toLowerCase()}`, object.anchor);
      for (const attribute of this.attributesByType.get(objectType) ?? []) {
        const index = this.byAttribute.get(`${objectType}\u0000${attribute.toLowerCase()}`) ?? new Map<string, string>();
        this.byAttribute.set(`${objectType}\u0000${attribute.toLowerCase()}`, index);
        for (const value of valuesOf(object.attributes, attribute)) index.set(String(value).toLowerCase(), object.anchor);
      }
    }
  }

  lookup(): AnchorLookup {
    return async (reference, values) =>
      values.map((value) => {
        const text = String(value);
        for (const type of reference.to) {
          let anchor: string | undefined;
          if (reference.by.kind === 'anchor') return text;
          if (reference.by.kind === 'dn') anchor = this.byDn.get(`${type}\u0000${text.toLowerCase()}`);
          else anchor = this.byAttribute.get(`${type}\u0000${reference.by.attribute.toLowerCase()}`)?.get(text.toLowerCase());
          if (anchor !== undefined) return anchor;
        }
        return undefined;
      });
  }
}

function unknownReferences(reference: Reference, anchors: string[], label: string): ScimError {
  const shown = anchors.slice(0, 5).map((a) => `"${a}"`).join(', ');
  const more = anchors.length > 5 ? ` and ${anchors.length - 5} more` : '';
  return ScimError.invalidValue(`${label}: no ${reference.to.join(' or ')} with id ${shown}${more} (references must name objects of this connector)`);
}
