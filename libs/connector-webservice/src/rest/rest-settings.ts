import { ConnectorError, type ObjectTypeBinding } from '@connector-host/connector-sdk';
import { compileAt, httpConnectionProperties, httpUrlSchema, parseHttpConnection, type HttpConnection } from '../common/connection-settings';
import type { ObjectModel } from '../common/operations.connector';
import {
  attributesSchema,
  pagingSchema,
  pathSchema,
  sinceSchema,
  type OperationName,
  type OperationSpec,
  type PagingSettings,
} from '../common/operations';
import { bodyNames, compileBody, type CompiledTemplate } from '../common/template';
import { parseAttributeSettings, parsePathSetting, parseSince } from '../common/settings-parsing';
import type { ValuePath } from '../common/value-path';

/** `connection` of a rest connector. */
export interface RestConnectionSettings extends HttpConnection {
  baseUrl: URL;
  openApiFile?: string;
  openApiUrl?: string;
  /** Where the application's message is in its error bodies. */
  errorMessage?: ValuePath;
}

/** One REST operation: a URL template, a method, headers, a body template, where the answer's data is. */
export interface RestOperation extends OperationSpec {
  method: string;
  url: CompiledTemplate;
  headers: Array<[string, CompiledTemplate]>;
}

export type RestSchemaSource = { sample: Record<string, unknown> } | { openApi: string } | undefined;

export interface RestObjectModel extends ObjectModel<RestOperation> {
  schemaSource: RestSchemaSource;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const headersSchema = {
  type: 'object',
  description: 'Headers of this operation; values may hold {placeholders}.',
  propertyNames: { pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", errorMessage: 'is not a header name' },
  additionalProperties: { type: 'string' },
};
const urlSchema = {
  type: 'string',
  pattern: '^/(?!/)',
  description: 'Path (and query) under baseUrl, with {attribute} / {$variable} placeholders, each percent-encoded.',
  errorMessage: 'must be a path under baseUrl starting with / (e.g. /users/{id})',
};

function operationSchema(name: OperationName): object {
  const properties: Record<string, unknown> = {
    url: urlSchema,
    method: { enum: METHODS, description: 'HTTP method.' },
    headers: headersSchema,
  };
  if (name === 'list' || name === 'find') properties.items = { ...pathSchema, description: 'Where the array of objects is in the answer ("" = the answer is the array).' };
  if (name === 'list') {
    properties.paging = pagingSchema(true);
    properties.since = sinceSchema(true);
  }
  if (name === 'get' || name === 'create' || name === 'update') properties.response = { ...pathSchema, description: 'Where the object is in the answer ("" = the whole answer).' };
  if (name === 'create' || name === 'update' || name === 'list' || name === 'find') {
    properties.body = { description: 'JSON body template: "{attr}" takes the attribute\'s value (typed), text with {attr} inside is interpolated.' };
  }
  if (name === 'update') properties.send = { enum: ['changed', 'whole'], description: 'changed attributes only (default for PATCH) or the whole object (default for PUT).' };
  return { type: 'object', additionalProperties: false, required: ['url'], properties };
}

const OPERATIONS: OperationName[] = ['list', 'get', 'create', 'update', 'delete', 'find'];

/** JSON Schemas the config loader validates `connection` and `objectTypes.*.target` with. */
export const restSettingsSchema = {
  connection: {
    type: 'object',
    additionalProperties: false,
    required: ['baseUrl'],
    properties: {
      baseUrl: { ...httpUrlSchema, description: 'Root of the API; operation URLs are paths under it.' },
      ...httpConnectionProperties,
      openApiFile: { type: 'string', minLength: 1, description: 'OpenAPI document (JSON or YAML) for schema discovery, relative to the config file.' },
      openApiUrl: { type: 'string', minLength: 1, description: 'OpenAPI document URL (or path under baseUrl) for schema discovery.' },
      errorMessage: { ...pathSchema, description: "Where the application's message is in its error bodies (default: detail, message, error_description…)." },
    },
  },
  target: {
    type: 'object',
    additionalProperties: false,
    required: ['operations'],
    properties: {
      attributes: attributesSchema,
      schema: {
        description: 'Where attribute types come from: a sample object, or a schema of the OpenAPI document.',
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        maxProperties: 1,
        properties: {
          sample: { type: 'object', description: 'An object as the API returns it.' },
          openApi: { type: 'string', minLength: 1, description: 'Schema name in components.schemas (or definitions).' },
        },
      },
      operations: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: Object.fromEntries(OPERATIONS.map((name) => [name, operationSchema(name)])),
      },
    },
  },
};

function bad(message: string): ConnectorError {
  return new ConnectorError('invalidValue', `rest connector settings: ${message}`);
}

function path(where: string, text: unknown): ValuePath | undefined {
  return parsePathSetting('rest', where, text);
}

export function parseRestConnection(raw: Record<string, unknown>): RestConnectionSettings {
  const baseText = raw.baseUrl;
  if (typeof baseText !== 'string') throw bad('connection.baseUrl is required');
  let baseUrl: URL;
  try {
    baseUrl = new URL(baseText.replace(/\/+$/, ''));
  } catch {
    throw bad('connection.baseUrl is not a URL');
  }
  if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') throw bad('connection.baseUrl must be http or https');
  if (baseUrl.search || baseUrl.hash) throw bad('connection.baseUrl may not hold a query or a fragment');
  return {
    ...parseHttpConnection('rest', raw),
    baseUrl,
    ...(typeof raw.openApiFile === 'string' ? { openApiFile: raw.openApiFile } : {}),
    ...(typeof raw.openApiUrl === 'string' ? { openApiUrl: raw.openApiUrl } : {}),
    ...(raw.errorMessage !== undefined ? { errorMessage: path('connection.errorMessage', raw.errorMessage) } : {}),
  };
}

function parsePaging(where: string, raw: Record<string, unknown> | undefined): PagingSettings | undefined {
  if (!raw) return undefined;
  return {
    type: raw.type as PagingSettings['type'],
    firstPage: typeof raw.firstPage === 'number' ? raw.firstPage : 1,
    ...(typeof raw.pageSize === 'number' ? { pageSize: raw.pageSize } : {}),
    ...(typeof raw.pageParam === 'string' ? { pageParam: raw.pageParam } : {}),
    ...(typeof raw.offsetParam === 'string' ? { offsetParam: raw.offsetParam } : {}),
    ...(typeof raw.sizeParam === 'string' ? { sizeParam: raw.sizeParam } : {}),
    ...(typeof raw.cursorParam === 'string' ? { cursorParam: raw.cursorParam } : {}),
    ...(raw.nextCursor !== undefined ? { nextCursor: path(`${where}.nextCursor`, raw.nextCursor) } : {}),
  };
}

const DEFAULT_METHOD: Record<OperationName, string> = { list: 'GET', find: 'GET', get: 'GET', create: 'POST', update: 'PATCH', delete: 'DELETE' };

function parseOperation(where: string, name: OperationName, raw: Record<string, unknown>): RestOperation {
  const method = typeof raw.method === 'string' ? raw.method.toUpperCase() : DEFAULT_METHOD[name];
  const url = compileAt(`${where}.url`, String(raw.url ?? ''));
  if (!url.source.startsWith('/') || url.source.startsWith('//')) throw bad(`${where}.url must be a path under baseUrl starting with /`);
  const headers = Object.entries((raw.headers ?? {}) as Record<string, string>).map(
    ([header, value]) => [header.toLowerCase(), compileAt(`${where}.headers.${header}`, value)] as [string, CompiledTemplate],
  );
  let body;
  if (raw.body !== undefined) {
    try {
      body = compileBody(raw.body);
    } catch (error) {
      throw bad(`${where}.body: ${(error as Error).message}`);
    }
  }
  const paging = parsePaging(`${where}.paging`, raw.paging as Record<string, unknown> | undefined);
  const since = parseSince(raw.since as Record<string, unknown> | undefined);
  if (paging?.type === 'page' && !paging.pageParam) throw bad(`${where}.paging: page paging needs pageParam`);
  if (paging?.type === 'offset' && !paging.offsetParam) throw bad(`${where}.paging: offset paging needs offsetParam`);
  if (paging?.type === 'cursor' && (!paging.cursorParam || !paging.nextCursor)) throw bad(`${where}.paging: cursor paging needs cursorParam and nextCursor`);
  return {
    name,
    where,
    method,
    url,
    headers,
    addressNames: [...url.names, ...headers.flatMap(([, t]) => t.names)],
    bodyNames: body ? bodyNames(body) : [],
    ...(body ? { body } : {}),
    ...(raw.items !== undefined ? { items: path(`${where}.items`, raw.items) } : {}),
    ...(raw.response !== undefined ? { response: path(`${where}.response`, raw.response) } : {}),
    ...(paging ? { paging } : {}),
    ...(since ? { since } : {}),
    ...(name === 'update' ? { send: raw.send === 'whole' || raw.send === 'changed' ? raw.send : method === 'PUT' ? 'whole' : 'changed' } : {}),
  };
}

export function parseRestObjectModel(binding: ObjectTypeBinding): RestObjectModel {
  const where = `objectTypes.${binding.name}.target`;
  const raw = binding.target;
  const operations: Partial<Record<OperationName, RestOperation>> = {};
  const rawOps = (raw.operations ?? {}) as Record<string, Record<string, unknown>>;
  for (const name of OPERATIONS) {
    if (rawOps[name]) operations[name] = parseOperation(`${where}.operations.${name}`, name, rawOps[name]);
  }
  if (Object.keys(operations).length === 0) throw bad(`${where}.operations must name at least one operation`);
  const schema = raw.schema as { sample?: Record<string, unknown>; openApi?: string } | undefined;
  const attributes = parseAttributeSettings('rest', `${where}.attributes`, raw.attributes);
  return {
    binding,
    where,
    operations,
    ...(attributes ? { attributes } : {}),
    schemaSource: schema?.sample ? { sample: schema.sample } : schema?.openApi ? { openApi: schema.openApi } : undefined,
  };
}
