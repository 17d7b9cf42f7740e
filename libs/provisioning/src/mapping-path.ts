/**
 * Paths of the `scim:` mappings in config (`userName`, `name.givenName`,
 * `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:manager`): where a target attribute
 * lives in a SCIM resource. Only these forms are mappings; full SCIM paths are the scim lib's job.
 */
export const CORE_USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ecma2HostUrn = (objectType: string) => `urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:${objectType}`;

const CANONICAL = new Map(
  [
    'userName', 'name', 'formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix',
    'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'active',
    'emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'groups', 'entitlements', 'roles', 'x509Certificates',
    'externalId', 'value', 'type', 'primary', 'display', 'streetAddress', 'locality', 'region', 'postalCode', 'country',
    'employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager', 'members',
  ].map((name) => [name.toLowerCase(), name]),
);

const canonical = (name: string) => CANONICAL.get(name.toLowerCase()) ?? name;

export interface MappingPath {
  /** Key of the container object: undefined = top level (core), else an extension URN. */
  container?: string;
  attribute: string;
  /** `[type eq "work"]` on a multi-valued complex attribute. */
  filter?: { attribute: string; value: string };
  subAttribute?: string;
  text: string;
}

const PATH = /^([A-Za-z][\w$-]*)(?:\[\s*([A-Za-z][\w$-]*)\s+eq\s+"([^"]*)"\s*\])?(?:\.([A-Za-z][\w$-]*))?$/i;

export function parseMappingPath(text: string): MappingPath {
  let rest = text.trim();
  let container: string | undefined;
  for (const urn of [ENTERPRISE_USER_URN, CORE_USER_URN, CORE_GROUP_URN]) {
    if (rest.toLowerCase().startsWith(urn.toLowerCase() + ':')) {
      container = urn === ENTERPRISE_USER_URN ? urn : undefined;
      rest = rest.slice(urn.length + 1);
      break;
    }
  }
  const match = PATH.exec(rest);
  if (!match) throw new Error(`unsupported SCIM mapping path "${text}"`);
  const [, attribute, filterAttribute, filterValue, subAttribute] = match;
  const path: MappingPath = { container, attribute: canonical(attribute), text };
  if (filterAttribute) path.filter = { attribute: canonical(filterAttribute), value: filterValue };
  if (subAttribute) path.subAttribute = canonical(subAttribute);
  // `manager` is complex: a mapping to it means its `value`
  if (container === ENTERPRISE_USER_URN && path.attribute === 'manager' && !path.subAttribute) path.subAttribute = 'value';
  return path;
}

type Json = Record<string, unknown>;

function getKey(object: Json, key: string): unknown {
  if (key in object) return object[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(object)) if (k.toLowerCase() === lower) return object[k];
  return undefined;
}

/** The value(s) at a mapping path; undefined when absent. */
export function readPath(resource: Json, path: MappingPath): unknown {
  const container = path.container ? getKey(resource, path.container) : resource;
  if (!container || typeof container !== 'object') return undefined;
  const value = getKey(container as Json, path.attribute);
  if (value === undefined || value === null) return undefined;
  if (path.filter) {
    if (!Array.isArray(value)) return undefined;
    const filter = path.filter;
    const element = value.find(
      (e) => e && typeof e === 'object' && String(getKey(e as Json, filter.attribute) ?? '').toLowerCase() === filter.value.toLowerCase(),
    ) as Json | undefined;
    if (!element) return undefined;
    return path.subAttribute ? getKey(element, path.subAttribute) ?? undefined : element;
  }
  if (path.subAttribute) {
    if (typeof value !== 'object' || Array.isArray(value)) return undefined;
    return getKey(value as Json, path.subAttribute) ?? undefined;
  }
  return value;
}

/** Writes a value at a mapping path, creating containers and the filtered element as needed. */
export function writePath(resource: Json, path: MappingPath, value: unknown): void {
  let container = resource;
  if (path.container) {
    container = (resource[path.container] as Json | undefined) ?? {};
    resource[path.container] = container;
  }
  if (path.filter) {
    const list = Array.isArray(container[path.attribute]) ? (container[path.attribute] as Json[]) : [];
    container[path.attribute] = list;
    let element = list.find((e) => String(e[path.filter!.attribute] ?? '').toLowerCase() === path.filter!.value.toLowerCase());
    if (!element) {
      element = { [path.filter.attribute]: path.filter.value };
      if (path.filter.attribute === 'type' && list.length === 0) element.primary = true;
      list.push(element);
    }
    element[path.subAttribute ?? 'value'] = value;
    return;
  }
  if (path.subAttribute) {
    const inner = (container[path.attribute] as Json | undefined) ?? {};
    container[path.attribute] = inner;
    inner[path.subAttribute] = value;
    return;
  }
  container[path.attribute] = value;
}
