/**
 * Entra ID's sequence over HTTP against examples/389ds.yaml and a real 389 Directory Server
 * (dscontainer), checked in the directory with ldapts; then a change made in the directory itself
 * reaches the host through a delta import from the retro changelog.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Attribute, Change, Client, type Entry } from 'ldapts';
import { Redis } from 'ioredis';
import { start389ds, type DirsrvServer } from '@connector-host/testing';
import { entryOf, values } from './support/ldap';
import { CORE_USER_URN, E2eHost, ECMA_USER_URN, expectScimError, expectStatus, type ScimClient, waitFor } from './support/host';

const ext = (attribute: string): string => `${ECMA_USER_URN}:${attribute}`;


describe('Entra ID → examples/389ds.yaml → 389 Directory Server', () => {
  let ds: DirsrvServer;
  let host: E2eHost;
  let scim: ScimClient;
  let admin: Client;
  const entry = (dn: string): Promise<Entry | undefined> => entryOf(admin, dn, ['*', 'nsUniqueId']);

  beforeAll(async () => {
    ds = await start389ds();
    admin = new Client({ url: ds.url, timeout: 20000 });
    await admin.bind(ds.bindDn, ds.bindPassword);
    const text = readFileSync(join(__dirname, '..', 'examples', '389ds.yaml'), 'utf8');
    host = await E2eHost.start({
      connectors: ['dirsrv'],
      connectorsYaml: { text, env: { DS_URL: ds.url, DS_BIND_DN: ds.bindDn, DS_BIND_PASSWORD: ds.bindPassword, DS_BASE_DN: ds.baseDn } },
    });
    scim = host.scim('dirsrv');
  });
  afterAll(async () => {
    await admin?.unbind().catch(() => undefined);
    await host?.close();
    await ds?.stop();
  });

  let id: string;
  const dn = (): string => `uid=megan,${ds.peopleDn}`;

  it('test connection, then match-and-create: 201 with id = nsUniqueId, every attribute in the directory', async () => {
    expect((await scim.filter(`${ext('uid')} eq "${randomUUID()}"`)).body.totalResults).toBe(0);
    expect((await scim.filter(`${ext('uid')} eq "megan"`)).body.totalResults).toBe(0);
    const created = await scim.post('/Users', {
      schemas: [CORE_USER_URN, ECMA_USER_URN],
      active: true,
      [ECMA_USER_URN]: {
        uid: 'megan',
        cn: 'Megan Bowen',
        sn: 'Bowen',
        givenName: 'Megan',
        displayName: 'Megan Bowen',
        mail: ['megan@contoso.com', 'megan.bowen@contoso.com'],
        telephoneNumber: '+1 555 0102',
        title: 'Marketing',
        objectClass: ['inetOrgPerson'],
      },
    });
    expectStatus(created, 201);
    const stored = await entry(dn());
    id = created.body.id;
    expect(id).toBe(values(stored, 'nsUniqueId')[0]);
    expect(values(stored, 'mail')).toEqual(['megan.bowen@contoso.com', 'megan@contoso.com']);
    expect(values(stored, 'cn')).toEqual(['Megan Bowen']);
    expect(values(stored, 'givenName')).toEqual(['Megan']);
    expect(values(stored, 'displayName')).toEqual(['Megan Bowen']);
    expect(values(stored, 'telephoneNumber')).toEqual(['+1 555 0102']);
    expect(values(stored, 'title')).toEqual(['Marketing']);
  });

  it('PATCH with value-level mail changes, then a -dn- change (modDN keeping the id)', async () => {
    expectStatus(
      await scim.patch(`/Users/${id}`, [
        { op: 'add', path: ext('mail'), value: ['mb@contoso.com'] },
        { op: 'remove', path: ext('mail'), value: ['megan@contoso.com'] },
      ]),
      200,
    );
    expect(values(await entry(dn()), 'mail')).toEqual(['mb@contoso.com', 'megan.bowen@contoso.com']);
    const newDn = `uid=megan.bowen,${ds.peopleDn}`;
    const renamed = await scim.patch(`/Users/${id}`, [
      { op: 'replace', path: ext('-dn-'), value: newDn },
      { op: 'replace', path: ext('uid'), value: 'megan.bowen' },
    ]);
    expectStatus(renamed, 200);
    expect(renamed.body.id).toBe(id);
    expect(values(await entry(newDn), 'nsUniqueId')).toEqual([id]);
    expect(await entry(dn())).toBeUndefined();
  });

  it('a missing MUST attribute is 400 naming it and the directory is unchanged', async () => {
    const response = await scim.post('/Users', { schemas: [CORE_USER_URN, ECMA_USER_URN], [ECMA_USER_URN]: { uid: 'nocn', sn: 'x' } });
    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toContain(':cn');
    expect(await entry(`uid=nocn,${ds.peopleDn}`)).toBeUndefined();
  });

  it('a delta import from the retro changelog brings in a change, an add and a delete made in the directory', async () => {
    const other = await scim.post('/Users', { schemas: [CORE_USER_URN, ECMA_USER_URN], [ECMA_USER_URN]: { uid: 'leaving', cn: 'Leaving', sn: 'Soon' } });
    expectStatus(other, 201);
    await admin.modify(`uid=megan.bowen,${ds.peopleDn}`, [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['CMO'] }) })]);
    await admin.add(`uid=direct,${ds.peopleDn}`, { objectClass: ['inetOrgPerson'], uid: 'direct', cn: 'Direct', sn: 'Entry' });
    await admin.del(`uid=leaving,${ds.peopleDn}`);
    await host.requestDeltaImport('dirsrv');
    await waitFor('the delta import to reach the cache', 60000, async () => {
      const title = (await scim.get(`/Users/${id}`)).body?.[ECMA_USER_URN]?.title;
      const direct = (await scim.filter(`${ext('uid')} eq "direct"`)).body?.totalResults;
      const leaving = (await scim.get(`/Users/${other.body.id}`)).status;
      return JSON.stringify(title) === JSON.stringify(['CMO']) && direct === 1 && leaving === 404;
    });
    // the watermark is in Redis (the connector space), where a restarted host finds it
    const redis = new Redis(host.redisUrl);
    try {
      const keys = await redis.keys(`${host.config.redis.prefix}:{dirsrv}:meta`);
      const meta = await redis.hgetall(keys[0]!);
      expect(Object.values(meta).some((v) => /^changelog:\d+$/.test(v))).toBe(true);
    } finally {
      redis.disconnect();
    }
  });

  it('groups: an empty groupOfUniqueNames, members added and removed as DNs in uniqueMember, a manager as a DN', async () => {
    const lynne = await scim.post('/Users', { schemas: [CORE_USER_URN, ECMA_USER_URN], userName: 'lynne', [ECMA_USER_URN]: { uid: 'lynne', cn: 'Lynne Robbins', sn: 'Robbins' } });
    expectStatus(lynne, 201);
    const group = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Marketing', members: [] });
    expectStatus(group, 201);
    const groupDn = `cn=Marketing,ou=Groups,${ds.baseDn}`;
    expect(values(await entry(groupDn), 'nsUniqueId')).toEqual([group.body.id]);
    expect(values(await entry(groupDn), 'uniqueMember')).toEqual([]);
    const add = await scim.patch(`/Groups/${group.body.id}`, [{ op: 'Add', path: 'members', value: [{ value: id }, { value: lynne.body.id }] }]);
    expectStatus(add, 204);
    expect(values(await entry(groupDn), 'uniqueMember').map((v) => v.toLowerCase())).toEqual([`uid=lynne,${ds.peopleDn}`, `uid=megan.bowen,${ds.peopleDn}`].map((v) => v.toLowerCase()).sort());
    expectStatus(await scim.patch(`/Groups/${group.body.id}`, [{ op: 'Remove', path: 'members', value: [{ value: lynne.body.id }] }]), 204);
    expect(values(await entry(groupDn), 'uniqueMember').map((v) => v.toLowerCase())).toEqual([`uid=megan.bowen,${ds.peopleDn}`.toLowerCase()]);
    expect(((await scim.get(`/Groups/${group.body.id}`)).body.members as Array<{ value: string }>).map((m) => m.value)).toEqual([id]);
    const manager = await scim.patch(`/Users/${id}`, [{ op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: lynne.body.id }]);
    expectStatus(manager, 200);
    expect(values(await entry(`uid=megan.bowen,${ds.peopleDn}`), 'manager').map((v) => v.toLowerCase())).toEqual([`uid=lynne,${ds.peopleDn}`.toLowerCase()]);
    expectStatus(await scim.delete(`/Groups/${group.body.id}`), 204);
    expect(await entry(groupDn)).toBeUndefined();
  });

  it('disable and DELETE both delete the entry', async () => {
    const id2 = (await scim.filter(`${ext('uid')} eq "direct"`)).body.Resources[0].id;
    expectStatus(await scim.patch(`/Users/${id2}`, [{ op: 'replace', path: 'active', value: false }]), 200);
    expect(await entry(`uid=direct,${ds.peopleDn}`)).toBeUndefined();
    expectStatus(await scim.delete(`/Users/${id}`), 204);
    expect(await entry(`uid=megan.bowen,${ds.peopleDn}`)).toBeUndefined();
  });
});
