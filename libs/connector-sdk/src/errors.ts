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
  | 'unsupported';
export type ConnectorErrorReason = RetryableReason | PermanentReason;

const RETRYABLE: ReadonlySet<ConnectorErrorReason> = new Set<ConnectorErrorReason>(['unavailable', 'busy', 'timeout']);

export class ConnectorError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly reason: ConnectorErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorError';
    this.retryable = RETRYABLE.has(reason);
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}
