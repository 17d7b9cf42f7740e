import { LOG_OUTCOMES, SCIM_OPERATIONS, TARGET_OPERATIONS, type LogOutcome, type ProvisioningLogEntry } from './provisioning-log.entry';

/** What a reader asks the provisioning log for; every field optional but `count`. */
export interface ProvisioningLogQuery {
  /** ms since epoch, inclusive. */
  since?: number;
  /** ms since epoch, inclusive. */
  until?: number;
  /** An exact status (`201`) or a class (`4xx`). */
  status?: { exact: number } | { class: number };
  outcome?: LogOutcome;
  /** A SCIM operation (`patch`) or a target operation (`full-import`). */
  operation?: string;
  anchor?: string;
  /** Newest first, at most this many. */
  count: number;
}

/** A query parameter that cannot be read; the HTTP edge answers 400 invalidValue, the CLI exits 2. */
export class ProvisioningLogQueryError extends Error {
  override readonly name = 'ProvisioningLogQueryError';
}

export const LOG_QUERY_PARAMS = ['since', 'until', 'status', 'outcome', 'operation', 'anchor', 'count'] as const;
export const MAX_LOG_COUNT = 1000;
const DEFAULT_COUNT = 100;
const UNITS: Record<string, number> = { s: 1000, m: 60000, h: 3600000, d: 86400000 };

/**
 * Reads query parameters (the admin endpoint's query string or the CLI's options): `since` and
 * `until` as ISO-8601 times or durations ago (`15m`, `2h`, `7d`), `status` as `201` or `4xx`,
 * `outcome`, `operation`, `anchor`, `count` (1–1000, default 100). Unknown parameters are errors:
 * a typo must not silently return everything.
 */
export function parseLogQuery(params: Record<string, unknown>, now = Date.now()): ProvisioningLogQuery {
  for (const key of Object.keys(params)) {
    if (!(LOG_QUERY_PARAMS as readonly string[]).includes(key)) {
      throw new ProvisioningLogQueryError(`unknown parameter ${key}; use ${LOG_QUERY_PARAMS.join(', ')}`);
    }
  }
  const text = (key: string): string | undefined => {
    const value = params[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') throw new ProvisioningLogQueryError(`${key} must be given once, as text`);
    return value.trim();
  };
  const query: ProvisioningLogQuery = { count: DEFAULT_COUNT };
  const since = text('since');
  if (since !== undefined) query.since = instantOf('since', since, now);
  const until = text('until');
  if (until !== undefined) query.until = instantOf('until', until, now);
  if (query.since !== undefined && query.until !== undefined && query.since > query.until) {
    throw new ProvisioningLogQueryError('since must not be after until');
  }
  const status = text('status');
  if (status !== undefined) {
    const exact = /^([1-5][0-9][0-9])$/.exec(status);
    const cls = /^([1-5])xx$/i.exec(status);
    if (exact) query.status = { exact: Number(exact[1]) };
    else if (cls) query.status = { class: Number(cls[1]) };
    else throw new ProvisioningLogQueryError('status must be an HTTP status (201) or a class (2xx, 4xx, 5xx)');
  }
  const outcome = text('outcome');
  if (outcome !== undefined) {
    if (!(LOG_OUTCOMES as readonly string[]).includes(outcome)) throw new ProvisioningLogQueryError(`outcome must be one of ${LOG_OUTCOMES.join(', ')}`);
    query.outcome = outcome as LogOutcome;
  }
  const operation = text('operation');
  if (operation !== undefined) {
    const known = [...SCIM_OPERATIONS, ...TARGET_OPERATIONS] as string[];
    if (!known.includes(operation)) throw new ProvisioningLogQueryError(`operation must be one of ${[...new Set(known)].join(', ')}`);
    query.operation = operation;
  }
  const anchor = text('anchor');
  if (anchor !== undefined) query.anchor = anchor;
  const count = text('count');
  if (count !== undefined) {
    if (!/^[0-9]+$/.test(count) || Number(count) < 1 || Number(count) > MAX_LOG_COUNT) {
      throw new ProvisioningLogQueryError(`count must be an integer from 1 to ${MAX_LOG_COUNT}`);
    }
    query.count = Number(count);
  }
  return query;
}

function instantOf(key: string, value: string, now: number): number {
  const ago = /^([0-9]+)([smhd])$/.exec(value);
  if (ago) return now - Number(ago[1]) * UNITS[ago[2]];
  // a date and a time: `2026-01-31T12:00:00Z`, `2026-01-31T12:00:00.000+01:00`, or a bare date
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    const time = Date.parse(value);
    if (Number.isFinite(time)) return time;
  }
  throw new ProvisioningLogQueryError(`${key} must be an ISO-8601 time (2026-01-31T12:00:00Z) or a duration ago (15m, 2h, 7d)`);
}

/** Whether an entry passes the query's filters (the time range is applied by the stream read). */
export function matchesLogQuery(entry: ProvisioningLogEntry, query: ProvisioningLogQuery): boolean {
  if (query.status && 'exact' in query.status && entry.status !== query.status.exact) return false;
  if (query.status && 'class' in query.status && Math.floor(entry.status / 100) !== query.status.class) return false;
  if (query.outcome && entry.outcome !== query.outcome) return false;
  if (query.operation && entry.scimOperation !== query.operation && entry.targetOperation !== query.operation) return false;
  if (query.anchor !== undefined && entry.anchor !== query.anchor) return false;
  return true;
}
