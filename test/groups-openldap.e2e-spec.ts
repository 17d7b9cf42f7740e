/**
 * Entra ID's group sequence over HTTP against a real slapd: groups as groupOfNames, members as the
 * members' DNs, manager as the manager's DN; then the directory itself read with ldapts. Also the
 * import of groups (full and delta) and the bad inputs of membership changes.
 */
import { randomUUID } from 'node:crypto';
import { Attribute, Change, Client, type Entry } from 'ldapts';
import { startSlapd, type SlapdServer } from '@connector-host/testing';
import { entryOf, ldapEnv, values } from './support/ldap';
import { CORE_USER_URN, E2eHost, ECMA_USER_URN, expectScimError, expectStatus, LIST_RESPONSE_URN, waitFor, type ScimClient } from './support/host';

const CORE_GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const CONFIG = `
connectors:
  directory:
    type: ldap
    secretToken: \${DIRECTORY_SECRET_TOKEN}
    runProfiles: { deltaImport: true }
    connection: { url: "\${LDAP_URL}", bindDn: "\${LDAP_BIND_DN}", bindPassword: "\${LDAP_BIND_PASSWORD}", baseDn: "\${LDAP_BASE_DN}" }
    objectTypes:
      User:
        anchor: entryUUID
        queryAttributes: [uid]
        dn: { template: "uid={uid},ou=People,\${LDAP_BASE_DN}" }
        attributes: [uid, cn, sn, manager]
        scim:
          userName: uid
          name.familyName: sn
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager': manager
        target: { objectClasses: [inetOrgPerson], base: "ou=People,\${LDAP_BASE_DN}", singleValue: [uid, cn, sn, manager] }
      Group:
        anchor: entryUUID
        queryAttributes: [cn]
        dn: { template: "cn={cn},ou=Groups,\${LDAP_BASE_DN}" }
        attributes: [cn, description, member]
        scim:
          displayName: cn
          members: member
        target:
          objectClasses: [groupOfNames]
          base: "ou=Groups,\${LDAP_BASE_DN}"
          singleValue: [cn, description]
          emptyGroupPlaceholder: "cn=empty-group-placeholder,\${LDAP_BASE_DN}"
`;


describe('Entra ID groups → slapd (groupOfNames, member DNs, manager DN)', () => {
  let slapd: SlapdServer;
  let host: E2eHost;
  let scim: ScimClient;
  let admin: Client;
  const ids = new Map<string, string>();
  const userDn = (uid: string): string => `uid=${uid},${slapd.peopleDn}`;
  const groupDn = (cn: string): string => `cn=${cn},ou=Groups,${slapd.baseDn}`;

  const entry = (dn: string): Promise<Entry | undefined> => entryOf(admin, dn);

  /** Modify operations on an entry, as slapd's accesslog recorded them. */
  async function modifiesOf(dn: string): Promise<number> {
    const { searchEntries } = await admin.search('cn=accesslog', { scope: 'one', filter: `(&(reqType=modify)(reqDN=${dn}))`, attributes: ['reqStart'] });
    return searchEntries.length;
  }

  const membersOf = async (cn: string): Promise<string[]> => values(await entry(groupDn(cn)), 'member').map((dn) => dn.toLowerCase());

  beforeAll(async () => {
    slapd = await startSlapd();
    admin = new Client({ url: slapd.url, timeout: 20000 });
    await admin.bind(slapd.bindDn, slapd.bindPassword);
    // 300 users and a group that exist before the host starts: the start import must resolve them
    for (let i = 0; i < 300; i++) await admin.add(userDn(`bulk${i}`), { objectClass: ['inetOrgPerson'], uid: `bulk${i}`, cn: `Bulk ${i}`, sn: 'Bulk' });
    await admin.add(groupDn('existing'), {
      objectClass: ['groupOfNames'],
      cn: 'existing',
      // the admin is no managed user: the host must hide it, not fail on it
      member: [userDn('bulk0'), userDn('bulk1'), slapd.bindDn],
    });
    host = await E2eHost.start({
      connectors: ['directory'],
      connectorsYaml: {
        text: CONFIG,
        env: ldapEnv(slapd),
      },
    });
    scim = host.scim('directory');
  });
  afterAll(async () => {
    await admin?.unbind().catch(() => undefined);
    await host?.close();
    await slapd?.stop();
  });

  it('the start import shows the existing group with its managed members as ids, the unmanaged one hidden', async () => {
    const users = await scim.filter('userName eq "bulk0"');
    const bulk1 = await scim.filter('userName eq "bulk1"');
    const found = await scim.filter('displayName eq "existing"', 'Groups');
    expectStatus(found, 200);
    expect(found.body.totalResults).toBe(1);
    const members = (found.body.Resources[0].members as Array<{ value: string }>).map((m) => m.value).sort();
    expect(members).toEqual([users.body.Resources[0].id, bulk1.body.Resources[0].id].sort());
  });

  it('creates users, then an empty group as Entra does: 201, then the group is found by displayName without members', async () => {
    for (const uid of ['ada', 'bob', 'carol']) {
      const created = await scim.post('/Users', { schemas: [CORE_USER_URN], userName: uid, name: { familyName: uid.toUpperCase() }, [ECMA_USER_URN]: { cn: uid } });
      expectStatus(created, 201);
      ids.set(uid, created.body.id);
    }
    // Entra creates the group empty; groupOfNames needs a member: the configured placeholder holds the place
    const group = await scim.post('/Groups', { schemas: [CORE_GROUP_URN], displayName: 'ops', members: [] });
    expectStatus(group, 201);
    ids.set('ops', group.body.id);
    expect(group.body.members).toBeUndefined();
    expect(await membersOf('ops')).toEqual([`cn=empty-group-placeholder,${slapd.baseDn}`.toLowerCase()]);
    expect(values(await entry(groupDn('ops')), 'entryUUID')).toEqual([group.body.id]);
    // the first member replaces the placeholder
    expectStatus(await scim.patch(`/Groups/${group.body.id}`, [{ op: 'add', path: 'members', value: [{ value: ids.get('ada') }] }]), 204);
    expect(await membersOf('ops')).toEqual([userDn('ada').toLowerCase()]);

    const match = await scim.request('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "ops"')}`);
    expectStatus(match, 200);
    expect(match.body).toEqual(expect.objectContaining({ schemas: [LIST_RESPONSE_URN], totalResults: 1 }));
    expect(match.body.Resources[0].id).toBe(group.body.id);
    expect(match.body.Resources[0].members).toBeUndefined();
    expect((await scim.filter(`displayName eq "${randomUUID()}"`, 'Groups')).body.totalResults).toBe(0);
  });

  it('PATCH adds members (old dialect, value array): 204, DNs in the directory', async () => {
    const response = await scim.patch(`/Groups/${ids.get('ops')}`, [{ op: 'Add', path: 'members', value: [{ value: ids.get('bob') }, { value: ids.get('carol') }] }]);
    expectStatus(response, 204);
    expect(response.body).toBeFalsy();
    expect(await membersOf('ops')).toEqual(['ada', 'bob', 'carol'].map((u) => userDn(u).toLowerCase()).sort());
  });

  it('a Remove of members with a value array removes exactly those members, never all', async () => {
    const response = await scim.patch(`/Groups/${ids.get('ops')}`, [{ op: 'Remove', path: 'members', value: [{ value: ids.get('bob') }] }]);
    expectStatus(response, 204);
    expect(await membersOf('ops')).toEqual(['ada', 'carol'].map((u) => userDn(u).toLowerCase()).sort());
  });

  it('members[value eq "…"] removes that member; GET shows the rest as ids', async () => {
    const response = await scim.patch(`/Groups/${ids.get('ops')}`, [{ op: 'remove', path: `members[value eq "${ids.get('carol')}"]` }]);
    expectStatus(response, 204);
    expect(await membersOf('ops')).toEqual([userDn('ada').toLowerCase()]);
    const group = await scim.get(`/Groups/${ids.get('ops')}`);
    expectStatus(group, 200);
    expect(group.body.members).toEqual([{ value: ids.get('ada') }]);
    expect(group.body.schemas).toContain(CORE_GROUP_URN);
    expect(group.body.displayName).toBe('ops');
  });

  it('an unknown member id is 400 invalidValue naming it, and the directory is unchanged', async () => {
    const unknown = randomUUID();
    const response = await scim.patch(`/Groups/${ids.get('ops')}`, [{ op: 'add', path: 'members', value: [{ value: ids.get('bob') }, { value: unknown }] }]);
    expectScimError(response, 400, 'invalidValue');
    expect(response.body.detail).toContain(unknown);
    expect(await membersOf('ops')).toEqual([userDn('ada').toLowerCase()]);
  });

  it('300 members in one PATCH: one change, every DN in the directory', async () => {
    const bulk = [];
    for (let i = 0; i < 300; i++) bulk.push((await scim.filter(`userName eq "bulk${i}"`)).body.Resources[0].id as string);
    const modifies = await modifiesOf(groupDn('ops'));
    const response = await scim.patch(`/Groups/${ids.get('ops')}`, [{ op: 'add', path: 'members', value: bulk.map((value) => ({ value })) }]);
    expectStatus(response, 204);
    expect(await modifiesOf(groupDn('ops'))).toBe(modifies + 1);
    const members = await membersOf('ops');
    expect(members).toHaveLength(301);
    expect(members).toContain(userDn('bulk299').toLowerCase());
    const group = await scim.get(`/Groups/${ids.get('ops')}`);
    expect(group.body.members).toHaveLength(301);
    // the same adds again change nothing and fail nothing
    expectStatus(await scim.patch(`/Groups/${ids.get('ops')}`, [{ op: 'add', path: 'members', value: bulk.slice(0, 10).map((value) => ({ value })) }]), 204);
    expect(await membersOf('ops')).toHaveLength(301);
    // and the path-less new dialect replaces the whole list
    const replaced = await scim.patch(`/Groups/${ids.get('ops')}`, [{ op: 'replace', value: { members: [{ value: ids.get('ada') }, { value: ids.get('bob') }] } }]);
    expectStatus(replaced, 204);
    expect(await membersOf('ops')).toEqual(['ada', 'bob'].map((u) => userDn(u).toLowerCase()).sort());
  });

  it('manager in the three shapes Entra sends becomes the manager’s DN; GET shows the manager’s id', async () => {
    const bob = `/Users/${ids.get('bob')}`;
    const shapes: unknown[] = [
      { op: 'Add', path: `${ENTERPRISE_URN}:manager`, value: ids.get('ada') },
      { op: 'replace', path: `${ENTERPRISE_URN}:manager`, value: { value: ids.get('carol') } },
      { op: 'Add', path: `${ENTERPRISE_URN}:manager`, value: [{ $ref: null, value: ids.get('ada') }] },
    ];
    const expected = ['ada', 'carol', 'ada'];
    for (const [i, operation] of shapes.entries()) {
      expectStatus(await scim.patch(bob, [operation]), 200);
      expect(values(await entry(userDn('bob')), 'manager').map((d) => d.toLowerCase())).toEqual([userDn(expected[i]).toLowerCase()]);
    }
    const user = await scim.get(bob);
    expect(user.body[ENTERPRISE_URN]).toEqual(expect.objectContaining({ manager: { value: ids.get('ada') } }));
    expectStatus(await scim.patch(bob, [{ op: 'remove', path: `${ENTERPRISE_URN}:manager` }]), 200);
    expect(values(await entry(userDn('bob')), 'manager')).toEqual([]);
  });

  it('a group changed in the directory shows up after a delta import, then after a full import', async () => {
    await admin.modify(groupDn('ops'), new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [userDn('carol')] }) }));
    await host.requestDeltaImport('directory');
    await waitFor('the delta import to show carol in ops', 30_000, async () => {
      const group = await scim.get(`/Groups/${ids.get('ops')}`);
      return (group.body.members as Array<{ value: string }>).some((m) => m.value === ids.get('carol'));
    });
    await host.fullImport('directory');
    const group = await scim.get(`/Groups/${ids.get('ops')}`);
    expect((group.body.members as Array<{ value: string }>).map((m) => m.value).sort()).toEqual(['ada', 'bob', 'carol'].map((u) => ids.get(u)).sort());
  });

  it('renaming a member’s DN (PATCH -dn-) keeps the membership right, and the group keeps showing the same id', async () => {
    const renamed = await scim.patch(`/Users/${ids.get('carol')}`, [{ op: 'replace', path: `${ECMA_USER_URN}:-dn-`, value: `uid=carol,ou=People,${slapd.baseDn}`.replace('uid=carol', 'uid=caroline') }]);
    expectStatus(renamed, 200);
    expect(renamed.body.id).toBe(ids.get('carol'));
    const members = await membersOf('ops');
    expect(members).toContain(`uid=caroline,${slapd.peopleDn}`.toLowerCase());
    expect(members).not.toContain(userDn('carol').toLowerCase());
    const group = await scim.get(`/Groups/${ids.get('ops')}`);
    expect((group.body.members as Array<{ value: string }>).map((m) => m.value)).toContain(ids.get('carol'));
  });

  it('removing every member leaves the placeholder in the directory and no members in SCIM', async () => {
    expectStatus(await scim.patch(`/Groups/${ids.get('ops')}`, [{ op: 'remove', path: 'members' }]), 204);
    expect(await membersOf('ops')).toEqual([`cn=empty-group-placeholder,${slapd.baseDn}`.toLowerCase()]);
    expect((await scim.get(`/Groups/${ids.get('ops')}`)).body.members).toBeUndefined();
    await host.fullImport('directory');
    expect((await scim.get(`/Groups/${ids.get('ops')}`)).body.members).toBeUndefined();
  });

  it('DELETE of the group is 204 and the entry is gone', async () => {
    expectStatus(await scim.delete(`/Groups/${ids.get('ops')}`), 204);
    expect(await entry(groupDn('ops'))).toBeUndefined();
    expectScimError(await scim.get(`/Groups/${ids.get('ops')}`), 404);
  });
});
