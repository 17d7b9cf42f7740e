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

/**
 * `objectTypes.*.target.members`: a multi-valued reference attribute kept in a membership table,
 * one row per (group, member) pair.
 */
export interface SqlMembershipSettings {
  table: string;
  /** Column holding the group's anchor. */
  groupColumn: string;
  /** Column holding the member's anchor. */
  memberColumn: string;
  /** The virtual attribute's name. Default `members`. */
  attribute: string;
  /** Object types whose anchors the member column holds. Default: every object type of the connector. */
  referenceTo?: string[];
}

/** `objectTypes.*.target` block of a `sql` connector. */
export interface SqlTargetSettings {
  table: string;
  /** Column that grows on every change (rowversion, updated-at, sequence): enables delta import. */
  watermarkColumn?: string;
  /** Group object types: the membership table behind the members attribute. */
  members?: SqlMembershipSettings;
  /** Columns holding another object's anchor (`Manager: User`): discovered as `reference` attributes. */
  references?: Record<string, string[]>;
}

export const DEFAULT_MEMBERS_ATTRIBUTE = 'members';

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
      members: {
        type: 'object',
        additionalProperties: false,
        required: ['table', 'groupColumn', 'memberColumn'],
        description:
          'Group object types: the membership table behind the multi-valued members attribute, one row per (group, member). ' +
          'A membership change made outside the host shows up in a delta import of the group only when it moves the group row\'s watermark (a trigger), else at the next full import.',
        properties: {
          table: { type: 'string', minLength: 1, description: 'Membership table: one row per (group, member) pair.' },
          groupColumn: { type: 'string', minLength: 1, description: "Column of the membership table holding the group's anchor." },
          memberColumn: { type: 'string', minLength: 1, description: "Column of the membership table holding the member's anchor." },
          attribute: { type: 'string', minLength: 1, default: DEFAULT_MEMBERS_ATTRIBUTE, description: 'Name of the members attribute. Default: members.' },
          referenceTo: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string', minLength: 1 },
            description: 'Object types of this connector whose anchors the member column holds. Default: every object type of the connector.',
          },
        },
      },
      references: {
        type: 'object',
        description:
          "Columns holding another object's anchor, e.g. Manager: User. Each becomes a reference attribute naming those object types of this connector.",
        propertyNames: { minLength: 1 },
        additionalProperties: {
          oneOf: [
            { type: 'string', minLength: 1 },
            { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
          ],
        },
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

function nameList(value: unknown): string[] | undefined {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v !== '')) return undefined;
  return [...new Set(list as string[])];
}

/**
 * Shapes one object type's `target` block. `objectTypes` are the connector's object type names:
 * a reference to any other type is refused here, naming the key.
 */
export function parseTargetSettings(objectType: string, raw: Record<string, unknown>, objectTypes: readonly string[] = [objectType]): SqlTargetSettings {
  const key = `objectTypes.${objectType}.target`;
  const table = raw.table;
  if (typeof table !== 'string' || table === '') throw bad(`${key}.table must be a table name`);
  const name = (value: unknown, at: string, what = 'a column name'): string => {
    if (typeof value !== 'string' || value === '') throw bad(`${key}.${at} must be ${what}`);
    return value;
  };
  const known = (types: string[], at: string): string[] => {
    const unknown = types.filter((t) => !objectTypes.includes(t));
    if (unknown.length) throw bad(`${key}.${at} names ${unknown.join(', ')}, not an object type of this connector (${objectTypes.join(', ')})`);
    return types;
  };
  const settings: SqlTargetSettings = { table };
  if (raw.watermarkColumn !== undefined) settings.watermarkColumn = name(raw.watermarkColumn, 'watermarkColumn');
  if (raw.members !== undefined) {
    const members = raw.members;
    if (typeof members !== 'object' || members === null || Array.isArray(members)) throw bad(`${key}.members must be an object`);
    const m = members as Record<string, unknown>;
    let referenceTo: string[] | undefined;
    if (m.referenceTo !== undefined) {
      referenceTo = nameList(m.referenceTo);
      if (!referenceTo) throw bad(`${key}.members.referenceTo must be a list of object type names`);
      known(referenceTo, 'members.referenceTo');
    }
    settings.members = {
      table: name(m.table, 'members.table', 'a table name'),
      groupColumn: name(m.groupColumn, 'members.groupColumn'),
      memberColumn: name(m.memberColumn, 'members.memberColumn'),
      attribute: m.attribute === undefined ? DEFAULT_MEMBERS_ATTRIBUTE : name(m.attribute, 'members.attribute', 'an attribute name'),
      ...(referenceTo ? { referenceTo } : {}),
    };
  }
  if (raw.references !== undefined) {
    const references = raw.references;
    if (typeof references !== 'object' || references === null || Array.isArray(references)) {
      throw bad(`${key}.references must be an object: column -> object type(s)`);
    }
    settings.references = {};
    for (const [column, to] of Object.entries(references)) {
      const types = nameList(to);
      if (!types) throw bad(`${key}.references.${column} must be an object type name or a list of them`);
      settings.references[column] = known(types, `references.${column}`);
    }
  }
  return settings;
}
