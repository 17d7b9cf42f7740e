import * as mssql from 'mssql';
import { ConnectorError } from '@connector-host/connector-sdk';
import { classifySqlError } from './sql-errors';
import type { SqlDialect } from './sql-settings';

function driverError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

function mssqlRequestError(message: string, number: number): Error {
  return Object.assign(new mssql.RequestError(message, 'EREQUEST'), { number });
}

const cases: Array<[SqlDialect, string, Error, ConnectorError['reason']]> = [
  // better-sqlite3 (SqliteError.code carries the extended result code)
  ['sqlite', 'primary key', driverError('UNIQUE constraint failed: Employees.ContosoLogin', { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }), 'alreadyExists'],
  ['sqlite', 'unique', driverError('UNIQUE constraint failed: Employees.Email', { code: 'SQLITE_CONSTRAINT_UNIQUE' }), 'alreadyExists'],
  ['sqlite', 'not null', driverError('NOT NULL constraint failed: Employees.FirstName', { code: 'SQLITE_CONSTRAINT_NOTNULL' }), 'constraintViolation'],
  ['sqlite', 'check', driverError('CHECK constraint failed: age', { code: 'SQLITE_CONSTRAINT_CHECK' }), 'constraintViolation'],
  ['sqlite', 'foreign key', driverError('FOREIGN KEY constraint failed', { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }), 'constraintViolation'],
  ['sqlite', 'strict type', driverError('cannot store TEXT value in INTEGER column', { code: 'SQLITE_CONSTRAINT_DATATYPE' }), 'invalidValue'],
  ['sqlite', 'busy', driverError('database is locked', { code: 'SQLITE_BUSY' }), 'busy'],
  ['sqlite', 'locked', driverError('database table is locked', { code: 'SQLITE_LOCKED_SHAREDCACHE' }), 'busy'],
  ['sqlite', 'cannot open', driverError('unable to open database file', { code: 'SQLITE_CANTOPEN' }), 'unavailable'],
  ['sqlite', 'read-only', driverError('attempt to write a readonly database', { code: 'SQLITE_READONLY' }), 'permissionDenied'],
  ['sqlite', 'no such column', driverError('no such column: Nope', { code: 'SQLITE_ERROR' }), 'schemaViolation'],
  ['sqlite', 'bad binding', new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null'), 'invalidValue'],
  // pg (DatabaseError.code is the SQLSTATE)
  ['postgres', '23505', driverError('duplicate key value violates unique constraint "Employees_pkey"', { code: '23505' }), 'alreadyExists'],
  ['postgres', '23502', driverError('null value in column "FirstName" violates not-null constraint', { code: '23502' }), 'constraintViolation'],
  ['postgres', '23514', driverError('new row violates check constraint', { code: '23514' }), 'constraintViolation'],
  ['postgres', '23503', driverError('insert or update violates foreign key constraint', { code: '23503' }), 'constraintViolation'],
  ['postgres', '22001', driverError('value too long for type character varying(50)', { code: '22001' }), 'invalidValue'],
  ['postgres', '22P02', driverError('invalid input syntax for type uuid', { code: '22P02' }), 'invalidValue'],
  ['postgres', '40P01', driverError('deadlock detected', { code: '40P01' }), 'busy'],
  ['postgres', '55P03', driverError('could not obtain lock on row', { code: '55P03' }), 'busy'],
  ['postgres', '57014', driverError('canceling statement due to statement timeout', { code: '57014' }), 'timeout'],
  ['postgres', '08006', driverError('connection failure', { code: '08006' }), 'unavailable'],
  ['postgres', '28P01', driverError('password authentication failed for user "x"', { code: '28P01' }), 'unavailable'],
  ['postgres', '57P01', driverError('terminating connection due to administrator command', { code: '57P01' }), 'unavailable'],
  ['postgres', 'ECONNREFUSED', driverError('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED', errno: -111 }), 'unavailable'],
  ['postgres', 'connect timeout', new Error('timeout expired'), 'timeout'],
  ['postgres', 'terminated', new Error('Connection terminated unexpectedly'), 'unavailable'],
  ['postgres', '42501', driverError('permission denied for table employees', { code: '42501' }), 'permissionDenied'],
  // mysql2 (errno is the server error number)
  ['mysql', '1062', driverError("Duplicate entry 'ada' for key 'PRIMARY'", { code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000' }), 'alreadyExists'],
  ['mysql', '1048', driverError("Column 'FirstName' cannot be null", { code: 'ER_BAD_NULL_ERROR', errno: 1048 }), 'constraintViolation'],
  ['mariadb', '1364', driverError("Field 'FirstName' doesn't have a default value", { code: 'ER_NO_DEFAULT_FOR_FIELD', errno: 1364 }), 'constraintViolation'],
  ['mariadb', '4025', driverError('CONSTRAINT `c` failed', { code: 'ER_CONSTRAINT_FAILED', errno: 4025 }), 'constraintViolation'],
  ['mysql', '1406', driverError("Data too long for column 'FirstName' at row 1", { code: 'ER_DATA_TOO_LONG', errno: 1406 }), 'invalidValue'],
  ['mysql', '1366', driverError('Incorrect integer value', { code: 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', errno: 1366 }), 'invalidValue'],
  ['mysql', '1213', driverError('Deadlock found when trying to get lock', { code: 'ER_LOCK_DEADLOCK', errno: 1213 }), 'busy'],
  ['mysql', '1205', driverError('Lock wait timeout exceeded', { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 }), 'busy'],
  ['mariadb', '1969', driverError('Query execution was interrupted (max_statement_time exceeded)', { errno: 1969 }), 'timeout'],
  ['mysql', '3024', driverError('maximum statement execution time exceeded', { errno: 3024 }), 'timeout'],
  ['mysql', '1045', driverError("Access denied for user 'x'@'localhost'", { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }), 'unavailable'],
  ['mysql', 'ECONNREFUSED', driverError('connect ECONNREFUSED 127.0.0.1:3306', { code: 'ECONNREFUSED', errno: -111 }), 'unavailable'],
  ['mysql', 'lost', driverError('Connection lost: The server closed the connection.', { code: 'PROTOCOL_CONNECTION_LOST' }), 'unavailable'],
  ['mysql', 'ETIMEDOUT', driverError('connect ETIMEDOUT', { code: 'ETIMEDOUT' }), 'timeout'],
  // mssql (RequestError.number is the server error number; ConnectionError.code the driver's)
  ['mssql', '2627', mssqlRequestError('Violation of PRIMARY KEY constraint', 2627), 'alreadyExists'],
  ['mssql', '2601', mssqlRequestError('Cannot insert duplicate key row', 2601), 'alreadyExists'],
  ['mssql', '515', mssqlRequestError("Cannot insert the value NULL into column 'FirstName'", 515), 'constraintViolation'],
  ['mssql', '547', mssqlRequestError('The INSERT statement conflicted with the CHECK constraint', 547), 'constraintViolation'],
  ['mssql', '8152', mssqlRequestError('String or binary data would be truncated.', 8152), 'invalidValue'],
  ['mssql', '2628', mssqlRequestError("String or binary data would be truncated in table 'Employees'", 2628), 'invalidValue'],
  ['mssql', '1205', mssqlRequestError('Transaction was deadlocked', 1205), 'busy'],
  ['mssql', 'ETIMEOUT', new mssql.RequestError('Timeout: Request failed to complete in 15000ms', 'ETIMEOUT'), 'timeout'],
  ['mssql', 'connect ETIMEOUT', new mssql.ConnectionError('Failed to connect in 15000ms', 'ETIMEOUT'), 'timeout'],
  ['mssql', 'ESOCKET', new mssql.ConnectionError('Failed to connect to host:1433 - Could not connect (sequence)', 'ESOCKET'), 'unavailable'],
  ['mssql', 'ELOGIN', new mssql.ConnectionError("Login failed for user 'sa'.", 'ELOGIN'), 'unavailable'],
];

describe('classifySqlError', () => {
  it.each(cases)('%s %s → %s', (dialect, _, error, reason) => {
    const classified = classifySqlError(dialect, error);
    expect(classified).toBeInstanceOf(ConnectorError);
    expect(classified.reason).toBe(reason);
    expect(classified.retryable).toBe(reason === 'busy' || reason === 'timeout' || reason === 'unavailable');
    expect(classified.cause).toBe(error);
    expect(classified.message).toContain(error.message);
  });

  it('reads the server error number wrapped by mssql', () => {
    const wrapped = Object.assign(new mssql.RequestError('Violation of UNIQUE KEY constraint', 'EREQUEST'), {
      number: undefined,
      originalError: Object.assign(new Error('Violation of UNIQUE KEY constraint'), { number: 2627 }),
    });
    expect(classifySqlError('mssql', wrapped).reason).toBe('alreadyExists');
  });

  it('keeps a ConnectorError as it is', () => {
    const error = new ConnectorError('notFound', 'gone');
    expect(classifySqlError('postgres', error)).toBe(error);
  });

  it('calls what it does not recognise unavailable (retryable)', () => {
    expect(classifySqlError('postgres', new Error('something odd'))).toMatchObject({ reason: 'unavailable', retryable: true });
    expect(classifySqlError('mysql', 'not even an Error')).toMatchObject({ reason: 'unavailable' });
  });
});

describe('classifySqlError across realms', () => {
  it('classifies a driver error created in another realm (not instanceof this realm\'s Error)', () => {
    // what better-sqlite3 throws in a second jest module registry: same shape, foreign prototype
    const foreign = require('node:vm').runInNewContext("Object.assign(new Error('UNIQUE constraint failed: Employees.ContosoLogin'), { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' })");
    expect(foreign instanceof Error).toBe(false);
    expect(classifySqlError('sqlite', foreign).reason).toBe('alreadyExists');
  });
});
