import { isConnectorError } from '@connector-host/connector-sdk';

export interface RetryPolicy {
  retries: number;
  /** Never sleep past this instant (ms since epoch). */
  deadline: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Retries a target call while the connector calls its error retryable (connection, busy,
 * timeout), with exponential back-off and jitter (at least the error's `retryAfterMs`), never
 * past the deadline. Retrying inside the
 * job (not through the queue) keeps later operations on the same object behind this one.
 */
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy, onRetry?: (error: unknown, attempt: number) => void): Promise<T> {
  const base = policy.baseDelayMs ?? 100;
  const max = policy.maxDelayMs ?? 5000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isConnectorError(error) || !error.retryable || attempt >= policy.retries) throw error;
      const backoff = Math.min(max, base * 2 ** attempt) * (0.5 + Math.random() / 2);
      // the target said when to come back (Retry-After): never sooner, and not at all past the deadline
      const delay = error.retryAfterMs !== undefined ? Math.max(backoff, error.retryAfterMs) : backoff;
      if (Date.now() + delay >= policy.deadline) throw error;
      onRetry?.(error, attempt + 1);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
