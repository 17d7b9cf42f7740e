/**
 * Entra ID's LDAP tutorial sequence over HTTP against examples/openldap.yaml and a real slapd, then
 * every attribute checked in the directory itself with ldapts. Also the POSIX example with its
 * host-side rules (uidNumber allocated under concurrency).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, type Entry } from 'ldapts';
import { startSlapd, type SlapdServer } from '@connector-host/testing';
import { entryOf, ldapEnv, values } from './support/ldap';
import { CORE_USER_URN, E2eHost, ECMA_USER_URN, expectScimError, expectStatus, LIST_RESPONSE_URN, type ScimClient } from './support/host';

const ext = (attribute: string): string => `${ECMA_USER_URN}:${attribute}`;
const example = (name: string): string => readFileSync(join(__dirname, '..', 'examples', name), 'utf8');


async function byUid(admin: Client, base: string, uid: string): Promise<Entry[]> {
  const { searchEntries } = await admin.search(base, { scope: 'sub', filter: `(uid=${uid.replace(/[*()\\]/g, (c) => `\\${c.charCodeAt(0).toString(16)}`)})`, attributes: ['*', '+'] });
  return searchEntries;
}


/** The body Entra's ECMA app sends for the tutorial's OpenLDAP mappings. */
function entraBody(uid: string, extension: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: [CORE_USER_URN, ECMA_USER_URN],
    active: true,
    [ECMA_USER_URN]: { uid, cn: `${uid} Simon`, sn: 'Simon', givenName: 'Bob', mail: `${uid}@contoso.com`, ...extension },
  };
}

describe('Entra ID → examples/openldap.yaml → slapd', () => {
  let slapd: SlapdServer;
  let host: E2eHost;
  let scim: ScimClient;
  let admin: Client;

  beforeAll(async () => {
    slapd = await startSlapd();
    admin = new Client({ url: slapd.url, timeout: 20000 });
    await admin.bind(slapd.bindDn, slapd.bindPassword);
    // a user that exists before the host starts: the start import must show it
    await admin.add(`uid=existing,${slapd.peopleDn}`, { objectClass: ['inetOrgPerson'], uid: 'existing', cn: 'Existing', sn: 'User' });
    host = await E2eHost.start({ connectors: ['openldap'], connectorsYaml: { text: example('openldap.yaml'), env: ldapEnv(slapd) } });
    scim = host.scim('openldap');
  });
  afterAll(async () => {
    await admin?.unbind().catch(() => undefined);
    await host?.close();
    await slapd?.stop();
  });

  it('test connection: a filter on a random value is 200 with an empty list; the existing entry was imported', async () => {
    const probe = await scim.filter(`${ext('uid')} eq "${randomUUID()}"`);
    expectStatus(probe, 200);
    expect(probe.body).toEqual(expect.objectContaining({ schemas: [LIST_RESPONSE_URN], totalResults: 0 }));
    const existing = await scim.filter(`${ext('uid')} eq "existing"`);
    expect(existing.body.totalResults).toBe(1);
    const entry = await entryOf(admin, `uid=existing,${slapd.peopleDn}`);
    expect(existing.body.Resources[0].id).toBe(values(entry, 'entryUUID')[0]);
  });

  it('/Schemas shows the selected attributes with LDAP types: multi-valued objectClass and mail, required cn and sn, -dn-', async () => {
    const response = await scim.get(`/Schemas/${ECMA_USER_URN}`);
    expectStatus(response, 200);
    const attributes = Object.fromEntries((response.body.attributes as Array<{ name: string }>).map((a) => [a.name, a]));
    for (const name of ['uid', 'cn', 'sn', 'mail', 'givenName', 'displayName', 'telephoneNumber', 'title', 'objectClass', 'entryUUID', '-dn-', 'export_password']) {
      expect({ name, present: name in attributes }).toEqual({ name, present: true });
    }
    expect(attributes['objectClass']).toEqual(expect.objectContaining({ multiValued: true }));
    expect(attributes['mail']).toEqual(expect.objectContaining({ multiValued: true, type: 'string' }));
    expect(attributes['cn']).toEqual(expect.objectContaining({ multiValued: false, required: true }));
    expect(attributes['sn']).toEqual(expect.objectContaining({ required: true }));
  });

  const dn = (): string => `uid=bsimon,${slapd.peopleDn}`;
  let id: string;

  it('match (none), then create with -dn- and objectClass as the tutorial maps them: 201, id = entryUUID, entry in the directory', async () => {
    const match = await scim.filter(`${ext('uid')} eq "bsimon"`);
    expect(match.body.totalResults).toBe(0);
    const created = await scim.post(
      '/Users',
      entraBody('bsimon', {
        '-dn-': `UID=bsimon,${slapd.peopleDn}`,
        objectClass: ['inetOrgPerson'],
        mail: ['bsimon@contoso.com', 'bob.simon@contoso.com'],
        telephoneNumber: '+1 555 0101',
        title: 'Engineer',
        displayName: 'Bob Simon',
      }),
    );
    expectStatus(created, 201);
    const entry = await entryOf(admin, dn());
    id = created.body.id;
    expect(id).toBe(values(entry, 'entryUUID')[0]);
    expect(values(entry, 'mail')).toEqual(['bob.simon@contoso.com', 'bsimon@contoso.com']);
    expect(values(entry, 'cn')).toEqual(['bsimon Simon']);
    expect(values(entry, 'sn')).toEqual(['Simon']);
    expect(values(entry, 'givenName')).toEqual(['Bob']);
    expect(values(entry, 'displayName')).toEqual(['Bob Simon']);
    expect(values(entry, 'telephoneNumber')).toEqual(['+1 555 0101']);
    expect(values(entry, 'title')).toEqual(['Engineer']);
    expect(values(entry, 'objectClass').map((c) => c.toLowerCase())).toContain('inetorgperson');
    expect(created.body[ECMA_USER_URN]).toEqual(expect.objectContaining({ uid: 'bsimon', '-dn-': expect.stringMatching(/bsimon/i) }));
    expect(created.body[ECMA_USER_URN].mail.sort()).toEqual(['bob.simon@contoso.com', 'bsimon@contoso.com']);
    expect(created.body.userName).toBe('bsimon');
  });

  it('the tutorial\'s own -dn- expression (CN=<upn prefix>,<base>) works too', async () => {
    const created = await scim.post('/Users', entraBody('tutorial.user', { '-dn-': `CN=tutorial.user,${slapd.baseDn.toUpperCase()}` }));
    expectStatus(created, 201);
    const entry = await entryOf(admin, `cn=tutorial.user,${slapd.baseDn}`);
    expect(values(entry, 'cn')).toEqual(['tutorial.user', 'tutorial.user Simon']);
    expect(created.body[ECMA_USER_URN].cn).toBe('tutorial.user Simon');
  });

  it('a create without -dn- takes the DN template of the config', async () => {
    const created = await scim.post('/Users', entraBody('adele'));
    expectStatus(created, 201);
    expect(values(await entryOf(admin, `uid=adele,${slapd.peopleDn}`), 'uid')).toEqual(['adele']);
  });

  it('finds the user by uid filter and by id', async () => {
    const found = await scim.filter(`${ext('uid')} eq "bsimon"`);
    expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    const byUserName = await scim.filter('userName eq "BSIMON"');
    expect(byUserName.body.totalResults).toBe(1);
    const byId = await scim.get(`/Users/${id}`);
    expectStatus(byId, 200);
    expect(byId.body.emails).toEqual([expect.objectContaining({ type: 'work' })]);
  });

  it('PATCH (old dialect) adds and removes single mail values and replaces title: value-level in the directory', async () => {
    const response = await scim.patch(`/Users/${id}`, [
      { op: 'Add', path: ext('mail'), value: ['b.simon@contoso.com'] },
      { op: 'Remove', path: ext('mail'), value: ['bob.simon@contoso.com'] },
      { op: 'Replace', path: ext('title'), value: 'Principal Engineer' },
    ]);
    expectStatus(response, 200);
    const entry = await entryOf(admin, dn());
    expect(values(entry, 'mail')).toEqual(['b.simon@contoso.com', 'bsimon@contoso.com']);
    expect(values(entry, 'title')).toEqual(['Principal Engineer']);
  });

  it('PATCH (aadOptscim062020) clears telephoneNumber and sets givenName', async () => {
    const response = await scim.patch(`/Users/${id}`, [
      { op: 'remove', path: ext('telephoneNumber') },
      { op: 'replace', path: ext('givenName'), value: 'Robert' },
    ]);
    expectStatus(response, 200);
    const entry = await entryOf(admin, dn());
    expect(values(entry, 'telephoneNumber')).toEqual([]);
    expect(values(entry, 'givenName')).toEqual(['Robert']);
  });

  it('a changed -dn- is a modDN: the entry moves, the SCIM id stays', async () => {
    const newDn = `uid=bob.simon,${slapd.peopleDn}`;
    const response = await scim.patch(`/Users/${id}`, [
      { op: 'replace', path: ext('-dn-'), value: newDn },
      { op: 'replace', path: ext('uid'), value: 'bob.simon' },
    ]);
    expectStatus(response, 200);
    expect(response.body.id).toBe(id);
    expect(await entryOf(admin, dn())).toBeUndefined();
    const moved = await entryOf(admin, newDn);
    expect(values(moved, 'entryUUID')).toEqual([id]);
    expect(values(moved, 'uid')).toEqual(['bob.simon']);
    expect((await scim.get(`/Users/${id}`)).body[ECMA_USER_URN]['-dn-'].toLowerCase()).toBe(newDn.toLowerCase());
  });

  it('export_password becomes userPassword: the user binds with it; the host logs never carry it', async () => {
    const password = `Init-${randomUUID()}`;
    const created = await scim.post('/Users', entraBody('pwd.user', { export_password: password }));
    expectStatus(created, 201);
    expect(created.text).not.toContain(password);
    const user = new Client({ url: slapd.url, timeout: 10000 });
    await user.bind(`uid=pwd.user,${slapd.peopleDn}`, password);
    await user.unbind();
    expect(JSON.stringify(await host.cachedObjects('openldap'))).not.toContain(password);
  });

  it('bad input: a missing MUST attribute is 400 naming it and writes nothing; an invalid -dn- is 400; a retried create is 409', async () => {
    const noSn = await scim.post('/Users', { schemas: [CORE_USER_URN, ECMA_USER_URN], [ECMA_USER_URN]: { uid: 'nosn', cn: 'No Sn' } });
    expectScimError(noSn, 400, 'invalidValue');
    expect(noSn.body.detail).toContain(':sn');
    expect(await byUid(admin, slapd.baseDn, 'nosn')).toEqual([]);

    const badDn = await scim.post('/Users', entraBody('baddn', { '-dn-': 'not a distinguished name' }));
    expectScimError(badDn, 400, 'invalidValue');
    const outside = await scim.post('/Users', entraBody('outside', { '-dn-': 'uid=outside,dc=elsewhere,dc=org' }));
    expectScimError(outside, 400, 'invalidValue');
    const unknownClass = await scim.post('/Users', entraBody('oc', { objectClass: ['inetOrgPerson', 'noSuchClass'] }));
    expectScimError(unknownClass, 400, 'invalidValue');
    for (const uid of ['baddn', 'outside', 'oc']) expect(await byUid(admin, slapd.baseDn, uid)).toEqual([]);

    const again = await scim.post('/Users', entraBody('adele'));
    expectScimError(again, 409, 'uniqueness');
    expect(await byUid(admin, slapd.baseDn, 'adele')).toHaveLength(1);
  });

  it('a filter-shaped value is a value: *)(uid=* matches nothing, and is stored escaped', async () => {
    const probe = await scim.filter(`${ext('uid')} eq "*)(uid=*"`);
    expectStatus(probe, 200);
    expect(probe.body.totalResults).toBe(0);
    const created = await scim.post('/Users', entraBody('*)(uid=*'));
    expectStatus(created, 201);
    expect((await byUid(admin, slapd.peopleDn, '*)(uid=*')).map((e) => values(e, 'uid'))).toEqual([['*)(uid=*']]);
    const found = await scim.filter(`${ext('uid')} eq "*)(uid=*"`);
    expect(found.body.totalResults).toBe(1);
  });

  it('disable (active false) deletes the entry, as the tutorial\'s disable flow says', async () => {
    const adele = (await scim.filter(`${ext('uid')} eq "adele"`)).body.Resources[0].id;
    const response = await scim.patch(`/Users/${adele}`, [{ op: 'Replace', path: 'active', value: 'False' }]);
    expectStatus(response, 200);
    expect(await byUid(admin, slapd.baseDn, 'adele')).toEqual([]);
  });

  it('DELETE deletes the entry; then GET is 404', async () => {
    const response = await scim.delete(`/Users/${id}`);
    expectStatus(response, 204);
    expect(await byUid(admin, slapd.baseDn, 'bob.simon')).toEqual([]);
    expectScimError(await scim.get(`/Users/${id}`), 404);
  });

  it('a full import picks up an entry added directly in the directory', async () => {
    await admin.add(`uid=direct,${slapd.peopleDn}`, { objectClass: ['inetOrgPerson'], uid: 'direct', cn: 'Direct', sn: 'Add', mail: ['d1@x.org', 'd2@x.org'] });
    await host.fullImport('openldap');
    const found = await scim.filter(`${ext('uid')} eq "direct"`);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0][ECMA_USER_URN].mail.sort()).toEqual(['d1@x.org', 'd2@x.org']);
  });
});

describe('Entra ID → examples/openldap-posix.yaml → slapd: host-side rules', () => {
  let slapd: SlapdServer;
  let host: E2eHost;
  let scim: ScimClient;
  let admin: Client;

  beforeAll(async () => {
    slapd = await startSlapd();
    admin = new Client({ url: slapd.url, timeout: 20000 });
    await admin.bind(slapd.bindDn, slapd.bindPassword);
    // uidNumber 10000 is taken already: the allocator must skip it
    await admin.add(`uid=root0,${slapd.peopleDn}`, {
      objectClass: ['inetOrgPerson', 'posixAccount'],
      uid: 'root0',
      cn: 'Root',
      sn: 'Zero',
      uidNumber: '10000',
      gidNumber: '10000',
      homeDirectory: '/home/root0',
    });
    host = await E2eHost.start({ connectors: ['posix'], connectorsYaml: { text: example('openldap-posix.yaml'), env: ldapEnv(slapd) } });
    scim = host.scim('posix');
  });
  afterAll(async () => {
    await admin?.unbind().catch(() => undefined);
    await host?.close();
    await slapd?.stop();
  });

  it('fills gidNumber, homeDirectory, loginShell and a unique uidNumber on create, as the tutorial\'s POSIX entry', async () => {
    const created = await scim.post('/Users', {
      schemas: [CORE_USER_URN, ECMA_USER_URN],
      [ECMA_USER_URN]: { uid: 'bsimon', cn: 'bsimon', sn: 'simon', objectClass: ['inetOrgPerson', 'posixAccount', 'shadowAccount'] },
    });
    expectStatus(created, 201);
    const entry = await entryOf(admin, `uid=bsimon,${slapd.peopleDn}`);
    expect(values(entry, 'gidNumber')).toEqual(['10000']);
    expect(values(entry, 'homeDirectory')).toEqual(['/home/bsimon']);
    expect(values(entry, 'loginShell')).toEqual(['/bin/bash']);
    expect(values(entry, 'uidNumber')).toEqual(['10001']);
    expect(values(entry, 'objectClass').map((c) => c.toLowerCase())).toEqual(expect.arrayContaining(['inetorgperson', 'posixaccount', 'shadowaccount']));
    expect(created.body[ECMA_USER_URN]).toEqual(expect.objectContaining({ uidNumber: 10001, gidNumber: 10000 }));
  });

  it('a value Entra sends wins over a rule', async () => {
    const created = await scim.post('/Users', {
      schemas: [CORE_USER_URN, ECMA_USER_URN],
      [ECMA_USER_URN]: { uid: 'own', cn: 'own', sn: 'own', homeDirectory: '/srv/own', uidNumber: 20000 },
    });
    expectStatus(created, 201);
    const entry = await entryOf(admin, `uid=own,${slapd.peopleDn}`);
    expect(values(entry, 'homeDirectory')).toEqual(['/srv/own']);
    expect(values(entry, 'uidNumber')).toEqual(['20000']);
  });

  it('40 concurrent creates through the export partitions get 40 distinct uidNumbers, none already held', async () => {
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        scim.post('/Users', { schemas: [CORE_USER_URN, ECMA_USER_URN], [ECMA_USER_URN]: { uid: `c${i}`, cn: `c${i}`, sn: 'c' } }),
      ),
    );
    for (const response of responses) expectStatus(response, 201);
    const { searchEntries } = await admin.search(slapd.peopleDn, { scope: 'one', filter: '(uidNumber=*)', attributes: ['uid', 'uidNumber'] });
    const numbers = searchEntries.map((e) => Number(values(e, 'uidNumber')[0]));
    expect(numbers).toHaveLength(43);
    expect(new Set(numbers).size).toBe(43);
    const allocated = searchEntries.filter((e) => /^c\d+$/.test(values(e, 'uid')[0]!)).map((e) => Number(values(e, 'uidNumber')[0]));
    expect(allocated.every((n) => n > 10000 && n <= 60000 && n !== 20000)).toBe(true);
  });

  it('a duplicate uidNumber from Entra is 409 and writes nothing', async () => {
    const duplicate = await scim.post('/Users', {
      schemas: [CORE_USER_URN, ECMA_USER_URN],
      [ECMA_USER_URN]: { uid: 'dup', cn: 'dup', sn: 'dup', uidNumber: 20000 },
    });
    expectScimError(duplicate, 409, 'uniqueness');
    expect(await byUid(admin, slapd.baseDn, 'dup')).toEqual([]);
  });
});
