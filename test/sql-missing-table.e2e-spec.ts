/**
 * Issue 11 item 2 on a SQL target: a connector with users and groups whose database has the users'
 * table but not the groups' one. The table is that object type's configuration problem: users are
 * served (created and deleted, the row checked in the database), /Schemas answers, and a write to
 * Groups answers at once with a SCIM error naming the missing table and the key to fix.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createTempDir, type TempDir } from '@connector-host/testing';
import { CORE_USER_URN, E2eHost, expectStatus, type ScimClient } from './support/host';

const EMPLOYEES_DDL = readFileSync(join(__dirname, '..', 'config', 'demo-employees.sql'), 'utf8');

describe('SQL: a missing groups table breaks only groups', () => {
  let dir: TempDir;
  let file: string;
  let host: E2eHost;
  let scim: ScimClient;

  beforeAll(async () => {
    dir = createTempDir('connector-host-sql-missing-');
    file = join(dir.path, 'hr.sqlite');
    const db = new Database(file);
    db.exec(EMPLOYEES_DDL);
    db.close();
    const yaml = `connectors:
  hr:
    type: sql
    secretToken: \${HR_SECRET_TOKEN}
    autosyncMinutes: 0
    connection: { dialect: sqlite, file: ${JSON.stringify(file)} }
    objectTypes:
      User:
        anchor: ContosoLogin
        queryAttributes: [ContosoLogin]
        attributes: [ContosoLogin, FirstName, LastName]
        scim: { userName: ContosoLogin, name.givenName: FirstName, name.familyName: LastName }
        deprovisioning: { disable: delete, delete: delete }
        target: { table: Employees }
      Group:
        anchor: Id
        queryAttributes: [DisplayName]
        scim: { displayName: DisplayName }
        deprovisioning: { delete: delete }
        target: { table: Teams }
`;
    host = await E2eHost.start({ connectors: ['hr'], connectorsYaml: { text: yaml, env: {} } });
    scim = host.scim('hr');
  });
  afterAll(async () => {
    await host?.close();
    dir?.remove();
  });

  const rows = (): unknown[] => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT ContosoLogin, FirstName FROM Employees ORDER BY ContosoLogin').all();
    } finally {
      db.close();
    }
  };

  it('users are served and /Schemas answers with the User schemas', async () => {
    const created = await scim.post('/Users', { schemas: [CORE_USER_URN], userName: 'ada', name: { givenName: 'Ada', familyName: 'King' } });
    expectStatus(created, 201);
    expect(rows()).toEqual([{ ContosoLogin: 'ada', FirstName: 'Ada' }]);
    const schemas = await scim.get('/Schemas');
    expectStatus(schemas, 200);
    expect((schemas.body.Resources as Array<{ id: string }>).map((s) => s.id)).toContain('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User');
    expectStatus(await scim.delete('/Users/ada'), 204);
    expect(rows()).toEqual([]);
  });

  it('a group write answers at once with a SCIM error naming the table and the key to fix', async () => {
    const refused = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Sales' });
    expect(refused.status).toBe(503);
    expect(refused.body.detail).toContain('configuration problem: table "Teams" (objectTypes.Group.target.table) was not found');
    expect(refused.body.detail).not.toMatch(/did not answer within|not been discovered/);
  });
});
