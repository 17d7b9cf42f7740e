import { ConnectorError, type AttributeValue } from '@connector-host/connector-sdk';

/**
 * Where a flat attribute of the scim connector lives in the target's SCIM resource:
 * `userName`, `name.givenName`, `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:manager`.
 */
export interface ScimPath {
  /** The extension schema URN; undefined = the core schema (top level of the resource). */
  schema?: string;
  attribute: string;
  /** `[type eq "work"]` on a multi-valued complex attribute. */
  filter?: { attribute: string; value: string };
  sub?: string;
  /** How the target defines it (from /Schemas), filled in by discovery. */
  kind: 'simple' | 'complexValue' | 'subAttribute' | 'filtered' | 'multiValue';
}

const PATH = /^(urn:(?:[^:[\]\s]+:)+)?([A-Za-z$][\w$-]*)(?:\[\s*([A-Za-z$][\w$-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\])?(?:\.([A-Za-z$][\w$-]*))?$/;

/** Parses a SCIM attribute path as written in `target.attributes`. */
export function parseScimPath(text: string): Omit<ScimPath, 'kind'> {
  const match = PATH.exec(text.trim());
  if (!match) throw new ConnectorError('invalidValue', `"${text}" is not a SCIM attribute path (userName, name.givenName, emails[type eq "work"].value, urn:…:attr)`);
  const [, urn, attribute, filterAttribute, filterValue, sub] = match;
  return {
    ...(urn ? { schema: urn.slice(0, -1) } : {}),
    attribute: attribute!,
    ...(filterAttribute ? { filter: { attribute: filterAttribute, value: JSON.parse(`"${filterValue}"`) as string } } : {}),
    ...(sub ? { sub } : {}),
  };
}

/** The path as a SCIM client writes it in a PATCH operation or a filter. */
export function pathText(path: ScimPath): string {
  const prefix = path.schema ? `${path.schema}:` : '';
  const filter = path.filter ? `[${path.filter.attribute} eq ${JSON.stringify(path.filter.value)}]` : '';
  const sub = path.sub && path.kind !== 'complexValue' ? `.${path.sub}` : '';
  return `${prefix}${path.attribute}${filter}${sub}`;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A key of an object, matched case-insensitively as SCIM names are. */
export function keyOf(object: Json, name: string): string | undefined {
  if (name in object) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower);
}

function get(object: unknown, name: string): unknown {
  if (!isObject(object)) return undefined;
  const key = keyOf(object, name);
  return key === undefined ? undefined : object[key];
}

function container(resource: Json, path: ScimPath): unknown {
  return path.schema ? get(resource, path.schema) : resource;
}

function matches(item: unknown, filter: { attribute: string; value: string }): boolean {
  const value = get(item, filter.attribute);
  return typeof value === 'string' && value.toLowerCase() === filter.value.toLowerCase();
}

/** The raw JSON values at a path of a SCIM resource. */
export function readScimPath(resource: Json, path: ScimPath): unknown[] {
  const value = get(container(resource, path), path.attribute);
  if (value === undefined || value === null) return [];
  switch (path.kind) {
    case 'filtered':
      return (Array.isArray(value) ? value : [value]).filter((item) => matches(item, path.filter!)).map((item) => get(item, path.sub ?? 'value'));
    case 'subAttribute':
      return Array.isArray(value) ? value.map((item) => get(item, path.sub!)) : [get(value, path.sub!)];
    case 'complexValue':
      return (Array.isArray(value) ? value : [value]).map((item) => (isObject(item) ? get(item, 'value') : item));
    case 'multiValue':
      return (Array.isArray(value) ? value : [value]).map((item) => (isObject(item) ? get(item, 'value') : item));
    default:
      return Array.isArray(value) ? value : [value];
  }
}

function ensureContainer(resource: Json, path: ScimPath): Json {
  if (!path.schema) return resource;
  const key = keyOf(resource, path.schema) ?? path.schema;
  if (!isObject(resource[key])) resource[key] = {};
  return resource[key] as Json;
}

/**
 * Sets the values at a path of a resource (building it for a POST, or changing a GET for a PUT):
 * an empty list removes them. Siblings stay: other emails, other name parts.
 */
export function writeScimPath(resource: Json, path: ScimPath, values: AttributeValue[], multiValued: boolean): void {
  const target = ensureContainer(resource, path);
  const key = keyOf(target, path.attribute) ?? path.attribute;
  switch (path.kind) {
    case 'filtered': {
      const items = (Array.isArray(target[key]) ? (target[key] as unknown[]) : []).filter((item) => !matches(item, path.filter!));
      for (const value of values) items.push({ [path.filter!.attribute]: path.filter!.value, [path.sub ?? 'value']: value });
      if (items.length) target[key] = items;
      else delete target[key];
      return;
    }
    case 'subAttribute': {
      const current = isObject(target[key]) ? (target[key] as Json) : {};
      const subKey = keyOf(current, path.sub!) ?? path.sub!;
      if (values.length) current[subKey] = multiValued ? values : values[0];
      else delete current[subKey];
      if (Object.keys(current).length) target[key] = current;
      else delete target[key];
      return;
    }
    case 'complexValue':
      if (values.length) target[key] = multiValued ? values.map((value) => ({ value })) : { value: values[0] };
      else delete target[key];
      return;
    case 'multiValue':
      if (values.length) target[key] = values.map((value) => ({ value }));
      else delete target[key];
      return;
    default:
      if (values.length) target[key] = multiValued ? values : values[0];
      else delete target[key];
  }
}

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** RFC 7644 §3.5.2 operations for one value-level delta on a flat attribute. */
export function patchOperations(
  path: ScimPath,
  delta: { op: 'replace' | 'add' | 'remove'; values: AttributeValue[] },
  multiValued: boolean,
): PatchOperation[] {
  const text = pathText(path);
  const wrapped = path.kind === 'complexValue' || path.kind === 'multiValue';
  const asValue = (v: AttributeValue): unknown => (wrapped ? { value: v } : v);
  if (delta.op === 'replace') {
    if (delta.values.length === 0) {
      // a filtered path's whole entry goes: emails[type eq "work"], not only its value
      const removePath = path.kind === 'filtered' ? pathText({ ...path, sub: undefined }) : text;
      return [{ op: 'remove', path: removePath }];
    }
    return [{ op: 'replace', path: text, value: multiValued ? delta.values.map(asValue) : asValue(delta.values[0]!) }];
  }
  if (delta.op === 'add') return [{ op: 'add', path: text, value: delta.values.map(asValue) }];
  // remove values of a multi-valued attribute: by value filter when its entries are complex
  if (wrapped) return delta.values.map((v) => ({ op: 'remove' as const, path: `${text}[value eq ${JSON.stringify(String(v))}]` }));
  return [{ op: 'remove', path: text, value: delta.values }];
}

/** `<path> eq "<value>"` with the value escaped as a JSON string: a value cannot end the string early. */
export function equalityFilter(path: ScimPath, value: AttributeValue): string {
  const literal = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return `${pathText(path)} eq ${literal}`;
}
