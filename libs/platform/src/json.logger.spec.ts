import { context, trace, TraceFlags, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { JsonLogger } from './json.logger';

describe('JsonLogger', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => context.disable());

  it('writes one JSON object per line with the active trace and span ids, and redacts secrets', async () => {
    const lines: string[] = [];
    const logger = new JsonLogger('test', 'info', (line) => lines.push(line));
    const span = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
    await context.with(trace.setSpanContext(ROOT_CONTEXT, span), async () => {
      await Promise.resolve();
      logger.info('export', { connector: 'demo', secretToken: 'abc', nested: { password: 'p' } });
    });
    logger.info('no trace');
    const [traced, plain] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(traced).toEqual(
      expect.objectContaining({ msg: 'export', service: 'test', traceId: span.traceId, spanId: span.spanId, connector: 'demo', secretToken: '***', nested: { password: '***' } }),
    );
    expect(plain).not.toHaveProperty('traceId');
  });
});
