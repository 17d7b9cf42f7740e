/**
 * Values between the host (strings, numbers, booleans, ISO dates, base64) and LDAP (octet strings
 * in the attribute's syntax).
 */
import { type AttributeValue, ConnectorError } from '@connector-host/connector-sdk';
import type { ResolvedAttribute } from './ldap-subschema';

type Syntax = Pick<ResolvedAttribute, 'type' | 'codec'>;

export function fromLdap(syntax: Syntax | undefined, raw: string | Buffer): AttributeValue {
  if (syntax?.codec === 'guid') return guidToText(Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1'));
  if (syntax?.codec === 'hex') return (Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1')).toString('hex');
  if (syntax?.codec === 'base64') return (Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8')).toString('base64');
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
  switch (syntax?.type) {
    case 'integer': {
      const n = Number(text);
      return /^-?\d+$/.test(text.trim()) && Number.isSafeInteger(n) ? n : text;
    }
    case 'boolean':
      return text.toUpperCase() === 'TRUE' ? true : text.toUpperCase() === 'FALSE' ? false : text;
    case 'dateTime':
      return generalizedTimeToIso(text) ?? text;
    default:
      return text;
  }
}

export function toLdap(syntax: Syntax | undefined, value: AttributeValue, attribute: string): string | Buffer {
  const bad = (what: string): ConnectorError => new ConnectorError('invalidValue', `attribute "${attribute}": ${what}`);
  if (syntax?.codec === 'guid') {
    const buffer = textToGuid(String(value));
    if (!buffer) throw bad('not a GUID');
    return buffer;
  }
  if (syntax?.codec === 'hex') {
    if (!/^[0-9a-fA-F]*$/.test(String(value)) || String(value).length % 2) throw bad('not hexadecimal');
    return Buffer.from(String(value), 'hex');
  }
  if (syntax?.codec === 'base64') {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/=\s]*$/.test(value)) throw bad('must be base64');
    return Buffer.from(value, 'base64');
  }
  switch (syntax?.type) {
    case 'integer':
      if (typeof value === 'number' ? !Number.isInteger(value) : !/^\s*-?\d+\s*$/.test(String(value))) throw bad('must be an integer');
      return String(value).trim();
    case 'boolean':
      if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
      if (/^(true|false)$/i.test(String(value))) return String(value).toUpperCase();
      throw bad('must be a boolean');
    case 'dateTime': {
      const time = isoToGeneralizedTime(String(value));
      if (!time) throw bad('must be an ISO 8601 date-time');
      return time;
    }
    default:
      return String(value);
  }
}

/** `20240102030405Z`, `20240102030405.123Z`, `202401020304+0100`, UTC time `240102030405Z` → ISO 8601. */
export function generalizedTimeToIso(text: string): string | undefined {
  const g = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)$/.exec(text.trim());
  const u = g ? undefined : /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/.exec(text.trim());
  if (!g && !u) return undefined;
  const [year, month, day, hour, minute, second, fraction, zone] = g
    ? [g[1], g[2], g[3], g[4], g[5] ?? '00', g[6] ?? '00', g[7] ?? '', g[8]]
    : [String(Number(u![1]) >= 50 ? 1900 + Number(u![1]) : 2000 + Number(u![1])), u![2], u![3], u![4], u![5], u![6] ?? '00', '', u![7]];
  const offset = zone === 'Z' ? 'Z' : `${zone!.slice(0, 3)}:${zone!.slice(3, 5) || '00'}`;
  const ms = fraction ? `.${(fraction + '000').slice(0, 3)}` : '';
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${ms}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** ISO 8601 (any offset) → `YYYYMMDDHHMMSSZ` in UTC, with `.fff` when there are milliseconds. */
export function isoToGeneralizedTime(text: string): string | undefined {
  const time = Date.parse(text);
  if (Number.isNaN(time)) return undefined;
  const iso = new Date(time).toISOString(); // 2024-01-02T03:04:05.678Z
  const ms = iso.slice(20, 23);
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}${ms === '000' ? '' : `.${ms}`}Z`;
}

/** AD's GUID text: the first three groups are little-endian. */
export function guidToText(buffer: Buffer): string {
  if (buffer.length !== 16) return buffer.toString('hex');
  const hex = (start: number, end: number, reverse: boolean): string => {
    const part = [...buffer.subarray(start, end)];
    return (reverse ? part.reverse() : part).map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

export function textToGuid(text: string): Buffer | undefined {
  const m = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i.exec(text.trim());
  if (!m) return undefined;
  const le = (hex: string): number[] => (hex.match(/../g) ?? []).map((b) => parseInt(b, 16)).reverse();
  const be = (hex: string): number[] => (hex.match(/../g) ?? []).map((b) => parseInt(b, 16));
  return Buffer.from([...le(m[1]!), ...le(m[2]!), ...le(m[3]!), ...be(m[4]!), ...be(m[5]!)]);
}
