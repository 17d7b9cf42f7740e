import { sanitizeRecord, type ProvisioningLogEntry } from './provisioning-log.entry';
import { matchesLogQuery, parseLogQuery, ProvisioningLogQueryError } from './provisioning-log.query';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('parseLogQuery', () => {
  it('reads times as ISO-8601 or durations ago, statuses, outcomes, operations, anchors and counts', () => {
    expect(parseLogQuery({}, NOW)).toEqual({ count: 100 });
    expect(parseLogQuery({ since: '15m', until: '2026-03-01T11:59:00Z', status: '4xx', outcome: 'rejected', operation: 'patch', anchor: 'adele', count: '5' }, NOW)).toEqual({
      since: NOW - 15 * 60000,
      until: Date.parse('2026-03-01T11:59:00Z'),
      status: { class: 4 },
      outcome: 'rejected',
      operation: 'patch',
      anchor: 'adele',
      count: 5,
    });
    expect(parseLogQuery({ since: '7d', status: '201' }, NOW)).toEqual({ since: NOW - 7 * 86400000, status: { exact: 201 }, count: 100 });
    expect(parseLogQuery({ since: '2026-02-28' }, NOW).since).toBe(Date.parse('2026-02-28'));
  });

  it.each([
    [{ since: 'yesterday' }, /since must be/],
    [{ since: '2026-02-30T25:00:00Z' }, /since must be/],
    [{ until: '-5m' }, /until must be/],
    [{ since: '1m', until: '2m' }, /since must not be after until/],
    [{ status: '600' }, /status must be/],
    [{ status: '2xxx' }, /status must be/],
    [{ outcome: 'ok' }, /outcome must be one of/],
    [{ operation: 'upsert' }, /operation must be one of/],
    [{ count: '0' }, /count must be/],
    [{ count: '1e3' }, /count must be/],
    [{ count: ['1', '2'] }, /given once/],
    [{ anchor: '' }, /given once/],
    [{ filter: 'x' }, /unknown parameter filter/],
  ])('refuses %j', (params, message) => {
    expect(() => parseLogQuery(params as Record<string, unknown>, NOW)).toThrow(ProvisioningLogQueryError);
    expect(() => parseLogQuery(params as Record<string, unknown>, NOW)).toThrow(message);
  });
});

describe('matchesLogQuery', () => {
  const entry: ProvisioningLogEntry = {
    id: '1-0',
    time: '2026-03-01T12:00:00.000Z',
    connector: 'demo',
    anchor: 'adele',
    scimOperation: 'patch',
    targetOperation: 'update',
    status: 404,
    outcome: 'rejected',
    durationMs: 3,
  };
  it('matches status (exact or class), outcome, SCIM or target operation and anchor', () => {
    expect(matchesLogQuery(entry, { count: 1, status: { class: 4 } })).toBe(true);
    expect(matchesLogQuery(entry, { count: 1, status: { exact: 409 } })).toBe(false);
    expect(matchesLogQuery(entry, { count: 1, operation: 'update' })).toBe(true);
    expect(matchesLogQuery(entry, { count: 1, operation: 'patch' })).toBe(true);
    expect(matchesLogQuery(entry, { count: 1, operation: 'create' })).toBe(false);
    expect(matchesLogQuery(entry, { count: 1, outcome: 'success' })).toBe(false);
    expect(matchesLogQuery(entry, { count: 1, anchor: 'Adele' })).toBe(false);
  });
});

describe('sanitizeRecord', () => {
  it('keeps only the known fields, so nothing else (a value, a password) can be logged', () => {
    const dirty = { connector: 'demo', status: 201, outcome: 'success', durationMs: 2.6, anchor: 'a', password: 'secret', attributes: { FirstName: ['x'] } };
    expect(sanitizeRecord(dirty as never)).toEqual({ connector: 'demo', status: 201, outcome: 'success', durationMs: 3, anchor: 'a' });
    expect(sanitizeRecord({ connector: 'demo', status: 500, outcome: 'weird' as never, durationMs: 1, scimOperation: 'hack' as never }).outcome).toBe('failed');
  });
});
