/**
 * Attribute values: type coercion for what clients send (Entra sends `"True"` for booleans), emptiness
 * (RFC 7643 §2.5: unassigned, null and [] are the same state) and comparison.
 */
import { ScimError } from './errors';
import { findSubAttribute, type AttributeDefinition } from './schemas/schema.types';

export type ScimResource = Record<string, unknown>;

/** A JSON object (from this realm or another: jest runs specs in a vm context). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/** Unassigned: undefined, null, "", [], or an object/array holding nothing but empty values. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.every(isEmptyValue);
  if (isPlainObject(value)) return Object.values(value).every(isEmptyValue);
  return false;
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A deep copy of JSON data (objects, arrays, scalars). */
export function deepClone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(deepClone) as T;
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) copy[key] = deepClone(entry);
    return copy as T;
  }
  return value;
}

/** An instant with more precision than a JS Date: Entra writes seven fractional digits. */
export interface Instant {
  epochMs: number;
  /** Nanoseconds within the millisecond, 0..999999. */
  subMsNanos: number;
}

const DATE_TIME =
  /^(-?\d{4,})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses xsd:dateTime (and a bare date, which Entra sends for date-typed target attributes). */
export function parseDateTime(text: string): Instant | undefined {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone] = match;
  const numbers = [Number(month), Number(day), Number(hour), Number(minute), Number(second)];
  const [mo, d, h, mi, s] = numbers as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(Number(year), mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  if (date.getUTCDate() !== d && h !== 24) return undefined;
  let offsetMinutes = 0;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  const nanos = Number((fraction + '000000000').slice(0, 9));
  const epochMs = date.getTime() - offsetMinutes * 60_000 + Math.floor(nanos / 1_000_000);
  if (!Number.isFinite(epochMs)) return undefined;
  return { epochMs, subMsNanos: nanos % 1_000_000 };
}

export function compareInstants(a: Instant, b: Instant): number {
  return a.epochMs !== b.epochMs ? Math.sign(a.epochMs - b.epochMs) : Math.sign(a.subMsNanos - b.subMsNanos);
}

const INTEGER = /^[+-]?\d+$/;
/** NUL, or a UTF-16 surrogate without its other half. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function typeError(label: string, expected: string): ScimError {
  return ScimError.invalidValue(`Attribute "${label}" must be ${expected}`);
}

/**
 * Coerces a client value to an attribute's type, canonicalising sub-attribute names. Returns undefined
 * for an unassigned value (null, "", [], {}). Unknown and readOnly sub-attributes are dropped (RFC 7643
 * §2.2: a client's readOnly values are ignored). Throws invalidValue naming `label`, never the value.
 */
export function coerceAttributeValue(definition: AttributeDefinition, value: unknown, label: string): unknown {
  if (value === undefined || value === null) return undefined;
  if (definition.multiValued) {
    const values = asArray(value)
      .map((element) => coerceSingleValue(definition, element, label))
      .filter((element) => element !== undefined);
    return values.length > 0 ? values : undefined;
  }
  if (Array.isArray(value)) {
    // Entra sends manager as `[{"$ref": null, "value": "x"}]`: one value in an array is that value.
    const present = value.filter((element) => !isEmptyValue(element));
    if (present.length === 0) return undefined;
    if (present.length > 1) throw ScimError.invalidValue(`Attribute "${label}" is single-valued but got ${present.length} values`);
    return coerceSingleValue(definition, present[0], label);
  }
  return coerceSingleValue(definition, value, label);
}

/** Coerces one value (one element of a multi-valued attribute). */
export function coerceSingleValue(definition: AttributeDefinition, value: unknown, label: string): unknown {
  if (value === undefined || value === null) return undefined;
  switch (definition.type) {
    case 'complex': {
      if (isPlainObject(value)) {
        const result: Record<string, unknown> = {};
        for (const [key, subValue] of Object.entries(value)) {
          const sub = findSubAttribute(definition, key);
          if (!sub || sub.mutability === 'readOnly') continue;
          const coerced = coerceAttributeValue(sub, subValue, `${label}.${sub.name}`);
          if (coerced !== undefined) result[sub.name] = coerced;
        }
        return Object.keys(result).length > 0 ? result : undefined;
      }
      const valueSub = findSubAttribute(definition, 'value');
      if (valueSub && !Array.isArray(value) && typeof value !== 'object') {
        // `"members": "id"`, `"manager": "id"`: a bare value is the `value` sub-attribute.
        const coerced = coerceAttributeValue(valueSub, value, `${label}.${valueSub.name}`);
        return coerced === undefined ? undefined : { [valueSub.name]: coerced };
      }
      throw typeError(label, 'a complex value (a JSON object)');
    }
    case 'string':
    case 'reference':
    case 'binary':
      // A number or boolean is refused, not stringified: `"userName": 42` is a client bug, and
      // storing "42" would hide it. NUL and lone surrogates cannot be stored by LDAP or PostgreSQL
      // nor survive UTF-8, so they are refused here rather than mangled or failed by the target.
      if (typeof value !== 'string') throw typeError(label, 'a string');
      if (UNSTORABLE.test(value)) throw typeError(label, 'a string without NUL characters or unpaired surrogates');
      return value === '' ? undefined : value;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        const lower = value.trim().toLowerCase();
        if (lower === 'true') return true;
        if (lower === 'false') return false;
        if (lower === '') return undefined;
      }
      throw typeError(label, 'a boolean (true or false)');
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'string') {
        if (value.trim() === '') return undefined;
        if (INTEGER.test(value.trim()) && Number.isSafeInteger(Number(value))) return Number(value);
      }
      throw typeError(label, 'an integer');
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string') {
        if (value.trim() === '') return undefined;
        if (DECIMAL.test(value.trim())) return Number(value);
      }
      throw typeError(label, 'a number');
    case 'dateTime':
      if (typeof value === 'string') {
        if (value.trim() === '') return undefined;
        if (parseDateTime(value)) return value;
      }
      throw typeError(label, 'a dateTime (xsd:dateTime, e.g. 2024-05-01T12:00:00Z)');
  }
}

/** Whether two scalar values of an attribute are the same value (case-insensitive unless caseExact). */
export function scalarEquals(definition: AttributeDefinition, a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    if (definition.type === 'dateTime') {
      const left = parseDateTime(a);
      const right = parseDateTime(b);
      if (left && right) return compareInstants(left, right) === 0;
    }
    return definition.caseExact ? a === b : a.toLowerCase() === b.toLowerCase();
  }
  return a === b;
}

/** Deep equality of attribute values, sub-attribute aware (case rules per sub-attribute). */
export function valuesEqual(definition: AttributeDefinition, a: unknown, b: unknown): boolean {
  if (definition.multiValued && (Array.isArray(a) || Array.isArray(b))) {
    const left = asArray(a);
    const right = asArray(b);
    const single = { ...definition, multiValued: false };
    return left.length === right.length && left.every((element) => right.some((other) => valuesEqual(single, element, other)));
  }
  if (definition.type === 'complex') {
    if (!isPlainObject(a) || !isPlainObject(b)) return a === b;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const sub = findSubAttribute(definition, key);
      if (isEmptyValue(a[key]) && isEmptyValue(b[key])) continue;
      if (!sub ? JSON.stringify(a[key]) !== JSON.stringify(b[key]) : !valuesEqual(sub, a[key], b[key])) return false;
    }
    return true;
  }
  return scalarEquals(definition, a, b);
}
