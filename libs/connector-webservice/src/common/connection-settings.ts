import { readFileSync } from 'node:fs';
import { ConnectorError } from '@connector-host/connector-sdk';
import type { AuthSettings } from './auth';
import type { HttpClientSettings } from './http-client';
import { compileTemplate, type CompiledTemplate } from './template';

/**
 * The HTTP side of a web-service connection, shared by the rest, soap and scim types: where the
 * target is, how to authenticate, timeouts, TLS. JSON Schema fragments here; each type's
 * settings schema composes them.
 */
const AUTH_TYPES = ['none', 'bearer', 'basic', 'apiKey', 'oauth2'] as const;
const AUTH_KEYS: Record<(typeof AUTH_TYPES)[number], string[]> = {
  none: [],
  bearer: ['token'],
  basic: ['username', 'password'],
  apiKey: ['header', 'key'],
  oauth2: ['tokenUrl', 'clientId', 'clientSecret', 'scope', 'audience', 'clientAuth'],
};
const AUTH_REQUIRED: Record<(typeof AUTH_TYPES)[number], string[]> = {
  none: [],
  bearer: ['token'],
  basic: ['username', 'password'],
  apiKey: ['key'],
  oauth2: ['tokenUrl', 'clientId', 'clientSecret'],
};

export const httpUrlSchema = { type: 'string', pattern: '^https?://[^\\s/?#]+', errorMessage: 'must be an http:// or https:// URL' };

export const authSchema = {
  description: 'How requests authenticate: none, bearer, basic, apiKey (a header) or oauth2 (client credentials).',
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { enum: [...AUTH_TYPES] },
    token: { type: 'string', minLength: 1, writeOnly: true, description: 'bearer: the token. Secret: use ${ENV}.' },
    username: { type: 'string', minLength: 1, description: 'basic: user name.' },
    password: { type: 'string', writeOnly: true, description: 'basic: password. Secret: use ${ENV}.' },
    header: { type: 'string', pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$', description: 'apiKey: header name (default X-API-Key).' },
    key: { type: 'string', minLength: 1, writeOnly: true, description: 'apiKey: the key. Secret: use ${ENV}.' },
    tokenUrl: { ...httpUrlSchema, description: 'oauth2: the token endpoint.' },
    clientId: { type: 'string', minLength: 1 },
    clientSecret: { type: 'string', minLength: 1, writeOnly: true, description: 'oauth2: secret. Use ${ENV}.' },
    scope: { type: 'string' },
    audience: { type: 'string' },
    clientAuth: { enum: ['basic', 'body'], description: 'oauth2: client credentials in a Basic header (default) or in the form body.' },
  },
  allOf: AUTH_TYPES.map((type) => ({
    if: { required: ['type'], properties: { type: { const: type } } },
    then: {
      required: AUTH_REQUIRED[type],
      propertyNames: { enum: ['type', ...AUTH_KEYS[type]], errorMessage: `is not a setting of ${type} auth (${['type', ...AUTH_KEYS[type]].join(', ')})` },
    },
    errorMessage: `does not fit auth type ${type}`,
  })),
};

/** Connection properties every web-service type shares. */
export const httpConnectionProperties = {
  auth: authSchema,
  headers: {
    description: 'Headers sent with every request (placeholders not allowed here).',
    type: 'object',
    additionalProperties: { type: 'string' },
  },
  timeoutMs: { type: 'integer', minimum: 1, description: 'Longest one exchange with the target may take (default 15000). Keep it under server.deadlineSeconds.' },
  maxConnections: { type: 'integer', minimum: 1, description: 'Sockets kept open to the target (default 32).' },
  maxResponseBytes: { type: 'integer', minimum: 1024, description: 'Largest answer accepted (default 16 MiB).' },
  caFile: { type: 'string', minLength: 1, description: 'PEM file of the CA(s) to trust for https (relative to the config file).' },
  tls: {
    type: 'object',
    additionalProperties: false,
    properties: {
      rejectUnauthorized: { type: 'boolean', description: 'Default true; false accepts any certificate (test benches only).' },
      serverName: { type: 'string', minLength: 1, description: 'Certificate name to expect when it differs from the URL host.' },
    },
  },
} as const;

export interface HttpConnection {
  http: HttpClientSettings;
  auth: AuthSettings;
  headers: Record<string, string>;
}

function bad(type: string, message: string): ConnectorError {
  return new ConnectorError('invalidValue', `${type} connector settings: connection.${message}`);
}

/** Shapes the HTTP part of a validated `connection` block. */
export function parseHttpConnection(type: string, raw: Record<string, unknown>): HttpConnection {
  const integer = (key: string, fallback: number): number => {
    const value = raw[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw bad(type, `${key} must be a positive integer`);
    return value;
  };
  let ca: string | undefined;
  if (raw.caFile !== undefined) {
    if (typeof raw.caFile !== 'string') throw bad(type, 'caFile must be a file name');
    try {
      ca = readFileSync(raw.caFile, 'utf8');
    } catch (error) {
      throw bad(type, `caFile cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const tls = (raw.tls ?? {}) as { rejectUnauthorized?: boolean; serverName?: string };
  const headers = (raw.headers ?? {}) as Record<string, string>;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) throw bad(type, `headers.${name} must be one line of text`);
  }
  return {
    http: {
      timeoutMs: integer('timeoutMs', 15000),
      maxConnections: integer('maxConnections', 32),
      maxResponseBytes: integer('maxResponseBytes', 16 * 1024 * 1024),
      tls: { rejectUnauthorized: tls.rejectUnauthorized !== false, ...(ca ? { ca } : {}), ...(tls.serverName ? { serverName: tls.serverName } : {}) },
    },
    auth: parseAuth(type, raw.auth),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
  };
}

function parseAuth(type: string, raw: unknown): AuthSettings {
  if (raw === undefined) return { type: 'none' };
  const a = raw as Record<string, unknown>;
  const text = (key: string): string => {
    const value = a[key];
    if (typeof value !== 'string' || value === '') throw bad(type, `auth.${key} is required for auth type ${String(a.type)}`);
    return value;
  };
  switch (a.type) {
    case 'none':
      return { type: 'none' };
    case 'bearer':
      return { type: 'bearer', token: text('token') };
    case 'basic':
      return { type: 'basic', username: text('username'), password: typeof a.password === 'string' ? a.password : '' };
    case 'apiKey':
      return { type: 'apiKey', header: typeof a.header === 'string' && a.header ? a.header : 'X-API-Key', key: text('key') };
    case 'oauth2':
      return {
        type: 'oauth2',
        tokenUrl: text('tokenUrl'),
        clientId: text('clientId'),
        clientSecret: text('clientSecret'),
        ...(typeof a.scope === 'string' && a.scope ? { scope: a.scope } : {}),
        ...(typeof a.audience === 'string' && a.audience ? { audience: a.audience } : {}),
        clientAuth: a.clientAuth === 'body' ? 'body' : 'basic',
      };
    default:
      throw bad(type, `auth.type must be one of ${AUTH_TYPES.join(', ')}`);
  }
}

/** Compiles a template, naming the settings key it came from when it is malformed. */
export function compileAt(where: string, source: string): CompiledTemplate {
  try {
    return compileTemplate(source);
  } catch (error) {
    throw new ConnectorError('invalidValue', `${where}: ${(error as Error).message}`);
  }
}
