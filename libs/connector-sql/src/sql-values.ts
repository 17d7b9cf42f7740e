import { AttributeType, AttributeValue, ConnectorError } from '@connector-host/connector-sdk';
import type { SqlDialect } from './sql-settings';

/** A value as a driver binds it. */
export type DbValue = string | number | boolean | bigint | Buffer | Date | null;

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function invalid(attribute: string, type: AttributeType): ConnectorError {
  // The value itself stays out of the message: it may be personal data.
  return new ConnectorError('invalidValue', `attribute "${attribute}" needs a ${type} value`);
}

function toBoolean(value: AttributeValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
  }
  return undefined;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` in UTC: what MySQL's DATETIME accepts (it refuses the `T…Z` form). */
function mysqlDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** Converts one host value to what the dialect's driver binds for a column of this type. */
export function toDbValue(dialect: SqlDialect, type: AttributeType, attribute: string, value: AttributeValue): DbValue {
  switch (type) {
    case 'boolean': {
      const b = toBoolean(value);
      if (b === undefined) throw invalid(attribute, type);
      // SQLite and MySQL keep booleans as 0/1 (better-sqlite3 cannot bind a boolean at all).
      return dialect === 'sqlite' || dialect === 'mysql' || dialect === 'mariadb' ? (b ? 1 : 0) : b;
    }
    case 'integer': {
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'string' && INTEGER.test(value.trim())) {
        const n = Number(value);
        return Number.isSafeInteger(n) ? n : value.trim();
      }
      throw invalid(attribute, type);
    }
    case 'decimal': {
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && DECIMAL.test(value.trim())) {
        return dialect === 'mssql' || dialect === 'sqlite' ? Number(value) : value.trim();
      }
      throw invalid(attribute, type);
    }
    case 'dateTime': {
      if (typeof value !== 'string' || value.trim() === '') throw invalid(attribute, type);
      const date = new Date(value);
      if (Number.isNaN(date.getTime())) throw invalid(attribute, type);
      switch (dialect) {
        case 'mssql':
          return date;
        case 'mysql':
        case 'mariadb':
          return mysqlDateTime(date);
        default:
          return date.toISOString();
      }
    }
    case 'binary': {
      if (typeof value !== 'string') throw invalid(attribute, type);
      const compact = value.replace(/\s+/g, '');
      if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw invalid(attribute, type);
      return Buffer.from(compact, 'base64');
    }
    case 'string':
    case 'reference':
      return typeof value === 'string' ? value : String(value);
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const NO_ZONE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const SHORT_OFFSET = /([+-]\d{2})$/;

/** Database date text (no zone = UTC, as this connector writes it) to an ISO-8601 string. */
export function isoDateTime(text: string): string {
  let candidate = text.trim();
  if (DATE_ONLY.test(candidate)) candidate = `${candidate}T00:00:00Z`;
  else if (NO_ZONE.test(candidate)) candidate = `${candidate.replace(' ', 'T')}Z`;
  else candidate = candidate.replace(' ', 'T').replace(SHORT_OFFSET, '$1:00');
  const date = new Date(candidate);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

function toNumber(raw: unknown): number | string | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number.isSafeInteger(Number(raw)) ? Number(raw) : raw.toString();
  if (typeof raw === 'string' && DECIMAL.test(raw.trim())) {
    const n = Number(raw);
    // Integers beyond 2^53 stay exact as text rather than silently rounded.
    return INTEGER.test(raw.trim()) && !Number.isSafeInteger(n) ? raw.trim() : n;
  }
  return undefined;
}

/** Converts what a driver returned for a column to the host's value list (NULL = empty list). */
export function fromDbValue(type: AttributeType, raw: unknown): AttributeValue[] {
  if (raw === null || raw === undefined) return [];
  switch (type) {
    case 'boolean':
      if (typeof raw === 'boolean') return [raw];
      if (typeof raw === 'number' || typeof raw === 'bigint') return [Number(raw) !== 0];
      if (Buffer.isBuffer(raw)) return [raw.some((byte) => byte !== 0)];
      if (typeof raw === 'string') return [/^(1|t|true|y|yes)$/i.test(raw.trim())];
      break;
    case 'integer':
    case 'decimal': {
      const n = toNumber(raw);
      if (n !== undefined) return [n];
      break;
    }
    case 'dateTime':
      if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? [] : [raw.toISOString()];
      if (typeof raw === 'string') return [isoDateTime(raw)];
      break;
    case 'binary':
      if (raw instanceof Uint8Array) return [Buffer.from(raw).toString('base64')];
      break;
    default:
      break;
  }
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
    return [type === 'string' || type === 'reference' ? String(raw) : raw];
  }
  if (typeof raw === 'bigint') return [raw.toString()];
  if (raw instanceof Date) return [raw.toISOString()];
  if (raw instanceof Uint8Array) return [Buffer.from(raw).toString('base64')];
  return [JSON.stringify(raw)];
}

/** A key value (anchor) as text. */
export function keyText(raw: unknown): string {
  if (raw instanceof Date) return raw.toISOString();
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
  return String(raw);
}

/**
 * A watermark value as the persisted text. It keeps the database's own form (PostgreSQL and MySQL
 * date text with every fractional digit), so that comparing the text again loses nothing.
 */
export function watermarkText(raw: unknown): string {
  if (raw instanceof Date) return raw.toISOString();
  if (raw instanceof Uint8Array) return `0x${Buffer.from(raw).toString('hex')}`;
  return String(raw);
}

/** Persisted watermark text back to a bindable value. */
export function watermarkParam(dialect: SqlDialect, type: AttributeType, text: string): DbValue {
  if (type === 'binary' && /^0x[0-9a-f]*$/i.test(text)) return Buffer.from(text.slice(2), 'hex');
  if (dialect === 'mssql') {
    if (type === 'dateTime') return new Date(text);
    if (type === 'integer' || type === 'decimal') {
      const n = Number(text);
      return Number.isSafeInteger(n) || (type === 'decimal' && Number.isFinite(n)) ? n : text;
    }
  }
  return text;
}
