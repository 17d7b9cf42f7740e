import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '@connector-host/testing';
import type { TargetObject } from '@connector-host/connector-sdk';
import { ConnectorSpace } from './connector-space.repository';

const user = (anchor: string, mail: string, extra: Record<string, string[]> = {}): TargetObject => ({
  objectType: 'User',
  anchor,
  dn: `CN=${anchor},OBJECT=USER`,
  attributes: { login: [anchor], mail: [mail], ...extra },
});

describe('ConnectorSpace on a real Redis', () => {
  let server: RedisServer;
  let redis: Redis;
  let space: ConnectorSpace;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });
  beforeEach(async () => {
    await redis.flushall();
    space = new ConnectorSpace(redis, 'ch', 'demo', [
      { objectType: 'User', indexes: [{ attribute: 'login', caseExact: false }, { attribute: 'mail', caseExact: false }] },
    ]);
  });

  it('finds committed objects by index, case-insensitively, and forgets old index entries', async () => {
    await space.commitExport('User', null, user('alice', 'Alice@Contoso.com'));
    expect(await space.findAnchors('User', 'mail', 'alice@contoso.com')).toEqual(['alice']);
    expect(await space.findAnchors('User', 'MAIL', 'ALICE@CONTOSO.COM')).toEqual(['alice']);
    await space.commitExport('User', 'alice', user('alice', 'new@contoso.com'));
    expect(await space.findAnchors('User', 'mail', 'alice@contoso.com')).toEqual([]);
    expect(await space.findAnchors('User', 'mail', 'new@contoso.com')).toEqual(['alice']);
    expect((await space.timestamps()).lastSuccessfulExport).toBeInstanceOf(Date);
  });

  it('finds objects by index in one call, skipping index entries whose object is gone', async () => {
    await space.commitExport('User', null, user('u1', 'same@x'));
    await space.commitExport('User', null, user('u2', 'SAME@x'));
    expect((await space.findObjects('User', 'mail', 'same@X')).map((o) => o.anchor).sort()).toEqual(['u1', 'u2']);
    expect(await space.findObjects('User', 'mail', 'nobody@x')).toEqual([]);
    await redis.hdel(space.keys.objects('User'), 'u2');
    expect((await space.findObjects('User', 'mail', 'same@x')).map((o) => o.anchor)).toEqual(['u1']);
    // a second call runs the cached script (EVALSHA), also after Redis forgot its scripts
    await redis.script('FLUSH');
    expect((await space.findObjects('User', 'mail', 'same@x')).map((o) => o.anchor)).toEqual(['u1']);
  });

  it('keeps index members apart from the object, and still unindexes objects written with them inside (older layout)', async () => {
    await space.commitExport('User', null, user('carol', 'carol@x'));
    expect(JSON.parse((await redis.hget(space.keys.indexEntries('User'), 'carol'))!)).toEqual({ login: ['carol\u0000carol'], mail: ['carol@x\u0000carol'] });
    expect(JSON.parse((await redis.hget(space.keys.objects('User'), 'carol'))!).ix).toBeUndefined();
    // the layout before the index-entries hash: members only inside the object's JSON
    const toOldLayout = async () => {
      const ix = JSON.parse((await redis.hget(space.keys.indexEntries('User'), 'carol'))!);
      const object = JSON.parse((await redis.hget(space.keys.objects('User'), 'carol'))!);
      await redis.hset(space.keys.objects('User'), 'carol', JSON.stringify({ ...object, ix }));
      await redis.hdel(space.keys.indexEntries('User'), 'carol');
    };
    await toOldLayout();
    await space.commitExport('User', 'carol', user('carol', 'carol.new@x'));
    expect(await space.findAnchors('User', 'mail', 'carol@x')).toEqual([]);
    expect(await space.findAnchors('User', 'mail', 'carol.new@x')).toEqual(['carol']);
    await toOldLayout();
    await space.applyDelta('User', [{ anchor: 'carol', object: null }], Date.now() + 1000);
    expect(await space.findAnchors('User', 'mail', 'carol.new@x')).toEqual([]);
    expect(await redis.hexists(space.keys.indexEntries('User'), 'carol')).toBe(0);
  });

  it('removes a deleted object’s anchor from the reference attribute of every object holding it, and nothing else', async () => {
    const groups = new ConnectorSpace(redis, 'ch', 'demo', [{ objectType: 'Group', indexes: [{ attribute: 'name', caseExact: false }] }]);
    const group = (anchor: string, members: string[]): TargetObject => ({ objectType: 'Group', anchor, dn: '', attributes: { name: [anchor], member: members } });
    await groups.commitExport('Group', null, group('g1', ['ada', 'adam', 'bob']));
    await groups.commitExport('Group', null, group('g2', ['ada']));
    await groups.commitExport('Group', null, group('g3', ['adam']));
    expect(await groups.removeReferenceValue('Group', 'MEMBER', 'ada')).toBe(2);
    expect((await groups.get('Group', 'g1'))!.attributes.member).toEqual(['adam', 'bob']);
    expect((await groups.get('Group', 'g2'))!.attributes.member).toBeUndefined();
    expect((await groups.get('Group', 'g3'))!.attributes.member).toEqual(['adam']);
    expect(await groups.findAnchors('Group', 'name', 'g2')).toEqual(['g2']);
    expect(await groups.removeReferenceValue('Group', 'member', 'ada')).toBe(0);
  });

  it('does not confuse a value with a longer value sharing its prefix', async () => {
    await space.commitExport('User', null, user('al', 'a@x'));
    await space.commitExport('User', null, user('alice', 'b@x'));
    expect(await space.findAnchors('User', 'login', 'al')).toEqual(['al']);
    expect((await space.findAnchorsByPrefix('User', 'login', 'al')).sort()).toEqual(['al', 'alice']);
  });

  it('moves an object on an anchor rename and deletes it on commit(null)', async () => {
    await space.commitExport('User', null, user('bob', 'bob@x'));
    await space.commitExport('User', 'bob', user('robert', 'bob@x', { login: ['robert'] }));
    expect(await space.get('User', 'bob')).toBeNull();
    expect(await space.findAnchors('User', 'login', 'bob')).toEqual([]);
    expect(await space.findAnchors('User', 'mail', 'bob@x')).toEqual(['robert']);
    await space.commitExport('User', 'robert', null);
    expect(await space.count('User')).toBe(0);
    expect(await space.findAnchors('User', 'mail', 'bob@x')).toEqual([]);
  });

  it('swaps a full import in whole: new objects appear, vanished ones disappear, indexes follow', async () => {
    await space.commitExport('User', null, user('gone', 'gone@x'));
    const startedAt = Date.now() - 1000; // the export above predates the import's start by design below
    await redis.zadd(space.keys.exports('User'), startedAt - 1, 'gone');
    await space.stageImportPage('User', 'g1', [user('a', 'a@x'), user('b', 'b@x')]);
    await space.stageImportPage('User', 'g1', [user('c', 'c@x')]);
    expect(await space.swapGeneration('User', 'g1', startedAt)).toBe(3);
    expect(await space.get('User', 'gone')).toBeNull();
    expect(await space.findAnchors('User', 'mail', 'gone@x')).toEqual([]);
    expect(await space.findAnchors('User', 'mail', 'c@x')).toEqual(['c']);
    expect(await redis.ttl(space.keys.objects('User'))).toBe(-1);
    expect((await space.timestamps()).lastSuccessfulImport).toBeInstanceOf(Date);
  });

  it('never lets an import overwrite an export that happened after the import started (invariant 4)', async () => {
    const startedAt = Date.now();
    // the import read "old" data for x and had y, which an export then deleted, and z which it created
    await space.stageImportPage('User', 'g2', [user('x', 'old@x'), user('y', 'y@x')]);
    await space.commitExport('User', null, user('x', 'new@x'), startedAt + 5);
    await space.commitExport('User', null, user('y', 'y@x'), startedAt - 10_000);
    await redis.zadd(space.keys.exports('User'), startedAt - 10_000, 'y');
    await space.commitExport('User', 'y', null, startedAt + 6);
    await space.commitExport('User', null, user('z', 'z@x'), startedAt + 7);
    await space.swapGeneration('User', 'g2', startedAt);
    expect((await space.get('User', 'x'))?.attributes.mail).toEqual(['new@x']);
    expect(await space.findAnchors('User', 'mail', 'old@x')).toEqual([]);
    expect(await space.get('User', 'y')).toBeNull();
    expect(await space.findAnchors('User', 'mail', 'y@x')).toEqual([]);
    expect(await space.get('User', 'z')).not.toBeNull();
  });

  it('skips delta changes read before a newer export, applies the rest', async () => {
    await space.commitExport('User', null, user('p', 'p-export@x'), 2000);
    const applied = await space.applyDelta('User', [
      { anchor: 'p', object: user('p', 'p-stale@x') },
      { anchor: 'q', object: user('q', 'q@x') },
    ], 1000);
    expect(applied).toBe(1);
    expect((await space.get('User', 'p'))?.attributes.mail).toEqual(['p-export@x']);
    expect(await space.findAnchors('User', 'mail', 'q@x')).toEqual(['q']);
    await space.applyDelta('User', [{ anchor: 'q', object: null }], Date.now());
    expect(await space.get('User', 'q')).toBeNull();
  });
});
