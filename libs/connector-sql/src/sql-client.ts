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

export type Query = (statement: SqlStatement) => Promise<QueryResult>;

/** One database, pooled where the driver pools: every statement goes through `query`. */
export interface SqlClient {
  query: Query;
  /**
   * Runs `work` on one connection inside a transaction: committed when it resolves, rolled back
   * when it throws. Statements of the transaction go through the `query` it is given.
   */
  transaction<T>(work: (query: Query) => Promise<T>): Promise<T>;
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

/** Prepared statements kept per SQLite connection: IN lists of every length must not grow it forever. */
const SQLITE_PREPARED_CACHE = 500;

/**
 * better-sqlite3: synchronous, one connection, prepared statements cached by text. That one
 * connection is shared, so statements are queued while a transaction is open: nothing else may run
 * inside it.
 */
class SqliteClient implements SqlClient {
  private db?: Database.Database;
  private readonly prepared = new Map<string, Database.Statement>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly settings: SqlConnectionSettings) {}

  query(statement: SqlStatement): Promise<QueryResult> {
    return this.exclusive(async () => this.execute(statement));
  }

  transaction<T>(work: (query: Query) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const db = this.open();
      // IMMEDIATE takes the write lock now: a busy database fails here, before anything is written.
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(async (statement) => this.execute(statement));
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private execute(statement: SqlStatement): QueryResult {
    const db = this.open();
    let prepared = this.prepared.get(statement.text);
    if (prepared) {
      // Most recently used last: the first key is the one to evict.
      this.prepared.delete(statement.text);
    } else {
      prepared = db.prepare(statement.text);
      if (this.prepared.size >= SQLITE_PREPARED_CACHE) this.prepared.delete(this.prepared.keys().next().value as string);
    }
    this.prepared.set(statement.text, prepared);
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

  async transaction<T>(work: (query: Query) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(async (statement) => {
        const r = await client.query({ text: statement.text, values: values(statement.params) });
        return { rows: r.rows as Row[], affectedRows: r.rowCount ?? 0 };
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot even roll back is dropped from the pool, not reused.
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
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

  query(statement: SqlStatement): Promise<QueryResult> {
    return MysqlClient.execute(this.pool, statement);
  }

  async transaction<T>(work: (query: Query) => Promise<T>): Promise<T> {
    const connection = await this.pool.getConnection();
    let broken = false;
    try {
      await connection.beginTransaction();
      const result = await work((statement) => MysqlClient.execute(connection, statement));
      await connection.commit();
      return result;
    } catch (error) {
      await connection.rollback().catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      // A connection that cannot even roll back is closed, not handed back to the pool.
      if (broken) connection.destroy();
      else connection.release();
    }
  }

  private static async execute(on: mysql.Pool | mysql.PoolConnection, statement: SqlStatement): Promise<QueryResult> {
    const [result] = await on.execute(statement.text, values(statement.params));
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
    return MssqlClient.execute(pool.request(), statement);
  }

  async transaction<T>(work: (query: Query) => Promise<T>): Promise<T> {
    const pool = await this.connect();
    const transaction = new mssql.Transaction(pool);
    await transaction.begin();
    try {
      const result = await work((statement) => MssqlClient.execute(new mssql.Request(transaction), statement));
      await transaction.commit();
      return result;
    } catch (error) {
      // The server may have rolled back already (XACT_ABORT, a deadlock victim): nothing left to do then.
      await transaction.rollback().catch(() => undefined);
      throw error;
    }
  }

  private static async execute(request: mssql.Request, statement: SqlStatement): Promise<QueryResult> {
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
