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
