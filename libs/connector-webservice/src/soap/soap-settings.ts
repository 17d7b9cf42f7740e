import { ConnectorError, type ConnectorErrorReason, type ObjectTypeBinding } from '@connector-host/connector-sdk';
import { httpConnectionProperties, httpUrlSchema, parseHttpConnection, type HttpConnection } from '../common/connection-settings';
import type { ObjectModel } from '../common/operations.connector';
import { attributesSchema, pagingSchema, pathSchema, sinceSchema, type OperationName, type OperationSpec, type PagingSettings } from '../common/operations';
import { bodyNames, compileBody } from '../common/template';
import { parseAttributeSettings, parsePathSetting, parseSince } from '../common/settings-parsing';
import type { ValuePath } from '../common/value-path';

export interface FaultRule {
  match: RegExp;
  reason: ConnectorErrorReason;
}

/** `connection` of a soap connector. */
export interface SoapConnectionSettings extends HttpConnection {
  wsdlUrl?: string;
  wsdlFile?: string;
  /** Where requests go; default: the address in the WSDL. */
  endpoint?: string;
  service?: string;
  port?: string;
  wsSecurity?: { username: string; password: string; passwordType: 'PasswordText' | 'PasswordDigest'; hasTimeStamp: boolean; hasNonce: boolean };
  faults: FaultRule[];
}

export interface SoapOperation extends OperationSpec {
  /** The WSDL operation name. */
  operation: string;
}

export type SoapObjectModel = ObjectModel<SoapOperation>;

const REASONS: ConnectorErrorReason[] = ['notFound', 'alreadyExists', 'invalidValue', 'schemaViolation', 'constraintViolation', 'permissionDenied', 'unsupported', 'unavailable', 'busy', 'timeout'];
const OPERATIONS: OperationName[] = ['list', 'get', 'create', 'update', 'delete', 'find'];

function operationSchema(name: OperationName): object {
  const properties: Record<string, unknown> = {
    operation: { type: 'string', minLength: 1, description: 'The WSDL operation.' },
    request: { description: 'The request arguments as a JSON template: "{attr}" takes the value, {$anchor}, {$page}, {$offset}, {$pageSize}, {$cursor}, {$since}, {$password} are the host\'s.' },
  };
  if (name === 'list' || name === 'find') properties.items = { ...pathSchema, description: 'Where the objects are in the result.' };
  if (name === 'list') {
    properties.paging = pagingSchema(false);
    properties.since = sinceSchema(false);
  }
  if (name === 'get' || name === 'create' || name === 'update') properties.response = { ...pathSchema, description: 'Where the object is in the result.' };
  if (name === 'update') properties.send = { enum: ['changed', 'whole'], description: 'changed attributes only (default) or the whole object.' };
  return { type: 'object', additionalProperties: false, required: ['operation'], properties };
}

export const soapSettingsSchema = {
  connection: {
    type: 'object',
    additionalProperties: false,
    properties: {
      wsdlUrl: { ...httpUrlSchema, description: 'Where the WSDL is (often <endpoint>?wsdl).' },
      wsdlFile: { type: 'string', minLength: 1, description: 'The WSDL as a file, relative to the config file.' },
      endpoint: { ...httpUrlSchema, description: "Where requests go; default: the WSDL's soap:address." },
      service: { type: 'string', minLength: 1, description: 'WSDL service (default: the first).' },
      port: { type: 'string', minLength: 1, description: 'WSDL port (default: the first of the service).' },
      wsSecurity: {
        description: 'WS-Security UsernameToken in every request header.',
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password'],
        properties: {
          username: { type: 'string', minLength: 1 },
          password: { type: 'string', writeOnly: true, description: 'Secret: use ${ENV}.' },
          passwordType: { enum: ['PasswordText', 'PasswordDigest'], description: 'Default PasswordDigest.' },
          hasTimeStamp: { type: 'boolean', description: 'Add a wsu:Timestamp (default true).' },
          hasNonce: { type: 'boolean', description: 'Add a Nonce to PasswordText tokens (digests always have one).' },
        },
      },
      faults: {
        description: 'SOAP faults to classify, first match wins: { match: <regular expression on "faultcode faultstring">, reason }. Unmatched Client faults are invalidValue, Server faults retryable.',
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['match', 'reason'],
          properties: { match: { type: 'string', minLength: 1 }, reason: { enum: REASONS } },
        },
      },
      ...httpConnectionProperties,
    },
    anyOf: [{ required: ['wsdlUrl'] }, { required: ['wsdlFile'] }],
    errorMessage: 'needs wsdlUrl or wsdlFile',
  },
  target: {
    type: 'object',
    additionalProperties: false,
    required: ['operations'],
    properties: {
      attributes: { ...attributesSchema, description: 'Attribute name → where it is in the object the operations return (JSON pointer or JSONPath). Default: every field the WSDL describes.' },
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
  return new ConnectorError('invalidValue', `soap connector settings: ${message}`);
}

function path(where: string, text: unknown): ValuePath | undefined {
  return parsePathSetting('soap', where, text);
}

export function parseSoapConnection(raw: Record<string, unknown>): SoapConnectionSettings {
  if (typeof raw.wsdlUrl !== 'string' && typeof raw.wsdlFile !== 'string') throw bad('connection needs wsdlUrl or wsdlFile');
  const ws = raw.wsSecurity as Record<string, unknown> | undefined;
  const faults = ((raw.faults ?? []) as Array<{ match: string; reason: ConnectorErrorReason }>).map((rule, i) => {
    try {
      return { match: new RegExp(rule.match, 'i'), reason: rule.reason };
    } catch {
      throw bad(`connection.faults[${i}].match is not a regular expression`);
    }
  });
  return {
    ...parseHttpConnection('soap', raw),
    ...(typeof raw.wsdlUrl === 'string' ? { wsdlUrl: raw.wsdlUrl } : {}),
    ...(typeof raw.wsdlFile === 'string' ? { wsdlFile: raw.wsdlFile } : {}),
    ...(typeof raw.endpoint === 'string' ? { endpoint: raw.endpoint } : {}),
    ...(typeof raw.service === 'string' ? { service: raw.service } : {}),
    ...(typeof raw.port === 'string' ? { port: raw.port } : {}),
    ...(ws
      ? {
          wsSecurity: {
            username: String(ws.username ?? ''),
            password: String(ws.password ?? ''),
            passwordType: ws.passwordType === 'PasswordText' ? 'PasswordText' : 'PasswordDigest',
            hasTimeStamp: ws.hasTimeStamp !== false,
            hasNonce: ws.hasNonce === true,
          },
        }
      : {}),
    faults,
  };
}

function parsePaging(where: string, raw: Record<string, unknown> | undefined): PagingSettings | undefined {
  if (!raw) return undefined;
  return {
    type: raw.type as PagingSettings['type'],
    firstPage: typeof raw.firstPage === 'number' ? raw.firstPage : 1,
    ...(typeof raw.pageSize === 'number' ? { pageSize: raw.pageSize } : {}),
    ...(raw.nextCursor !== undefined ? { nextCursor: path(`${where}.nextCursor`, raw.nextCursor) } : {}),
  };
}

function parseOperation(where: string, name: OperationName, raw: Record<string, unknown>): SoapOperation {
  let body;
  if (raw.request !== undefined) {
    try {
      body = compileBody(raw.request);
    } catch (error) {
      throw bad(`${where}.request: ${(error as Error).message}`);
    }
  }
  const names = body ? bodyNames(body) : [];
  const paging = parsePaging(`${where}.paging`, raw.paging as Record<string, unknown> | undefined);
  const since = parseSince(raw.since as Record<string, unknown> | undefined);
  if (since && !names.includes('$since')) throw bad(`${where}.since: the request must use {$since}`);
  return {
    name,
    where,
    operation: String(raw.operation),
    // a SOAP request has no address: what identifies the object is in the request itself
    addressNames: name === 'create' || name === 'update' ? [] : names,
    bodyNames: name === 'create' || name === 'update' ? names : [],
    ...(body ? { body } : {}),
    ...(raw.items !== undefined ? { items: path(`${where}.items`, raw.items) } : {}),
    ...(raw.response !== undefined ? { response: path(`${where}.response`, raw.response) } : {}),
    ...(paging ? { paging } : {}),
    ...(since ? { since } : {}),
    ...(name === 'update' ? { send: raw.send === 'whole' ? 'whole' : 'changed' } : {}),
  };
}

export function parseSoapObjectModel(binding: ObjectTypeBinding): SoapObjectModel {
  const where = `objectTypes.${binding.name}.target`;
  const rawOps = (binding.target.operations ?? {}) as Record<string, Record<string, unknown>>;
  const operations: Partial<Record<OperationName, SoapOperation>> = {};
  for (const name of OPERATIONS) if (rawOps[name]) operations[name] = parseOperation(`${where}.operations.${name}`, name, rawOps[name]);
  if (Object.keys(operations).length === 0) throw bad(`${where}.operations must name at least one operation`);
  const attributes = parseAttributeSettings('soap', `${where}.attributes`, binding.target.attributes);
  return { binding, where, operations, ...(attributes ? { attributes } : {}) };
}
