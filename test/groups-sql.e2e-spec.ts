/**
 * Entra ID's group sequence over HTTP against examples/sql-groups.yaml on a real PostgreSQL made by
 * examples/sql/groups.postgres.sql: groups in "Groups", memberships in "GroupMembers", the manager
 * in "Users"."Manager"; after every step the tables themselves are read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startPostgres, type PostgresServer } from '@connector-host/testing';
import { CORE_USER_URN, E2eHost, expectScimError, expectStatus, type ScimClient } from './support/host';

const CORE_GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const root = join(__dirname, '..');

describe('Entra ID groups → examples/sql-groups.yaml → PostgreSQL', () => {
  let postgres: PostgresServer;
  let db: Client;
  let host: E2eHost;
  let scim: ScimClient;
  let group: string;

  const membersOf = async (id: string): Promise<string[]> =>
    (await db.query('SELECT "MemberId" FROM "GroupMembers" WHERE "GroupId" = $1 ORDER BY 1', [id])).rows.map((r: { MemberId: string }) => r.MemberId);
  const membersInScim = async (id: string): Promise<string[]> => {
    const response = await scim.get(`/Groups/${id}`);
    expectStatus(response, 200);
    return ((response.body.members ?? []) as Array<{ value: string }>).map((m) => m.value).sort();
  };

  beforeAll(async () => {
    postgres = await startPostgres();
    const url = await postgres.createDatabase();
    db = new Client({ connectionString: url });
    await db.connect();
    await db.query(readFileSync(join(root, 'examples/sql/groups.postgres.sql'), 'utf8'));
    host = await E2eHost.start({ connectors: ['contoso'], connectorsYaml: { text: readFileSync(join(root, 'examples/sql-groups.yaml'), 'utf8'), env: { PG_URL: url } } });
    scim = host.scim('contoso');
    for (const login of ['ada', 'bob', 'carol']) {
      const created = await scim.post('/Users', { schemas: [CORE_USER_URN], userName: login, name: { givenName: login, familyName: 'Example' }, active: true });
      expectStatus(created, 201);
    }
  });
  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await host?.close();
    await postgres?.stop();
  });

  it('POST an empty group: 201 with the id the database gave it; found by displayName without members', async () => {
    const created = await scim.post('/Groups', { schemas: [CORE_GROUP_URN], displayName: 'Engineering', members: [] });
    expectStatus(created, 201);
    group = created.body.id;
    const rows = (await db.query('SELECT "Id", "DisplayName" FROM "Groups"')).rows;
    expect(rows).toEqual([{ Id: group, DisplayName: 'Engineering' }]);
    const found = await scim.request('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Engineering"')}`);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0]).toEqual(expect.objectContaining({ id: group, displayName: 'Engineering' }));
    expect(found.body.Resources[0].members).toBeUndefined();
  });

  it('adds and removes members in both dialects, 204 each time; the membership table follows', async () => {
    expectStatus(await scim.patch(`/Groups/${group}`, [{ op: 'Add', path: 'members', value: [{ value: 'ada' }, { value: 'bob' }, { value: 'carol' }] }]), 204);
    expect(await membersOf(group)).toEqual(['ada', 'bob', 'carol']);
    expectStatus(await scim.patch(`/Groups/${group}`, [{ op: 'Remove', path: 'members', value: [{ value: 'bob' }] }]), 204);
    expect(await membersOf(group)).toEqual(['ada', 'carol']);
    expectStatus(await scim.patch(`/Groups/${group}`, [{ op: 'remove', path: 'members[value eq "carol"]' }]), 204);
    expect(await membersOf(group)).toEqual(['ada']);
    expectStatus(await scim.patch(`/Groups/${group}`, [{ op: 'replace', value: { displayName: 'Engineering EU', members: [{ value: 'ada' }, { value: 'bob' }] } }]), 204);
    expect(await membersOf(group)).toEqual(['ada', 'bob']);
    expect((await db.query('SELECT "DisplayName" FROM "Groups" WHERE "Id" = $1', [group])).rows[0].DisplayName).toBe('Engineering EU');
    expect(await membersInScim(group)).toEqual(['ada', 'bob']);
  });

  it('a bad PATCH is a SCIM error and changes nothing', async () => {
    expectScimError(await scim.patch(`/Groups/${group}`, [{ op: 'add', path: 'members', value: [[{ value: 'carol' }]] }]), 400, 'invalidValue');
    expectScimError(await scim.patch(`/Groups/${group}`, [{ op: 'explode', path: 'members', value: [] }]), 400, 'invalidSyntax');
    expectScimError(await scim.patch(`/Groups/${randomUUID()}`, [{ op: 'add', path: 'members', value: [{ value: 'carol' }] }]), 404);
    expect(await membersOf(group)).toEqual(['ada', 'bob']);
  });

  it('manager in the shapes Entra sends is the manager’s anchor in the Manager column', async () => {
    expectStatus(await scim.patch('/Users/bob', [{ op: 'Add', path: `${ENTERPRISE_URN}:manager`, value: 'ada' }]), 200);
    expect((await db.query('SELECT "Manager" FROM "Users" WHERE "ContosoLogin" = $1', ['bob'])).rows[0].Manager).toBe('ada');
    expectStatus(await scim.patch('/Users/carol', [{ op: 'replace', path: `${ENTERPRISE_URN}:manager`, value: { value: 'ada' } }]), 200);
    expect((await db.query('SELECT "Manager" FROM "Users" WHERE "ContosoLogin" = $1', ['carol'])).rows[0].Manager).toBe('ada');
    expect((await scim.get('/Users/bob')).body[ENTERPRISE_URN]).toEqual(expect.objectContaining({ manager: { value: 'ada' } }));
  });

  it('deleting a user removes it from the group in the table and in what SCIM shows, and from its reports’ manager', async () => {
    expectStatus(await scim.delete('/Users/ada'), 204);
    expect(await membersOf(group)).toEqual(['bob']);
    expect(await membersInScim(group)).toEqual(['bob']);
    expect((await db.query('SELECT "Manager" FROM "Users" WHERE "ContosoLogin" = $1', ['bob'])).rows[0].Manager).toBeNull();
    expect((await scim.get('/Users/bob')).body[ENTERPRISE_URN]?.manager).toBeUndefined();
  });

  it('a full import reads groups and memberships back from the tables', async () => {
    await db.query('INSERT INTO "GroupMembers" ("GroupId", "MemberId") VALUES ($1, $2)', [group, 'carol']);
    await host.fullImport('contoso');
    expect(await membersInScim(group)).toEqual(['bob', 'carol']);
  });

  it('DELETE of the group: 204, the row and its memberships are gone', async () => {
    expectStatus(await scim.delete(`/Groups/${group}`), 204);
    expect((await db.query('SELECT count(*)::int AS n FROM "Groups"')).rows[0].n).toBe(0);
    expect((await db.query('SELECT count(*)::int AS n FROM "GroupMembers"')).rows[0].n).toBe(0);
    expectScimError(await scim.get(`/Groups/${group}`), 404);
  });
});
