import Database from 'better-sqlite3';
import * as mssql from 'mssql';
import * as mysql from 'mysql2/promise';
import { Pool as PgPool, types as pgTypes } from 'pg';
import type { ConnectorLogger } from '@connector-host/connector-sdk';
import type { SqlConnectionSettings } from './sql-settings';
import type { SqlParam, SqlStatement } from './sql-statements';
import type { DbValue } from './sql-values';

export type Row = Record<string, unknown>;

export interface QueryResult {
  rows: Row[];
  /** Rows written by INSERT / UPDATE / DELETE. */
  affectedRows: number;
  /** MySQL AUTO_INCREMENT value of an INSERT. */
  insertId?: number | string;
}

/** One database, pooled where the driver pools: every statement goes through `query`. */
export interface SqlClient {
  query(statement: SqlStatement): Promise<QueryResult>;
  close(): Promise<void>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10000;

export function createSqlClient(settings: SqlConnectionSettings, logger: ConnectorLogger): SqlClient {
  switch (settings.dialect) {
    case 'sqlite':
      return new SqliteClient(settings);
    case 'postgres':
      return new PostgresClient(settings, logger);
    case 'mysql':
    case 'mariadb':
      return new MysqlClient(settings, logger);
    case 'mssql':
      return new MssqlClient(settings, logger);
  }
}

function values(params: SqlParam[]): DbValue[] {
  return params.map((p) => p.value);
}

/** better-sqlite3: synchronous, one connection, prepared statements cached by text. */
class SqliteClient implements SqlClient {
  private db?: Database.Database;
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(private readonly settings: SqlConnectionSettings) {}

  async query(statement: SqlStatement): Promise<QueryResult> {
    const db = this.open();
    let prepared = this.prepared.get(statement.text);
    if (!prepared) {
      prepared = db.prepare(statement.text);
      this.prepared.set(statement.text, prepared);
    }
    const params = values(statement.params);
    if (prepared.reader) {
      const rows = prepared.all(...params) as Row[];
      return { rows, affectedRows: rows.length };
    }
    const result = prepared.run(...params);
    return { rows: [], affectedRows: result.changes };
  }

  async close(): Promise<void> {
    this.prepared.clear();
    this.db?.close();
    this.db = undefined;
  }

  private open(): Database.Database {
    if (!this.db) {
      // fileMustExist: a typo in the path is an error, not a new empty database.
      this.db = new Database(this.settings.file as string, {
        fileMustExist: true,
        timeout: this.settings.statementTimeoutMs ?? 5000,
      });
    }
    return this.db;
  }
}

// date, timestamp, timestamptz stay text: no precision lost, and watermarks compare exactly.
const PG_RAW_TYPES = new Set<number>([1082, 1114, 1184]);

class PostgresClient implements SqlClient {
  private readonly pool: PgPool;

  constructor(settings: SqlConnectionSettings, logger: ConnectorLogger) {
    this.pool = new PgPool({
      ...(settings.url
        ? { connectionString: settings.url }
        : { host: settings.host, port: settings.port, user: settings.user, password: settings.password, database: settings.database }),
      max: settings.pool?.max ?? 10,
      connectionTimeoutMillis: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      ...(settings.statementTimeoutMs ? { statement_timeout: settings.statementTimeoutMs } : {}),
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          PG_RAW_TYPES.has(oid) ? (value: string) => value : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser,
      },
      ...settings.options,
    });
    // An idle client losing its connection must not crash the process.
    this.pool.on('error', (error) => logger.warn('postgres pool connection failed', { error: error.message }));
  }

  async query(statement: SqlStatement): Promise<QueryResult> {
    const result = await this.pool.query({ text: statement.text, values: values(statement.params) });
    return { rows: result.rows as Row[], affectedRows: result.rowCount ?? 0 };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A connection of mysql2's callback API, as the pool's `connection` event hands it over. */
interface CallbackConnection {
  query(sql: string, callback: (error: Error | null) => void): void;
}

class MysqlClient implements SqlClient {
  private readonly pool: mysql.Pool;

  constructor(settings: SqlConnectionSettings, logger: ConnectorLogger) {
    const url = settings.url?.replace(/^mariadb:/i, 'mysql:');
    this.pool = mysql.createPool({
      ...(url
        ? { uri: url }
        : { host: settings.host, port: settings.port, user: settings.user, password: settings.password, database: settings.database }),
      connectionLimit: settings.pool?.max ?? 10,
      connectTimeout: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      // Dates as the server's text (exact, zone-free); big numbers as text rather than rounded.
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      ...settings.options,
    });
    const session = ['SET time_zone = "+00:00"'];
    if (settings.statementTimeoutMs) {
      session.push(
        settings.dialect === 'mariadb'
          ? `SET SESSION max_statement_time = ${settings.statementTimeoutMs / 1000}`
          : `SET SESSION max_execution_time = ${Math.floor(settings.statementTimeoutMs)}`,
      );
    }
    this.pool.on('connection', (connection) => {
      const raw = connection as unknown as CallbackConnection;
      for (const sql of session) {
        raw.query(sql, (error) => {
          if (error) logger.warn('mysql session setting failed', { statement: sql, error: error.message });
        });
      }
    });
  }

  async query(statement: SqlStatement): Promise<QueryResult> {
    const [result] = await this.pool.execute(statement.text, values(statement.params));
    if (Array.isArray(result)) return { rows: result as Row[], affectedRows: 0 };
    const header = result as mysql.ResultSetHeader;
    return { rows: [], affectedRows: header.affectedRows, insertId: header.insertId };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** SQL Server parameter type for a column type, so that an index on a varchar column is still used. */
export function mssqlParamType(sqlType: string | undefined, value: DbValue): (() => mssql.ISqlType) | undefined {
  if (value === null || sqlType === undefined) return undefined;
  const t = sqlType.toLowerCase();
  if (typeof value === 'string') {
    if (/^(varchar|char|text)$/.test(t)) return mssql.VarChar;
    if (t === 'uniqueidentifier') return mssql.UniqueIdentifier;
    if (/^(bigint|int|smallint|tinyint)$/.test(t)) return mssql.BigInt;
    if (/^(decimal|numeric|money|smallmoney)$/.test(t)) return mssql.NVarChar; // converted exactly by the server
    return mssql.NVarChar;
  }
  if (value instanceof Date) return t === 'datetimeoffset' ? mssql.DateTimeOffset : mssql.DateTime2;
  if (Buffer.isBuffer(value)) return mssql.VarBinary;
  if (typeof value === 'number' && /^(bigint|int|smallint|tinyint)$/.test(t)) return mssql.BigInt;
  return undefined;
}

/** `mssql://user:password@host:port/database?encrypt=true&trustServerCertificate=true` to a config. */
export function mssqlConfigFromUrl(url: string): mssql.config {
  const parsed = new URL(url);
  const options: Record<string, unknown> = {};
  for (const [key, value] of parsed.searchParams) {
    options[key] = value === 'true' ? true : value === 'false' ? false : value;
  }
  return {
    server: decodeURIComponent(parsed.hostname),
    port: parsed.port ? Number(parsed.port) : undefined,
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database: parsed.pathname.length > 1 ? decodeURIComponent(parsed.pathname.slice(1)) : undefined,
    options,
  };
}

function mssqlConfig(settings: SqlConnectionSettings): mssql.config {
  let base: mssql.config;
  if (settings.url && /^(mssql|sqlserver):\/\//i.test(settings.url)) base = mssqlConfigFromUrl(settings.url);
  else if (settings.url) base = mssql.ConnectionPool.parseConnectionString(settings.url);
  else {
    base = {
      server: settings.host as string,
      port: settings.port,
      user: settings.user,
      password: settings.password,
      database: settings.database,
    };
  }
  return {
    ...base,
    options: { ...base.options, ...settings.options },
    pool: { ...base.pool, max: settings.pool?.max ?? base.pool?.max ?? 10 },
    connectionTimeout: settings.connectTimeoutMs ?? base.connectionTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS,
    requestTimeout: settings.statementTimeoutMs ?? base.requestTimeout,
  };
}

class MssqlClient implements SqlClient {
  private readonly pool: mssql.ConnectionPool;
  private connecting?: Promise<mssql.ConnectionPool>;

  constructor(settings: SqlConnectionSettings, logger: ConnectorLogger) {
    this.pool = new mssql.ConnectionPool(mssqlConfig(settings));
    this.pool.on('error', (error: Error) => logger.warn('mssql pool error', { error: error.message }));
  }

  async query(statement: SqlStatement): Promise<QueryResult> {
    const pool = await this.connect();
    const request = pool.request();
    statement.params.forEach((param, index) => {
      const type = mssqlParamType(param.sqlType, param.value);
      if (type) request.input(`p${index + 1}`, type, param.value);
      else request.input(`p${index + 1}`, param.value);
    });
    const result = await request.query(statement.text);
    return {
      rows: (result.recordset ?? []) as Row[],
      affectedRows: result.rowsAffected.reduce((sum, n) => sum + n, 0),
    };
  }

  async close(): Promise<void> {
    this.connecting = undefined;
    await this.pool.close();
  }

  private connect(): Promise<mssql.ConnectionPool> {
    if (!this.connecting) {
      // A failed first connection is retried by the next call.
      this.connecting = this.pool.connect().catch((error: unknown) => {
        this.connecting = undefined;
        throw error;
      });
    }
    return this.connecting;
  }
}
