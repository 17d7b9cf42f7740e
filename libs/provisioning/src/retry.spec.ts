import { ConnectorError } from '@connector-host/connector-sdk';
import { withRetry } from './retry';

describe('withRetry', () => {
  const policy = (retries: number) => ({ retries, deadline: Date.now() + 10000, baseDelayMs: 1, maxDelayMs: 2 });

  it('retries retryable errors and returns the eventual result', async () => {
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      if (calls < 3) throw new ConnectorError('busy', 'locked');
      return 'ok';
    }, policy(5));
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('does not retry permanent errors', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new ConnectorError('alreadyExists', 'dup');
      }, policy(5)),
    ).rejects.toThrow('dup');
    expect(calls).toBe(1);
  });

  it('gives up after the configured retries', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new ConnectorError('unavailable', 'down');
      }, policy(2)),
    ).rejects.toThrow('down');
    expect(calls).toBe(3);
  });

  it('never sleeps past the deadline', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new ConnectorError('timeout', 'slow');
      }, { retries: 10, deadline: Date.now() + 5, baseDelayMs: 50 }),
    ).rejects.toThrow('slow');
    expect(calls).toBe(1);
  });
});

describe('withRetry and Retry-After', () => {
  it('waits at least retryAfterMs before the next attempt', async () => {
    const started: number[] = [];
    const result = await withRetry(
      async () => {
        started.push(Date.now());
        if (started.length === 1) throw new ConnectorError('busy', 'slow down', { retryAfterMs: 300 });
        return 'ok';
      },
      { retries: 3, deadline: Date.now() + 10000, baseDelayMs: 1, maxDelayMs: 2 },
    );
    expect(result).toBe('ok');
    expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(295);
  });

  it('gives up at once when Retry-After points past the deadline', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new ConnectorError('busy', 'come back in an hour', { retryAfterMs: 3_600_000 });
      }, { retries: 5, deadline: Date.now() + 5000, baseDelayMs: 1 }),
    ).rejects.toThrow('come back in an hour');
    expect(calls).toBe(1);
  });
});
