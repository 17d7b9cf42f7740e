import { ConnectorError, type AttributeSchema, type AttributeType } from '@connector-host/connector-sdk';
import { parseScimPath, type ScimPath } from './scim-paths';

/** An attribute definition as `/Schemas` publishes it (RFC 7643 §7). */
export interface ScimAttributeDefinition {
  name: string;
  type: string;
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: string;
  canonicalValues?: string[];
  subAttributes?: ScimAttributeDefinition[];
}

export interface ScimSchemaDefinition {
  id: string;
  name?: string;
  attributes: ScimAttributeDefinition[];
}

/** A flat attribute of the connector: its name, the SCIM path, and its definition. */
export interface FlatAttribute {
  schema: AttributeSchema;
  path: ScimPath;
}

const SKIPPED = new Set(['schemas', 'meta', 'password']);

function typeOf(type: string): AttributeType {
  switch (type.toLowerCase()) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'decimal':
      return 'decimal';
    case 'datetime':
      return 'dateTime';
    case 'binary':
      return 'binary';
    case 'reference':
      return 'reference';
    default:
      return 'string';
  }
}

function byName(list: ScimAttributeDefinition[] | undefined, name: string): ScimAttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return list?.find((a) => a.name.toLowerCase() === lower);
}

function readOnly(definition: ScimAttributeDefinition | undefined): boolean {
  return definition?.mutability === 'readOnly';
}

/**
 * Flat attributes from the target's schemas, named for the host: `userName`, `name_givenName`,
 * `emails_work` (for `emails[type eq "work"].value`), `manager` (its value), extension attributes
 * by their own name (`EnterpriseUser_x` when a core attribute has that name). `id` and
 * `externalId` are always there; `password` is the host's `export_password`, never an attribute.
 */
export function flatAttributes(core: ScimSchemaDefinition, extensions: ScimSchemaDefinition[]): FlatAttribute[] {
  const out: FlatAttribute[] = [];
  const taken = new Set<string>();
  const add = (name: string, path: ScimPath, definition: Omit<AttributeSchema, 'name'>, schemaName: string | undefined): void => {
    let flat = name.replace(/[^A-Za-z0-9_-]/g, '_');
    if (taken.has(flat.toLowerCase()) && schemaName) flat = `${schemaName.replace(/[^A-Za-z0-9_-]/g, '_')}_${flat}`;
    if (taken.has(flat.toLowerCase())) return;
    taken.add(flat.toLowerCase());
    out.push({ schema: { name: flat, ...definition }, path });
  };
  add('id', { attribute: 'id', kind: 'simple' }, { type: 'string', multiValued: false, required: false, readOnly: true, caseExact: true }, undefined);
  add('externalId', { attribute: 'externalId', kind: 'simple' }, { type: 'string', multiValued: false, required: false, readOnly: false, caseExact: true }, undefined);
  for (const schema of [core, ...extensions]) {
    const urn = schema === core ? undefined : schema.id;
    const label = schema === core ? undefined : (schema.name ?? schema.id.split(':').pop());
    for (const attribute of schema.attributes) {
      if (SKIPPED.has(attribute.name) || (schema === core && (attribute.name === 'id' || attribute.name === 'externalId'))) continue;
      const base = { ...(urn ? { schema: urn } : {}), attribute: attribute.name };
      const common = { required: attribute.required === true, readOnly: readOnly(attribute), caseExact: attribute.caseExact === true };
      if (attribute.type.toLowerCase() !== 'complex') {
        add(attribute.name, { ...base, kind: 'simple' }, { ...common, type: typeOf(attribute.type), multiValued: attribute.multiValued === true }, label);
        continue;
      }
      const value = byName(attribute.subAttributes, 'value');
      const type = byName(attribute.subAttributes, 'type');
      if (attribute.multiValued) {
        if (value && type?.canonicalValues?.length) {
          for (const canonical of type.canonicalValues) {
            add(
              `${attribute.name}_${canonical}`,
              { ...base, filter: { attribute: 'type', value: canonical }, sub: 'value', kind: 'filtered' },
              { ...common, required: false, type: typeOf(value.type), multiValued: false, caseExact: value.caseExact === true },
              label,
            );
          }
        } else if (value) {
          add(attribute.name, { ...base, kind: 'multiValue' }, { ...common, required: false, type: typeOf(value.type), multiValued: true, readOnly: common.readOnly || readOnly(value) }, label);
        }
        continue;
      }
      if (value) {
        // manager-like: the complex value stands for its `value`
        add(attribute.name, { ...base, kind: 'complexValue' }, { ...common, type: typeOf(value.type), multiValued: false }, label);
        continue;
      }
      for (const sub of attribute.subAttributes ?? []) {
        if (sub.type.toLowerCase() === 'complex') continue;
        add(
          `${attribute.name}_${sub.name}`,
          { ...base, sub: sub.name, kind: 'subAttribute' },
          { required: false, readOnly: common.readOnly || readOnly(sub), caseExact: sub.caseExact === true, type: typeOf(sub.type), multiValued: sub.multiValued === true },
          label,
        );
      }
    }
  }
  return out;
}

/**
 * Configured attributes (`target.attributes`: flat name → SCIM path), each checked against and
 * typed by the target's schemas.
 */
export function configuredAttributes(where: string, configured: Record<string, string>, core: ScimSchemaDefinition, extensions: ScimSchemaDefinition[]): FlatAttribute[] {
  return Object.entries(configured).map(([name, text]) => {
    const parsed = parseScimPath(text);
    const schema = parsed.schema ? extensions.find((e) => e.id.toLowerCase() === parsed.schema!.toLowerCase()) : core;
    if (parsed.schema && !schema) {
      throw new ConnectorError('schemaViolation', `${where}.${name}: the target has no schema ${parsed.schema} for this resource type`);
    }
    if (!parsed.schema && (parsed.attribute === 'id' || parsed.attribute === 'externalId') && !parsed.sub && !parsed.filter) {
      const isId = parsed.attribute === 'id';
      return { schema: { name, type: 'string', multiValued: false, required: false, readOnly: isId, caseExact: true }, path: { ...parsed, kind: 'simple' } };
    }
    const definition = byName(schema!.attributes, parsed.attribute);
    if (!definition) throw new ConnectorError('schemaViolation', `${where}.${name}: the target's ${schema!.id} has no attribute ${parsed.attribute}`);
    const common = { required: false, readOnly: readOnly(definition), caseExact: definition.caseExact === true };
    if (definition.type.toLowerCase() !== 'complex') {
      if (parsed.sub || parsed.filter) throw new ConnectorError('schemaViolation', `${where}.${name}: ${parsed.attribute} has no sub-attributes`);
      return { schema: { name, ...common, required: definition.required === true, type: typeOf(definition.type), multiValued: definition.multiValued === true }, path: { ...parsed, kind: 'simple' } };
    }
    const subName = parsed.sub ?? 'value';
    const sub = byName(definition.subAttributes, subName);
    if (!sub) throw new ConnectorError('schemaViolation', `${where}.${name}: ${parsed.attribute} has no sub-attribute ${subName}`);
    const typed = { ...common, readOnly: common.readOnly || readOnly(sub), type: typeOf(sub.type), caseExact: sub.caseExact === true };
    if (parsed.filter) {
      if (!definition.multiValued) throw new ConnectorError('schemaViolation', `${where}.${name}: a [filter] needs a multi-valued attribute`);
      return { schema: { name, ...typed, multiValued: false }, path: { ...parsed, sub: subName, kind: 'filtered' } };
    }
    if (definition.multiValued) {
      if (subName !== 'value') return { schema: { name, ...typed, multiValued: true }, path: { ...parsed, kind: 'subAttribute' } };
      return { schema: { name, ...typed, multiValued: true }, path: { ...parsed, kind: 'multiValue' } };
    }
    if (!parsed.sub) return { schema: { name, ...typed, multiValued: false }, path: { ...parsed, kind: 'complexValue' } };
    return { schema: { name, ...typed, multiValued: sub.multiValued === true }, path: { ...parsed, kind: 'subAttribute' } };
  });
}
