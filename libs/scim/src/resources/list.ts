/** Responses out: ListResponse, query parameters of a list request, and attribute projection (RFC 7644 §3.4.2, §3.9). */
import { ScimError } from '../errors';
import { parseAttributePath, type FilterLimits } from '../filter/filter.parser';
import { parseFilter } from '../filter/filter.parser';
import type { FilterNode } from '../filter/filter.types';
import type { ResourceSchema } from '../schemas/resource-schema';
import type { AttributeDefinition } from '../schemas/schema.types';
import { LIST_RESPONSE_URN } from '../urns';
import { isEmptyValue, isPlainObject, type ScimResource } from '../values';

// A type alias (not an interface) so the response is assignable to Record<string, unknown>.
export type ListResponse<T = ScimResource> = {
  schemas: [typeof LIST_RESPONSE_URN];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
};

/** A ListResponse; `itemsPerPage` defaults to the page's length, `startIndex` to 1, `totalResults` to the page's length. */
export function listResponse<T>(
  resources: readonly T[],
  page: { totalResults?: number; startIndex?: number; itemsPerPage?: number } = {},
): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_URN],
    totalResults: page.totalResults ?? resources.length,
    startIndex: page.startIndex ?? 1,
    itemsPerPage: page.itemsPerPage ?? resources.length,
    Resources: [...resources],
  };
}

export interface ListParams {
  /** The filter text, already checked: parsing it again cannot fail. */
  filter?: string;
  /** The same filter, parsed. */
  parsedFilter?: FilterNode;
  /** 1-based; values below 1 become 1 (RFC 7644 §3.4.2.4). */
  startIndex: number;
  /** 0..maxCount; negative becomes 0; absent becomes defaultCount. */
  count: number;
  attributes: string[];
  excludedAttributes: string[];
}

export interface ListParamsOptions {
  /** Upper bound of `count`; also ServiceProviderConfig `filter.maxResults`. Default 1000. */
  maxCount?: number;
  /** `count` when the client gives none. Default maxCount. */
  defaultCount?: number;
  filterLimits?: Partial<FilterLimits>;
}

type QueryValue = string | readonly string[] | undefined | null | unknown;

/**
 * Reads `filter`, `startIndex`, `count`, `attributes`, `excludedAttributes` from a parsed query string
 * (an object or URLSearchParams). Parameter names are case-insensitive (Entra sends `startindex`).
 */
export function parseListParams(query: URLSearchParams | Record<string, QueryValue>, options: ListParamsOptions = {}): ListParams {
  const maxCount = options.maxCount ?? 1000;
  const defaultCount = Math.min(options.defaultCount ?? maxCount, maxCount);
  const get = (name: string): string | undefined => {
    const lower = name.toLowerCase();
    if (query instanceof URLSearchParams) {
      for (const [key, value] of query) if (key.toLowerCase() === lower) return value;
      return undefined;
    }
    const key = Object.keys(query).find((candidate) => candidate.toLowerCase() === lower);
    const value = key === undefined ? undefined : query[key];
    const first = Array.isArray(value) ? (value[0] as unknown) : value;
    return typeof first === 'string' ? first : first === undefined || first === null ? undefined : String(first);
  };

  const params: ListParams = {
    startIndex: Math.max(1, integerParam('startIndex', get('startIndex')) ?? 1),
    count: Math.min(maxCount, Math.max(0, integerParam('count', get('count')) ?? defaultCount)),
    attributes: splitAttributeList(get('attributes')),
    excludedAttributes: splitAttributeList(get('excludedAttributes')),
  };
  const filter = get('filter');
  if (filter !== undefined && filter.trim() !== '') {
    params.parsedFilter = parseFilter(filter, options.filterLimits);
    params.filter = filter;
  }
  return params;
}

function integerParam(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^[+-]?\d+$/.test(text.trim())) throw ScimError.invalidValue(`"${name}" must be an integer`);
  const value = Number(text.trim());
  return Number.isSafeInteger(value) ? value : value > 0 ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
}

/** Splits `userName,emails[type eq "a,b"],urn:…:User:manager` on the commas outside brackets and quotes. */
export function splitAttributeList(text: string | undefined): string[] {
  if (text === undefined) return [];
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quoted) {
      if (char === '\\') i++;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === '[') depth++;
    else if (char === ']') depth = Math.max(0, depth - 1);
    else if (char === ',' && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  items.push(text.slice(start));
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

export interface Projection {
  attributes?: readonly string[];
  excludedAttributes?: readonly string[];
}

/** Requested or excluded names: whole schemas, whole attributes, single sub-attributes. */
interface Selection {
  schemas: Set<string>;
  attributes: Set<string>;
  subAttributes: Map<string, Set<string>>;
}

function select(names: readonly string[] | undefined, resourceSchema: ResourceSchema): Selection {
  const selection: Selection = { schemas: new Set(), attributes: new Set(), subAttributes: new Map() };
  for (const name of names ?? []) {
    let path;
    try {
      path = parseAttributePath(name);
    } catch {
      continue; // RFC 7644 §3.9 does not make an unknown name an error; it simply selects nothing.
    }
    const target = resourceSchema.resolve(path);
    if (target.kind === 'schema') selection.schemas.add(target.schemaUrn);
    if (target.kind !== 'attribute') continue;
    const key = `${target.schemaUrn}|${target.attribute.name}`;
    if (!target.subAttribute) selection.attributes.add(key);
    else selection.subAttributes.set(key, (selection.subAttributes.get(key) ?? new Set()).add(target.subAttribute.name));
  }
  return selection;
}

/**
 * Applies `attributes` / `excludedAttributes` (RFC 7644 §3.9) to a stored resource: `schemas`, `id` and
 * `meta` (returned: always) always stay; `returned: never` attributes (password, export_password)
 * never leave; `returned: request` ones only when asked for.
 */
export function projectAttributes(resource: ScimResource, projection: Projection, resourceSchema: ResourceSchema): ScimResource {
  const requested = projection.attributes && projection.attributes.length > 0 ? select(projection.attributes, resourceSchema) : undefined;
  const excluded = select(projection.excludedAttributes, resourceSchema);
  const result: ScimResource = {};
  for (const [key, value] of Object.entries(resource)) {
    const schema = key.toLowerCase().startsWith('urn:') ? resourceSchema.findSchema(key) : undefined;
    if (schema && schema !== resourceSchema.core) {
      if (!isPlainObject(value) || excluded.schemas.has(schema.id)) continue;
      const wholeSchema = requested?.schemas.has(schema.id) ?? false;
      const projected: Record<string, unknown> = {};
      for (const [name, attributeValue] of Object.entries(value)) {
        const definition = resourceSchema.findAttribute(schema.id, name);
        const kept = definition
          ? projectAttribute(schema.id, definition, attributeValue, requested, excluded, wholeSchema)
          : requested && !wholeSchema
            ? undefined
            : attributeValue;
        if (kept !== undefined) projected[name] = kept;
      }
      if (!isEmptyValue(projected)) result[key] = projected;
      continue;
    }
    const definition = resourceSchema.findAttribute(resourceSchema.core.id, key);
    if (!definition) {
      // Data this host does not describe: part of the default set, never of an explicit list.
      if (!requested) result[key] = value;
      continue;
    }
    const wholeSchema = requested?.schemas.has(resourceSchema.core.id) ?? false;
    const kept = projectAttribute(resourceSchema.core.id, definition, value, requested, excluded, wholeSchema);
    if (kept !== undefined) result[key] = kept;
  }
  return result;
}

function projectAttribute(
  schemaUrn: string,
  definition: AttributeDefinition,
  value: unknown,
  requested: Selection | undefined,
  excluded: Selection,
  wholeSchema: boolean,
): unknown {
  if (definition.returned === 'never') return undefined;
  if (definition.returned === 'always') return projectSubAttributes(definition, value, undefined, undefined);
  const key = `${schemaUrn}|${definition.name}`;
  if (requested) {
    if (requested.attributes.has(key) || (wholeSchema && definition.returned !== 'request')) {
      return projectSubAttributes(definition, value, undefined, excluded.subAttributes.get(key));
    }
    const subs = requested.subAttributes.get(key);
    if (!subs) return undefined;
    return projectSubAttributes(definition, value, subs, excluded.subAttributes.get(key));
  }
  if (definition.returned === 'request' || excluded.attributes.has(key)) return undefined;
  return projectSubAttributes(definition, value, undefined, excluded.subAttributes.get(key));
}

/** Keeps `only` sub-attributes (plus `returned: always` ones) when given, drops `without` and `returned: never`. */
function projectSubAttributes(
  definition: AttributeDefinition,
  value: unknown,
  only: ReadonlySet<string> | undefined,
  without: ReadonlySet<string> | undefined,
): unknown {
  if (definition.type !== 'complex' || !definition.subAttributes) return value;
  const project = (element: unknown): unknown => {
    if (!isPlainObject(element)) return element;
    const kept: Record<string, unknown> = {};
    for (const [name, subValue] of Object.entries(element)) {
      const sub = definition.subAttributes?.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
      if (sub?.returned === 'never') continue;
      const always = sub?.returned === 'always';
      if (!always && only && !(sub && only.has(sub.name))) continue;
      if (!always && without && sub && without.has(sub.name)) continue;
      if (!always && !only && sub?.returned === 'request') continue;
      kept[name] = subValue;
    }
    return isEmptyValue(kept) ? undefined : kept;
  };
  if (Array.isArray(value)) {
    const projected = value.map(project).filter((element) => element !== undefined);
    return projected.length > 0 ? projected : undefined;
  }
  return project(value);
}
