import { valuesOf, type Attributes, type AttributeSchema, type AttributeValue, type ObjectTypeSchema, type TargetObject } from '@connector-host/connector-sdk';
import type { ObjectTypeConfig } from '@connector-host/config';
import {
  COMMON_ATTRIBUTES,
  CORE_GROUP_SCHEMA,
  CORE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  findSubAttribute,
  ScimError,
  type AttributeDefinition,
} from '@connector-host/scim';
import {
  CORE_GROUP_URN,
  CORE_USER_URN,
  ENTERPRISE_USER_URN,
  ecma2HostUrn,
  type MappingPath,
  parseMappingPath,
  readPath,
  writePath,
} from './mapping-path';
import type { Reference } from './references';

/** Virtual attributes of Microsoft's host, kept in the ECMA2Host extension. */
export const DN_ATTRIBUTE = '-dn-';
export const PASSWORD_ATTRIBUTE = 'export_password';

type Json = Record<string, unknown>;

/**
 * How a configured core mapping shows in a resource, decided by the SCIM schema, never by the
 * target: `single` (one value: `name.givenName`, `manager.value`, `emails[type eq "work"].value`,
 * whatever the target attribute holds: Microsoft's "treat as a single value"), `many` (an array),
 * `manyComplex` (an array of `{ value }`: `members`, `emails` mapped whole) or, for a path the SCIM
 * schemas do not define, the target attribute's own multiplicity.
 */
export type ScimShape = 'single' | 'many' | 'manyComplex' | 'target';

export interface CoreMapping {
  path: MappingPath;
  attribute: AttributeSchema;
  shape: ScimShape;
}

export interface MappedTarget {
  attributes: Attributes;
  dn?: string;
  password?: string;
}

/**
 * Maps one object type between SCIM resources and target attributes: every selected attribute
 * under the ECMA2Host extension, plus the configured core mappings (`userName`, `emails[...]`).
 */
export class ObjectMapper {
  readonly extensionUrn: string;
  readonly coreUrn: string;
  /** Selected attributes, in the target's spelling, from the discovered schema. */
  readonly selected: AttributeSchema[];
  private readonly coreMappings: CoreMapping[];

  constructor(
    readonly config: ObjectTypeConfig,
    readonly schema: ObjectTypeSchema,
    /** Attributes holding other objects; the connector space keeps their anchors (see references.ts). */
    readonly references: readonly Reference[] = [],
  ) {
    this.extensionUrn = ecma2HostUrn(config.name);
    this.coreUrn = config.name === 'Group' ? CORE_GROUP_URN : CORE_USER_URN;
    const byName = new Map(schema.attributes.map((a) => [a.name.toLowerCase(), a]));
    const names = config.attributes ?? schema.attributes.map((a) => a.name);
    this.selected = names.map((name) => {
      const found = byName.get(name.toLowerCase());
      if (!found) throw new Error(`selected attribute "${name}" of ${config.name} is not in the target's schema`);
      return found;
    });
    if (!this.selected.some((a) => a.name.toLowerCase() === config.anchor.toLowerCase())) {
      const anchor = byName.get(config.anchor.toLowerCase());
      if (!anchor) throw new Error(`anchor "${config.anchor}" of ${config.name} is not in the target's schema`);
      this.selected.unshift(anchor);
    }
    const mappings = { ...config.scimMappings };
    const disable = config.deprovisioning.disable;
    if (disable.flow === 'setAttribute') mappings.active = disable.attribute;
    this.coreMappings = Object.entries(mappings).map(([path, attributeName]) => {
      const attribute = this.selected.find((a) => a.name.toLowerCase() === attributeName.toLowerCase());
      if (!attribute) throw new Error(`SCIM mapping "${path}" names "${attributeName}", which is not a selected attribute`);
      const parsed = parseMappingPath(path);
      return { path: parsed, attribute, shape: scimShapeOf(parsed, this.coreUrn) };
    });
  }

  get anchorAttribute(): AttributeSchema {
    return this.selected.find((a) => a.name.toLowerCase() === this.config.anchor.toLowerCase())!;
  }

  mappings(): ReadonlyArray<CoreMapping> {
    return this.coreMappings;
  }

  isReference(attribute: string): boolean {
    return this.references.some((r) => r.attribute.toLowerCase() === attribute.toLowerCase());
  }

  get activeAttribute(): AttributeSchema | undefined {
    return this.coreMappings.find((m) => m.path.attribute === 'active' && !m.path.container)?.attribute;
  }

  /** The SCIM resource for a target object (without `meta.location`, which the HTTP edge adds). */
  toScim(object: TargetObject & { writtenAt?: number }): Json {
    const extension: Json = {};
    for (const attribute of this.selected) {
      const values = valuesOf(object.attributes, attribute.name);
      if (values.length === 0) continue;
      extension[attribute.name] = attribute.multiValued ? values : values[0];
    }
    if (object.dn) extension[DN_ATTRIBUTE] = object.dn;
    const resource: Json = { schemas: [this.coreUrn], id: object.anchor };
    for (const { path, attribute, shape } of this.coreMappings) {
      const values = valuesOf(object.attributes, attribute.name);
      if (values.length === 0) continue;
      if (shape === 'manyComplex') {
        // complex values (a Group's members, emails mapped whole): { value: <member's id> }
        writePath(resource, path, values.map((value) => ({ value: String(value) })));
        continue;
      }
      // the SCIM schema decides, not the target: a multi-valued directory attribute behind a
      // singular SCIM attribute shows its first value (writing it leaves exactly that one value)
      const many = shape === 'many' || (shape === 'target' && attribute.multiValued);
      writePath(resource, path, many ? values : values[0]);
    }
    if (resource[ENTERPRISE_USER_URN]) (resource.schemas as string[]).push(ENTERPRISE_USER_URN);
    resource[this.extensionUrn] = extension;
    (resource.schemas as string[]).push(this.extensionUrn);
    resource.meta = {
      resourceType: this.config.name,
      ...(object.writtenAt ? { lastModified: new Date(object.writtenAt).toISOString() } : {}),
    };
    return resource;
  }

  /**
   * The target attributes a SCIM resource asks for. With `current` (PATCH), a target attribute
   * reachable from several SCIM paths takes the value that changed; without it (POST, PUT) the
   * extension value wins over core mappings.
   */
  toTarget(resource: Json, current?: Attributes): MappedTarget {
    const extension = (findKey(resource, this.extensionUrn) as Json | undefined) ?? {};
    const attributes: Attributes = {};
    for (const attribute of this.selected) {
      // each candidate with whether its SCIM path shows one value only (then it is compared with
      // the first current value: an untouched singular path never drops the target's other values)
      const candidates: Array<{ values: AttributeValue[]; single: boolean }> = [];
      const fromExtension = findKey(extension, attribute.name);
      candidates.push({ values: this.convert(fromExtension, attribute, `${this.extensionUrn}:${attribute.name}`), single: !attribute.multiValued });
      const extensionGiven = fromExtension !== undefined;
      for (const mapping of this.coreMappings.filter((m) => m.attribute === attribute)) {
        const single = mapping.shape === 'single' || (mapping.shape === 'target' && !attribute.multiValued);
        candidates.push({ values: this.convert(readPath(resource, mapping.path), attribute, mapping.path.text, single), single });
      }
      attributes[attribute.name] = current
        ? pickChanged(candidates, valuesOf(current, attribute.name))
        : (extensionGiven && candidates[0].values.length ? candidates[0].values : candidates.find((c) => c.values.length > 0)?.values) ?? [];
    }
    const dn = findKey(extension, DN_ATTRIBUTE);
    const password = findKey(extension, PASSWORD_ATTRIBUTE);
    return {
      attributes,
      ...(typeof dn === 'string' && dn ? { dn } : {}),
      ...(typeof password === 'string' && password ? { password } : {}),
    };
  }

  /**
   * SCIM value(s) to target values of the attribute's type; a bad value is a 400 invalidValue naming
   * it. `single`: the SCIM attribute holds one value, whatever the target attribute may hold.
   */
  convert(raw: unknown, attribute: AttributeSchema, label: string, single = !attribute.multiValued): AttributeValue[] {
    if (raw === undefined || raw === null) return [];
    const list = Array.isArray(raw) ? raw : [raw];
    const values: AttributeValue[] = [];
    for (const item of list) {
      const value = convertOne(item, attribute, label);
      if (value !== undefined) values.push(value);
    }
    if (single && values.length > 1) {
      throw ScimError.invalidValue(`${label} is single-valued but ${values.length} values were given`);
    }
    return values;
  }
}

function convertOne(item: unknown, attribute: AttributeSchema, label: string): AttributeValue | undefined {
  if (item === null || item === undefined) return undefined;
  if (typeof item === 'object' && !Array.isArray(item)) {
    // complex values carrying a `value` (manager, members) reduce to it
    const inner = findKey(item as Json, 'value');
    if (inner === undefined || inner === null) return undefined;
    return convertOne(inner, attribute, label);
  }
  if (Array.isArray(item)) throw ScimError.invalidValue(`${label}: nested arrays are not allowed`);
  switch (attribute.type) {
    case 'boolean': {
      if (typeof item === 'boolean') return item;
      if (typeof item === 'string' && /^(true|false)$/i.test(item.trim())) return item.trim().toLowerCase() === 'true';
      throw ScimError.invalidValue(`${label} must be a boolean`);
    }
    case 'integer': {
      const n = typeof item === 'number' ? item : typeof item === 'string' && /^\s*-?\d+\s*$/.test(item) ? Number(item) : NaN;
      if (!Number.isSafeInteger(n)) throw ScimError.invalidValue(`${label} must be an integer`);
      return n;
    }
    case 'decimal': {
      const n = typeof item === 'number' ? item : typeof item === 'string' && item.trim() !== '' ? Number(item) : NaN;
      if (!Number.isFinite(n)) throw ScimError.invalidValue(`${label} must be a number`);
      return n;
    }
    case 'dateTime': {
      if (typeof item !== 'string' || Number.isNaN(Date.parse(item))) throw ScimError.invalidValue(`${label} must be an ISO 8601 date-time`);
      return item;
    }
    case 'binary': {
      if (typeof item !== 'string' || !/^[A-Za-z0-9+/=\s]*$/.test(item)) throw ScimError.invalidValue(`${label} must be base64`);
      return item;
    }
    default:
      if (typeof item === 'string') return item;
      if (typeof item === 'number' || typeof item === 'boolean') return String(item);
      throw ScimError.invalidValue(`${label} must be a string`);
  }
}

/** The shape a mapping path has in a SCIM resource, from the core, Group and enterprise schemas. */
export function scimShapeOf(path: MappingPath, coreUrn: string): ScimShape {
  // one element's sub-attribute (`emails[type eq "work"].value`): one value
  if (path.filter) return 'single';
  const schema = path.container === ENTERPRISE_USER_SCHEMA.id ? ENTERPRISE_USER_SCHEMA : coreUrn === CORE_GROUP_SCHEMA.id ? CORE_GROUP_SCHEMA : CORE_USER_SCHEMA;
  const lower = path.attribute.toLowerCase();
  const definition: AttributeDefinition | undefined =
    schema.attributes.find((a) => a.name.toLowerCase() === lower) ??
    (path.container ? undefined : COMMON_ATTRIBUTES.find((a) => a.name.toLowerCase() === lower));
  if (!definition) return 'target';
  if (path.subAttribute) {
    // `emails.value` without a filter designates one value (the primary's) of a multi-valued attribute
    const sub = findSubAttribute(definition, path.subAttribute);
    return sub?.multiValued ? 'many' : 'single';
  }
  if (!definition.multiValued) return 'single';
  return definition.type === 'complex' && definition.subAttributes?.some((a) => a.name === 'value') ? 'manyComplex' : 'many';
}

/**
 * The first candidate that differs from what the resource showed (the whole current value, or its
 * first value for a singular path); none: the current values, all of them, unchanged.
 */
function pickChanged(candidates: Array<{ values: AttributeValue[]; single: boolean }>, current: AttributeValue[]): AttributeValue[] {
  const same = (a: AttributeValue[], b: AttributeValue[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  return candidates.find((c) => !same(c.values, c.single ? current.slice(0, 1) : current))?.values ?? current;
}

function findKey(object: Json, key: string): unknown {
  if (key in object) return object[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(object)) if (k.toLowerCase() === lower) return object[k];
  return undefined;
}

/**
 * The target attribute a SCIM attribute path designates (`userName`, `emails.value`,
 * `urn:…:ECMA2Host:2.0:User:ContosoLogin`, `id`), if any: how a filter finds its index.
 */
export function targetAttributeOf(
  mapper: ObjectMapper,
  path: { schema?: string; attribute: string; subAttribute?: string },
): AttributeSchema | undefined {
  const attribute = path.attribute.toLowerCase();
  const given = path.schema?.toLowerCase();
  // core attributes are named without their URN in mappings
  const schema = given === mapper.coreUrn.toLowerCase() ? undefined : given;
  if (!schema && attribute === 'id') return mapper.anchorAttribute;
  if (schema === mapper.extensionUrn.toLowerCase()) return mapper.selected.find((a) => a.name.toLowerCase() === attribute);
  const mapping = mapper.mappings().find(({ path: m }) => {
    const container = (m.container ?? mapper.coreUrn).toLowerCase();
    if (schema && schema !== container) return false;
    if (!schema && m.container) return false;
    if (m.attribute.toLowerCase() !== attribute) return false;
    const sub = (m.subAttribute ?? '').toLowerCase();
    return (path.subAttribute ?? '').toLowerCase() === sub || (!path.subAttribute && !m.filter && !sub);
  });
  return mapping?.attribute;
}
