import { ConnectorError } from '@connector-host/connector-sdk';

export type SqlDialect = 'sqlite' | 'postgres' | 'mysql' | 'mariadb' | 'mssql';
export const SQL_DIALECTS: readonly SqlDialect[] = ['sqlite', 'postgres', 'mysql', 'mariadb', 'mssql'];

/** `connection` block of a `sql` connector. */
export interface SqlConnectionSettings {
  dialect: SqlDialect;
  /** SQLite database file (relative paths are resolved by the host). */
  file?: string;
  /** `postgres://…`, `mysql://…`, `mssql://…` or a SQL Server connection string (`Server=…;Database=…`). */
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  /** Secret. */
  password?: string;
  database?: string;
  /** PostgreSQL / SQL Server schema of the tables; default: the session's current schema. */
  schema?: string;
  /** Passed to the driver as is (pg Pool config, mysql2 pool options, mssql `options`). */
  options?: Record<string, unknown>;
  pool?: { max?: number };
  /** Server-side statement timeout; SQLite: how long to wait for a lock. */
  statementTimeoutMs?: number;
  /** How long to wait for a new connection. Default 10 000. */
  connectTimeoutMs?: number;
}

/** `objectTypes.*.target` block of a `sql` connector. */
export interface SqlTargetSettings {
  table: string;
  /** Column that grows on every change (rowversion, updated-at, sequence): enables delta import. */
  watermarkColumn?: string;
}

const positiveInteger = { type: 'integer', minimum: 1 } as const;

/** JSON Schemas the config loader validates `connection` and `target` with. */
export const sqlSettingsSchema = {
  connection: {
    type: 'object',
    additionalProperties: false,
    required: ['dialect'],
    properties: {
      dialect: { enum: [...SQL_DIALECTS], description: 'Database kind.' },
      file: { type: 'string', minLength: 1, description: 'SQLite database file.' },
      url: { type: 'string', minLength: 1, description: 'Connection URL or SQL Server connection string. May hold a secret.' },
      host: { type: 'string', minLength: 1 },
      port: { type: 'integer', minimum: 1, maximum: 65535 },
      user: { type: 'string' },
      password: { type: 'string', writeOnly: true, description: 'Secret: use ${ENV} interpolation.' },
      database: { type: 'string' },
      schema: { type: 'string', minLength: 1, description: 'PostgreSQL / SQL Server schema of the tables.' },
      options: { type: 'object', description: 'Driver options, passed as is.' },
      pool: {
        type: 'object',
        additionalProperties: false,
        properties: { max: positiveInteger },
      },
      statementTimeoutMs: positiveInteger,
      connectTimeoutMs: positiveInteger,
    },
    allOf: [
      {
        if: { properties: { dialect: { const: 'sqlite' } } },
        then: { required: ['file'] },
        else: { anyOf: [{ required: ['url'] }, { required: ['host'] }] },
      },
    ],
  },
  target: {
    type: 'object',
    additionalProperties: false,
    required: ['table'],
    properties: {
      table: { type: 'string', minLength: 1, description: 'Table or view holding this object type.' },
      watermarkColumn: {
        type: 'string',
        minLength: 1,
        description: 'Column that grows on every change; enables delta import.',
      },
    },
  },
};

function bad(message: string): ConnectorError {
  return new ConnectorError('invalidValue', `sql connector settings: ${message}`);
}

function optionalString(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw bad(`${key} must be a string`);
  return value;
}

function optionalPositiveInteger(value: unknown, key: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw bad(`${key} must be a positive integer`);
  return value;
}

/** Shapes the validated `connection` block (the loader validated it; this only guards the types). */
export function parseConnectionSettings(raw: Record<string, unknown>): SqlConnectionSettings {
  const dialect = raw.dialect;
  if (typeof dialect !== 'string' || !SQL_DIALECTS.includes(dialect as SqlDialect)) {
    throw bad(`dialect must be one of ${SQL_DIALECTS.join(', ')}`);
  }
  const settings: SqlConnectionSettings = {
    dialect: dialect as SqlDialect,
    file: optionalString(raw, 'file'),
    url: optionalString(raw, 'url'),
    host: optionalString(raw, 'host'),
    port: optionalPositiveInteger(raw.port, 'port'),
    user: optionalString(raw, 'user'),
    password: optionalString(raw, 'password'),
    database: optionalString(raw, 'database'),
    schema: optionalString(raw, 'schema'),
    statementTimeoutMs: optionalPositiveInteger(raw.statementTimeoutMs, 'statementTimeoutMs'),
    connectTimeoutMs: optionalPositiveInteger(raw.connectTimeoutMs, 'connectTimeoutMs'),
  };
  if (raw.options !== undefined) {
    if (typeof raw.options !== 'object' || raw.options === null || Array.isArray(raw.options)) {
      throw bad('options must be an object');
    }
    settings.options = raw.options as Record<string, unknown>;
  }
  if (raw.pool !== undefined) {
    if (typeof raw.pool !== 'object' || raw.pool === null) throw bad('pool must be an object');
    settings.pool = { max: optionalPositiveInteger((raw.pool as Record<string, unknown>).max, 'pool.max') };
  }
  if (settings.dialect === 'sqlite' && !settings.file) throw bad('dialect sqlite needs file');
  if (settings.dialect !== 'sqlite' && !settings.url && !settings.host) {
    throw bad(`dialect ${settings.dialect} needs url or host`);
  }
  return settings;
}

export function parseTargetSettings(objectType: string, raw: Record<string, unknown>): SqlTargetSettings {
  const table = raw.table;
  if (typeof table !== 'string' || table === '') throw bad(`objectTypes.${objectType}.target.table must be a table name`);
  const watermarkColumn = raw.watermarkColumn;
  if (watermarkColumn !== undefined && (typeof watermarkColumn !== 'string' || watermarkColumn === '')) {
    throw bad(`objectTypes.${objectType}.target.watermarkColumn must be a column name`);
  }
  return { table, watermarkColumn: watermarkColumn as string | undefined };
}
