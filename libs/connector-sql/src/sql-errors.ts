import { ConnectorError, ConnectorErrorReason, isConnectorError } from '@connector-host/connector-sdk';
import type { SqlDialect } from './sql-settings';

type DriverError = Error & {
  code?: unknown;
  errno?: unknown;
  number?: unknown;
  sqlState?: unknown;
  originalError?: unknown;
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);

/**
 * Duck-typed, not `instanceof Error`: better-sqlite3's native binding keeps the error class of the
 * first realm that loaded it, so in another realm (a second jest module registry, a vm context)
 * its errors are not `instanceof` that realm's Error, yet carry `code` and `message` all the same.
 */
function asDriverError(error: unknown): DriverError | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string'
    ? (error as DriverError)
    : undefined;
}

/** Node socket errors every driver surfaces the same way. */
function networkReason(error: DriverError): ConnectorErrorReason | undefined {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && NETWORK_CODES.has(code)) return 'unavailable';
  if (code === 'ETIMEDOUT') return 'timeout';
  // AggregateError (happy eyeballs) wraps one socket error per address.
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner)) {
    for (const e of inner) {
      const sub = asDriverError(e);
      const reason = sub && networkReason(sub);
      if (reason) return reason;
    }
  }
  return undefined;
}

function sqliteReason(error: DriverError): ConnectorErrorReason | undefined {
  const code = typeof error.code === 'string' ? error.code : '';
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'alreadyExists';
  if (code === 'SQLITE_CONSTRAINT_DATATYPE') return 'invalidValue';
  if (code.startsWith('SQLITE_CONSTRAINT')) return 'constraintViolation';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code === 'SQLITE_TOOBIG' || code === 'SQLITE_MISMATCH' || code === 'SQLITE_RANGE') return 'invalidValue';
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') return 'permissionDenied';
  if (/^SQLITE_(CANTOPEN|IOERR|NOTADB|CORRUPT|FULL|NOMEM|PROTOCOL)/.test(code)) return 'unavailable';
  if (code === 'SQLITE_INTERRUPT') return 'timeout';
  if (code === 'SQLITE_ERROR' && /no such (table|column)/i.test(error.message)) return 'schemaViolation';
  // better-sqlite3 refuses to bind an unsupported JavaScript value with a TypeError.
  if (error instanceof TypeError && /bind/i.test(error.message)) return 'invalidValue';
  return undefined;
}

function postgresReason(error: DriverError): ConnectorErrorReason | undefined {
  const state = typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code) ? error.code : undefined;
  if (state) {
    if (state === '23505') return 'alreadyExists';
    if (state.startsWith('23')) return 'constraintViolation'; // 23502 not null, 23503 FK, 23514 check, 23P01 exclusion
    if (state.startsWith('22')) return 'invalidValue'; // data exceptions: bad format, too long, out of range
    if (state === '40P01' || state === '40001' || state === '55P03' || state === '55006') return 'busy';
    if (state === '53300' || state === '53400') return 'busy'; // too many connections
    if (state === '57014') return 'timeout'; // statement_timeout
    if (state.startsWith('08') || state.startsWith('28') || /^57P0[1-3]$/.test(state) || state === '3D000') return 'unavailable';
    if (state === '42501') return 'permissionDenied';
    if (state === '42P01' || state === '42703') return 'schemaViolation';
  }
  if (/timeout expired|connection timeout/i.test(error.message)) return 'timeout';
  if (/connection terminated|Client has encountered a connection error|not queryable/i.test(error.message)) return 'unavailable';
  return undefined;
}

const MYSQL_ERRNO: Record<number, ConnectorErrorReason> = {
  1062: 'alreadyExists', // ER_DUP_ENTRY
  1586: 'alreadyExists', // ER_DUP_ENTRY_WITH_KEY_NAME
  1048: 'constraintViolation', // ER_BAD_NULL_ERROR
  1364: 'constraintViolation', // ER_NO_DEFAULT_FOR_FIELD
  1451: 'constraintViolation', // ER_ROW_IS_REFERENCED_2
  1452: 'constraintViolation', // ER_NO_REFERENCED_ROW_2
  3819: 'constraintViolation', // MySQL check constraint
  4025: 'constraintViolation', // MariaDB ER_CONSTRAINT_FAILED
  1406: 'invalidValue', // ER_DATA_TOO_LONG
  1366: 'invalidValue', // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
  1292: 'invalidValue', // ER_TRUNCATED_WRONG_VALUE
  1264: 'invalidValue', // ER_WARN_DATA_OUT_OF_RANGE
  1265: 'invalidValue', // WARN_DATA_TRUNCATED
  1367: 'invalidValue', // ER_ILLEGAL_VALUE_FOR_TYPE
  1411: 'invalidValue', // ER_WRONG_VALUE_FOR_TYPE
  1213: 'busy', // ER_LOCK_DEADLOCK
  1205: 'busy', // ER_LOCK_WAIT_TIMEOUT
  1040: 'busy', // ER_CON_COUNT_ERROR
  1203: 'busy', // ER_TOO_MANY_USER_CONNECTIONS
  1969: 'timeout', // MariaDB max_statement_time exceeded
  3024: 'timeout', // MySQL max_execution_time exceeded
  1045: 'unavailable', // ER_ACCESS_DENIED_ERROR (login)
  1049: 'unavailable', // ER_BAD_DB_ERROR
  1053: 'unavailable', // ER_SERVER_SHUTDOWN
  2002: 'unavailable',
  2003: 'unavailable',
  2006: 'unavailable',
  2013: 'unavailable',
  1044: 'permissionDenied', // ER_DBACCESS_DENIED_ERROR
  1142: 'permissionDenied', // ER_TABLEACCESS_DENIED_ERROR
  1143: 'permissionDenied', // ER_COLUMNACCESS_DENIED_ERROR
  1054: 'schemaViolation', // ER_BAD_FIELD_ERROR
  1146: 'schemaViolation', // ER_NO_SUCH_TABLE
};

function mysqlReason(error: DriverError): ConnectorErrorReason | undefined {
  if (typeof error.errno === 'number' && MYSQL_ERRNO[error.errno]) return MYSQL_ERRNO[error.errno];
  const code = typeof error.code === 'string' ? error.code : '';
  if (code === 'PROTOCOL_SEQUENCE_TIMEOUT') return 'timeout';
  if (code === 'PROTOCOL_CONNECTION_LOST' || code === 'ER_CON_COUNT_ERROR' || /^PROTOCOL_/.test(code)) return 'unavailable';
  return undefined;
}

const MSSQL_NUMBER: Record<number, ConnectorErrorReason> = {
  2627: 'alreadyExists', // unique / primary key constraint
  2601: 'alreadyExists', // unique index
  515: 'constraintViolation', // NULL into NOT NULL column
  547: 'constraintViolation', // FK / check conflict
  8152: 'invalidValue', // string or binary data would be truncated
  2628: 'invalidValue', // … truncated in table, column (SQL Server 2019+)
  245: 'invalidValue', // conversion failed
  8114: 'invalidValue', // error converting data type
  241: 'invalidValue', // date conversion
  242: 'invalidValue', // datetime out of range
  220: 'invalidValue', // arithmetic overflow
  8115: 'invalidValue', // arithmetic overflow converting
  1205: 'busy', // deadlock victim
  1222: 'busy', // lock request time out
  40501: 'busy', // Azure: service busy
  18456: 'unavailable', // login failed
  4060: 'unavailable', // cannot open database
  40613: 'unavailable', // Azure: database not available
  40197: 'unavailable', // Azure: service error processing request
  229: 'permissionDenied',
  230: 'permissionDenied',
  207: 'schemaViolation', // invalid column name
  208: 'schemaViolation', // invalid object name
};

function mssqlReason(error: DriverError): ConnectorErrorReason | undefined {
  const original = asDriverError(error.originalError);
  const number = typeof error.number === 'number' ? error.number : typeof original?.number === 'number' ? original.number : undefined;
  if (number !== undefined && MSSQL_NUMBER[number]) return MSSQL_NUMBER[number];
  const code = typeof error.code === 'string' ? error.code : typeof original?.code === 'string' ? original.code : '';
  if (code === 'ETIMEOUT') return 'timeout';
  if (code === 'ESOCKET' || code === 'ECONNCLOSED' || code === 'ELOGIN' || code === 'ENOTOPEN' || code === 'ENOCONN') return 'unavailable';
  if (code === 'EINSTLOOKUP') return 'unavailable';
  return original ? networkReason(original) : undefined;
}

/**
 * Turns a driver error into a ConnectorError. Errors nobody recognises count as `unavailable`
 * (retryable): the contract has no "internal" reason, and a retry is cheaper than a wrong 4xx.
 */
export function classifySqlError(dialect: SqlDialect, error: unknown): ConnectorError {
  if (isConnectorError(error)) return error;
  const driverError = asDriverError(error);
  const message = driverError?.message ?? String(error);
  let reason: ConnectorErrorReason | undefined;
  if (driverError) {
    switch (dialect) {
      case 'sqlite':
        reason = sqliteReason(driverError);
        break;
      case 'postgres':
        reason = postgresReason(driverError);
        break;
      case 'mysql':
      case 'mariadb':
        reason = mysqlReason(driverError);
        break;
      case 'mssql':
        reason = mssqlReason(driverError);
        break;
    }
    reason ??= networkReason(driverError);
  }
  return new ConnectorError(reason ?? 'unavailable', `${dialect}: ${message}`, { cause: error });
}
