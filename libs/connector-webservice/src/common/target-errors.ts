import { ConnectorError, type ConnectorErrorReason } from '@connector-host/connector-sdk';
import { parseValuePath, readOne, type ValuePath } from './value-path';

/** Longest application message carried into an error (and so into a SCIM error detail). */
const MAX_MESSAGE = 300;
/** A Retry-After longer than this is treated as this (the deadline cuts it anyway). */
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). Undefined when
 * absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/** Replaces every occurrence of a known secret (tokens, passwords, export_password) with `***`. */
export function scrubSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    // very short values would blank out ordinary words; they are not worth hiding that way
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

const COMMON_MESSAGE_PATHS = [
  '/detail',
  '/message',
  '/error_description',
  '/error/message',
  '/errors/0/message',
  '/errors/0/detail',
  '/title',
  '/error',
  '/Message',
  '/fault/faultstring',
].map(parseValuePath);

/**
 * The application's own words from an error response: the configured path, else the usual JSON
 * fields (`detail`, `message`, `error_description`, `errors[0].message`…), else the text itself,
 * collapsed to one line and shortened.
 */
export function applicationMessage(text: string, messagePath?: ValuePath): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    json = undefined;
  }
  if (json !== undefined) {
    for (const path of messagePath ? [messagePath, ...COMMON_MESSAGE_PATHS] : COMMON_MESSAGE_PATHS) {
      const value = readOne(json, path);
      if (typeof value === 'string' && value.trim()) return oneLine(value);
    }
    return oneLine(trimmed);
  }
  // HTML error pages: their title says it; the rest is markup
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1];
  if (title?.trim()) return oneLine(title);
  return oneLine(trimmed.replace(/<[^>]+>/g, ' '));
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

/** The reason a non-2xx HTTP status stands for. */
export function reasonOfStatus(status: number): ConnectorErrorReason {
  if (status === 429) return 'busy';
  if (status === 501) return 'unsupported';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'unavailable';
  if (status === 401 || status === 403) return 'permissionDenied';
  if (status === 404 || status === 410) return 'notFound';
  if (status === 409) return 'alreadyExists';
  if (status === 400 || status === 422) return 'invalidValue';
  if (status === 405) return 'unsupported';
  if (status === 425) return 'busy';
  return 'constraintViolation';
}

export interface StatusErrorInput {
  status: number;
  /** `POST /users`: what was asked, without query string or credentials. */
  what: string;
  body: string;
  retryAfter?: string | string[];
  messagePath?: ValuePath;
  secrets?: Iterable<string | undefined>;
}

/**
 * A non-2xx answer as a classified ConnectorError: 429 and 5xx retryable (honouring
 * Retry-After), other 4xx permanent, carrying the application's message.
 */
export function statusError(input: StatusErrorInput): ConnectorError {
  const reason = reasonOfStatus(input.status);
  const said = scrubSecrets(applicationMessage(input.body, input.messagePath), input.secrets ?? []);
  const retryAfterMs = input.status === 429 || input.status >= 500 ? parseRetryAfter(input.retryAfter) : undefined;
  return new ConnectorError(reason, `${input.what} answered ${input.status}${said ? `: ${said}` : ''}`, {
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNABORTED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'TARGET_TIMEOUT']);
const TLS_CODE = /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_VERIFY|ERR_OSSL/i;

/** A failure below HTTP (refused, reset, DNS, TLS, our own timeout) as a retryable ConnectorError. */
export function networkError(what: string, error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const code = String((error as { code?: unknown })?.code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  if (TIMEOUT_CODES.has(code) || /timed? ?out/i.test(message)) {
    return new ConnectorError('timeout', `${what}: no answer in time (${message})`, { cause: error });
  }
  if (TLS_CODE.test(code)) {
    return new ConnectorError('unavailable', `${what}: TLS failed (${code}: ${message}); check connection.tls`, { cause: error });
  }
  return new ConnectorError('unavailable', `${what}: ${code ? `${code} ` : ''}${message}`, { cause: error });
}
