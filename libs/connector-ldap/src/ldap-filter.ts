/**
 * Search filters built from values, never by joining strings: the filter objects carry each
 * assertion value as its own octet string on the wire, so `*)(uid=*` is a value like any other and
 * matches nothing. `escapeFilterValue` (RFC 4515 §3) is for the text form (logs, messages).
 */
import { AndFilter, EqualityFilter, type Filter, FilterParser, GreaterThanEqualsFilter, LessThanEqualsFilter, PresenceFilter } from 'ldapts';

export function equals(attribute: string, value: string | Buffer): Filter {
  return new EqualityFilter({ attribute, value });
}

export function atLeast(attribute: string, value: string): Filter {
  return new GreaterThanEqualsFilter({ attribute, value });
}

export function atMost(attribute: string, value: string): Filter {
  return new LessThanEqualsFilter({ attribute, value });
}

export function present(attribute: string): Filter {
  return new PresenceFilter({ attribute });
}

export function all(...filters: Filter[]): Filter {
  return filters.length === 1 ? filters[0]! : new AndFilter({ filters });
}

/** An administrator's filter from the config file (never a value from a SCIM request). */
export function parseConfiguredFilter(text: string): Filter {
  return FilterParser.parseString(text);
}

/** RFC 4515 escaping of an assertion value: `*`, `(`, `)`, `\` and NUL as `\XX`, and non-UTF-8 octets. */
export function escapeFilterValue(value: string | Buffer): string {
  if (Buffer.isBuffer(value)) return [...value].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  return value.replace(/[*()\\\u0000]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
