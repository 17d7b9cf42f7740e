import type { ConnectorConfig, HostConfig, ObjectTypeConfig } from './config.types';

/** Keys whose values are secrets: never logged, never echoed in an error. */
export const SECRET_KEY = /password|passwd|pwd|secret|token|credential|key/i;

export const REDACTED = '***';

export function isSecretKey(key: string | number): boolean {
  return typeof key === 'string' && SECRET_KEY.test(key);
}

/**
 * A copy of the config fit for logs and the CLI: secret tokens and their hashes, secret-looking keys in
 * `connection` and `target` (at any depth) and credentials inside URLs or connection strings
 * replaced by `***`.
 */
export function redactConfig(config: HostConfig): HostConfig {
  return {
    ...config,
    server: { ...config.server, ...(config.server.tls ? { tls: { ...config.server.tls } } : {}) },
    logging: { ...config.logging },
    redis: {
      ...config.redis,
      ...(config.redis.url === undefined ? {} : { url: redactCredentialsInText(config.redis.url) }),
    },
    connectors: config.connectors.map(redactConnector),
  };
}

function redactConnector(connector: ConnectorConfig): ConnectorConfig {
  return {
    ...connector,
    ...(connector.secretToken === undefined ? {} : { secretToken: REDACTED }),
    // a hash is not the token, but a sha256 of a short token can be guessed offline
    ...(connector.secretTokenHash === undefined ? {} : { secretTokenHash: REDACTED }),
    ...(connector.jwt ? { jwt: { ...connector.jwt } } : {}),
    ...(connector.rateLimit ? { rateLimit: { ...connector.rateLimit } } : {}),
    connection: redactSettings(connector.connection),
    runProfiles: { ...connector.runProfiles },
    objectTypes: connector.objectTypes.map(
      (objectType): ObjectTypeConfig => ({
        ...objectType,
        queryAttributes: [...objectType.queryAttributes],
        dn: { ...objectType.dn },
        ...(objectType.attributes === undefined ? {} : { attributes: [...objectType.attributes] }),
        scimMappings: { ...objectType.scimMappings },
        deprovisioning: { disable: { ...objectType.deprovisioning.disable }, delete: { ...objectType.deprovisioning.delete } },
        target: redactSettings(objectType.target),
      }),
    ),
  };
}

function redactSettings(settings: Record<string, unknown>): Record<string, unknown> {
  return redactValue(settings) as Record<string, unknown>;
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (typeof value === 'string') return redactCredentialsInText(value);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, isSecretKey(key) ? REDACTED : redactValue(inner)]),
    );
  }
  return value;
}

/** `scheme://user:pass@host` → `scheme://user:***@host`; `Password=x;` → `Password=***;`. */
export function redactCredentialsInText(text: string): string {
  return text
    .replace(/(\/\/[^/:@\s]*:)[^@\s]*@/g, `$1${REDACTED}@`)
    .replace(/((?:password|pwd|secret|token)\s*=\s*)[^;]*/gi, `$1${REDACTED}`);
}
