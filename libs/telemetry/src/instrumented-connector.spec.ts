import { CONNECTOR_MEMBERS, type Connector, type ExportChange } from '@connector-host/connector-sdk';
import { HostMetrics } from './host-metrics';
import { InstrumentedConnector } from './instrumented-connector';

/**
 * The wrapper forwards every member of the Connector interface. The list walked here is
 * CONNECTOR_MEMBERS, which the compiler keeps complete (a member added to the interface and not
 * listed there fails the typecheck), so a forgotten optional method fails this test.
 */
describe('InstrumentedConnector forwards every port member', () => {
  const calls: string[] = [];
  const page = { objects: [] };
  const inner: Required<Connector> = {
    type: 'fake',
    capabilities: { fullImport: true, deltaImport: true, rename: false },
    test: async () => void calls.push('test'),
    discoverSchema: async () => (calls.push('discoverSchema'), { objectTypes: [] }),
    fullImport: (objectType) => (calls.push(`fullImport:${objectType}`), (async function* () { yield page; })()),
    deltaImport: (objectType, watermark) => (calls.push(`deltaImport:${objectType}:${watermark}`), (async function* () { yield { changes: [], watermark }; })()),
    needsFullImport: (objectType, watermark) => (calls.push(`needsFullImport:${objectType}:${watermark}`), true),
    get: async (objectType, anchor) => (calls.push(`get:${objectType}:${anchor}`), null),
    export: async (change) => (calls.push(`export:${change.kind}`), { anchor: 'a', dn: 'd' }),
    close: async () => void calls.push('close'),
  };
  /** How to call each method and what the inner connector must have seen. */
  const invocations: Record<string, { call: (c: Connector) => Promise<unknown>; seen: string; answer?: unknown }> = {
    test: { call: (c) => c.test(), seen: 'test' },
    discoverSchema: { call: (c) => c.discoverSchema(), seen: 'discoverSchema', answer: { objectTypes: [] } },
    fullImport: { call: (c) => drain(c.fullImport('User', { pageSize: 10 })), seen: 'fullImport:User', answer: [page] },
    deltaImport: { call: (c) => drain(c.deltaImport('User', 'w1', { pageSize: 10 })), seen: 'deltaImport:User:w1', answer: [{ changes: [], watermark: 'w1' }] },
    needsFullImport: { call: async (c) => c.needsFullImport?.('User', 'timestamp:x@1'), seen: 'needsFullImport:User:timestamp:x@1', answer: true },
    get: { call: (c) => c.get('User', 'a1'), seen: 'get:User:a1', answer: null },
    export: { call: (c) => c.export({ kind: 'delete', objectType: 'User', anchor: 'a', dn: 'd' } satisfies ExportChange), seen: 'export:delete', answer: { anchor: 'a', dn: 'd' } },
    close: { call: (c) => c.close(), seen: 'close' },
  };

  const wrapped = new InstrumentedConnector(inner, 'demo', new HostMetrics());
  const members = Object.entries(CONNECTOR_MEMBERS) as Array<[keyof Connector, 'property' | 'method']>;

  it.each(members)('%s', async (name, kind) => {
    if (kind === 'property') {
      expect(wrapped[name]).toEqual(inner[name]);
      return;
    }
    const invocation = invocations[name];
    expect({ name, covered: invocation !== undefined }).toEqual({ name, covered: true });
    expect(typeof (wrapped as unknown as Record<string, unknown>)[name]).toBe('function');
    calls.length = 0;
    const answer = await invocation.call(wrapped);
    expect(calls).toEqual([invocation.seen]);
    if ('answer' in invocation) expect(answer).toEqual(invocation.answer);
  });

  it('an inner connector without the optional needsFullImport never asks for a full import', () => {
    const { needsFullImport: _omitted, ...rest } = inner;
    const plain = new InstrumentedConnector(rest as Connector, 'demo', new HostMetrics());
    expect(plain.needsFullImport('User', 'timestamp:x@1')).toBe(false);
  });
});

async function drain<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(p);
  return out;
}
