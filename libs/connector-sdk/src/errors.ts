/**
 * Every error a connector throws is classified: retryable errors are retried with back-off by the
 * export worker, permanent ones become a SCIM error for the client.
 */
export type RetryableReason = 'unavailable' | 'busy' | 'timeout';
export type PermanentReason =
  | 'alreadyExists'
  | 'notFound'
  | 'invalidValue'
  | 'schemaViolation'
  | 'constraintViolation'
  | 'permissionDenied'
  | 'unsupported'
  /**
   * The target is reachable but one object type's settings do not fit it (an LDAP base that does
   * not exist): that object type cannot be served until an administrator acts; the others are.
   */
  | 'configuration';
export type ConnectorErrorReason = RetryableReason | PermanentReason;

const RETRYABLE: ReadonlySet<ConnectorErrorReason> = new Set<ConnectorErrorReason>(['unavailable', 'busy', 'timeout']);

export class ConnectorError extends Error {
  readonly retryable: boolean;
  /**
   * How long the target asked us to wait before the next attempt (HTTP `Retry-After`), in ms.
   * The host's retry waits at least this long, and gives up instead when that passes the deadline.
   */
  readonly retryAfterMs?: number;
  constructor(
    readonly reason: ConnectorErrorReason,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.retryable = RETRYABLE.has(reason);
    if (options?.retryAfterMs !== undefined && Number.isFinite(options.retryAfterMs) && options.retryAfterMs >= 0) {
      this.retryAfterMs = options.retryAfterMs;
    }
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}
