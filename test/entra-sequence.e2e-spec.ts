/**
 * Entra ID's request sequences against the whole host, checked in the target table afterwards:
 * test connection, schema discovery, match-then-create, both PATCH dialects, disable, delete, a
 * retried create, Okta-style core attributes, PUT, the troubleshooting surface and imports.
 */
import { randomUUID } from 'node:crypto';
import {
  CORE_USER_URN,
  E2eHost,
  ECMA_USER_URN,
  EMPLOYEE_COLUMNS,
  expectScimError,
  expectStatus,
  LIST_RESPONSE_URN,
  type EmployeeRow,
  type ScimClient,
} from './support/host';

const ext = (attribute: string) => `${ECMA_USER_URN}:${attribute}`;

/** The body Entra's ECMA app sends on create: everything under the ECMA2Host extension, plus `active`. */
function entraCreateBody(login: string, overrides: Record<string, unknown> = {}) {
  return {
    active: true,
    schemas: [CORE_USER_URN, ECMA_USER_URN],
    [ECMA_USER_URN]: {
      AzureID: `aad-${login}`,
      ContosoLogin: login,
      Email: `${login}@contoso.com`,
      FirstName: 'Adele',
      LastName: 'Vance',
      textID: '1001',
      ...overrides,
    },
  };
}

function expectedRow(login: string, changes: Partial<EmployeeRow> = {}): EmployeeRow {
  return {
    ContosoLogin: login,
    FirstName: 'Adele',
    LastName: 'Vance',
    Email: `${login}@contoso.com`,
    AzureID: `aad-${login}`,
    textID: '1001',
    Enabled: 1,
    ...changes,
  };
}

describe('Entra ID provisioning sequences (whole host, SQLite target)', () => {
  let host: E2eHost;
  let scim: ScimClient;

  beforeAll(async () => {
    host = await E2eHost.start();
    scim = host.scim('demo');
  });
  afterAll(async () => {
    await host?.close();
  });

  async function create(login: string, overrides: Record<string, unknown> = {}) {
    const response = await scim.post('/Users', entraCreateBody(login, overrides));
    expectStatus(response, 201);
    expect(response.body.id).toBe(login);
    return response;
  }

  describe('test connection', () => {
    it('answers a filter on a random value with 200 and an empty ListResponse', async () => {
      const response = await scim.filter(`userName eq "${randomUUID()}"`);
      expectStatus(response, 200);
      expect(response.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(response.body).toEqual(expect.objectContaining({ schemas: [LIST_RESPONSE_URN], totalResults: 0 }));
      expect(response.body.Resources ?? []).toEqual([]);
    });

    it('answers the ECMA2Host extension filter form with 200 and an empty ListResponse', async () => {
      const response = await scim.filter(`${ext('ContosoLogin')} eq "x"`);
      expectStatus(response, 200);
      expect(response.body).toEqual(expect.objectContaining({ schemas: [LIST_RESPONSE_URN], totalResults: 0 }));
      expect(response.body.Resources ?? []).toEqual([]);
    });
  });

  describe('schema discovery', () => {
    it('/Schemas lists the ECMA2Host extension with every Employees column', async () => {
      const response = await scim.get('/Schemas');
      expectStatus(response, 200);
      expect(response.body.schemas).toEqual([LIST_RESPONSE_URN]);
      const ids = (response.body.Resources as Array<{ id: string }>).map((s) => s.id);
      expect(ids).toEqual(expect.arrayContaining([CORE_USER_URN, ECMA_USER_URN]));
      const extension = (response.body.Resources as Array<{ id: string; attributes: Array<{ name: string; type: string }> }>).find(
        (s) => s.id === ECMA_USER_URN,
      )!;
      const names = extension.attributes.map((a) => a.name);
      expect(names).toEqual(expect.arrayContaining([...EMPLOYEE_COLUMNS]));
      expect(extension.attributes.find((a) => a.name === 'Enabled')?.type).toBe('boolean');
      expect(extension.attributes.find((a) => a.name === 'ContosoLogin')?.type).toBe('string');
    });

    it('/Schemas/<ECMA2Host URN> answers the one schema', async () => {
      const response = await scim.get(`/Schemas/${ECMA_USER_URN}`);
      expectStatus(response, 200);
      expect(response.body.id).toBe(ECMA_USER_URN);
    });

    it('/ResourceTypes lists User with its ECMA2Host extension', async () => {
      const response = await scim.get('/ResourceTypes');
      expectStatus(response, 200);
      const user = (response.body.Resources as Array<Record<string, unknown>>).find((r) => r.name === 'User');
      expect(user).toEqual(
        expect.objectContaining({
          endpoint: '/Users',
          schema: CORE_USER_URN,
          schemaExtensions: expect.arrayContaining([expect.objectContaining({ schema: ECMA_USER_URN })]),
        }),
      );
    });

    it('/ServiceProviderConfig says PATCH and filters are supported, bulk is not', async () => {
      const response = await scim.get('/ServiceProviderConfig');
      expectStatus(response, 200);
      expect(response.body).toEqual(
        expect.objectContaining({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
          patch: { supported: true },
          filter: expect.objectContaining({ supported: true }),
          bulk: expect.objectContaining({ supported: false }),
        }),
      );
    });
  });

  describe('user lifecycle', () => {
    const login = 'adele';
    const location = () => `${scim.base}/Users/${login}`;

    it('matches (no result), then creates with the ECMA app body: 201, id = ContosoLogin, Location, row in the table', async () => {
      const match = await scim.filter(`${ext('ContosoLogin')} eq "${login}"`);
      expectStatus(match, 200);
      expect(match.body.totalResults).toBe(0);
      expect(host.row(login)).toBeUndefined();

      const created = await create(login);
      expect(created.headers.get('location')).toBe(location());
      expect(created.body.meta).toEqual(expect.objectContaining({ resourceType: 'User', location: location() }));
      expect(created.body[ECMA_USER_URN]).toEqual(
        expect.objectContaining({ ContosoLogin: login, FirstName: 'Adele', LastName: 'Vance', Email: 'adele@contoso.com', textID: '1001' }),
      );
      expect(created.body.active).toBe(true);
      expect(host.table()).toEqual([expectedRow(login)]);
    });

    it('finds the created user by matching filter, by userName and by id', async () => {
      for (const filter of [`${ext('ContosoLogin')} eq "${login}"`, `userName eq "${login}"`, `userName eq "ADELE"`]) {
        const found = await scim.filter(filter);
        expect({ filter, status: found.status, total: found.body.totalResults }).toEqual({ filter, status: 200, total: 1 });
        expect(found.body.Resources[0].id).toBe(login);
      }
      const byId = await scim.get(`/Users/${login}`);
      expectStatus(byId, 200);
      expect(byId.body).toEqual(
        expect.objectContaining({
          id: login,
          userName: login,
          active: true,
          externalId: 'aad-adele',
          name: expect.objectContaining({ givenName: 'Adele', familyName: 'Vance' }),
          emails: [expect.objectContaining({ type: 'work', value: 'adele@contoso.com' })],
          meta: expect.objectContaining({ resourceType: 'User', location: location() }),
        }),
      );
      expect(byId.body.schemas).toEqual(expect.arrayContaining([CORE_USER_URN, ECMA_USER_URN]));
      expect(byId.body[ECMA_USER_URN]).toEqual(expect.objectContaining({ ContosoLogin: login, AzureID: 'aad-adele', Enabled: true }));
    });

    it('PATCH, old dialect ("Replace", path-less value object keyed by URN paths, "Add") updates the row', async () => {
      const response = await scim.patch(`/Users/${login}`, [
        { op: 'Replace', value: { [ext('LastName')]: 'Vance-Smith', [ext('Email')]: 'adele.smith@contoso.com' } },
        { op: 'Add', path: ext('textID'), value: '2002' },
      ]);
      expectStatus(response, 200);
      expect(response.body.id).toBe(login);
      expect(response.body[ECMA_USER_URN]).toEqual(expect.objectContaining({ LastName: 'Vance-Smith', textID: '2002' }));
      expect(host.table()).toEqual([expectedRow(login, { LastName: 'Vance-Smith', Email: 'adele.smith@contoso.com', textID: '2002' })]);
    });

    it('PATCH, aadOptscim062020 dialect (lowercase ops, real booleans, URN paths) updates the row', async () => {
      const response = await scim.patch(`/Users/${login}`, [
        { op: 'replace', path: ext('FirstName'), value: 'Adela' },
        { op: 'replace', path: 'active', value: true },
        { op: 'add', path: 'name.familyName', value: 'Vance' },
      ]);
      expectStatus(response, 200);
      expect(response.body.name).toEqual(expect.objectContaining({ givenName: 'Adela', familyName: 'Vance' }));
      expect(host.table()).toEqual([expectedRow(login, { FirstName: 'Adela', Email: 'adele.smith@contoso.com', textID: '2002' })]);
    });

    it('disables with "False": Enabled = 0, the row stays', async () => {
      const response = await scim.patch(`/Users/${login}`, [{ op: 'Replace', path: 'active', value: 'False' }]);
      expectStatus(response, 200);
      expect(response.body.active).toBe(false);
      expect(host.table()).toEqual([expectedRow(login, { FirstName: 'Adela', Email: 'adele.smith@contoso.com', textID: '2002', Enabled: 0 })]);
      const byId = await scim.get(`/Users/${login}`);
      expect(byId.body.active).toBe(false);
    });

    it('re-enables with a path-less "True": Enabled = 1', async () => {
      const response = await scim.patch(`/Users/${login}`, [{ op: 'Replace', value: { active: 'True' } }]);
      expectStatus(response, 200);
      expect(response.body.active).toBe(true);
      expect(host.row(login)?.Enabled).toBe(1);
    });

    it('a PATCH that changes nothing answers 200 and leaves the row as it was', async () => {
      const before = host.table();
      const response = await scim.patch(`/Users/${login}`, [{ op: 'replace', path: ext('FirstName'), value: 'Adela' }]);
      expectStatus(response, 200);
      expect(host.table()).toEqual(before);
    });

    it('DELETE answers 204 without a body and deletes the row; then GET is 404 and the filter empty', async () => {
      const response = await scim.delete(`/Users/${login}`);
      expectStatus(response, 204);
      expect(response.text).toBe('');
      expect(host.row(login)).toBeUndefined();
      expect(host.table()).toEqual([]);
      expectScimError(await scim.get(`/Users/${login}`), 404);
      const match = await scim.filter(`${ext('ContosoLogin')} eq "${login}"`);
      expectStatus(match, 200);
      expect(match.body.totalResults).toBe(0);
    });

    it('PATCH and DELETE of a user that is gone answer 404 and write nothing', async () => {
      expectScimError(await scim.patch(`/Users/${login}`, [{ op: 'replace', path: 'active', value: false }]), 404);
      expectScimError(await scim.delete(`/Users/${login}`), 404);
      expect(host.table()).toEqual([]);
    });
  });

  describe('a retried create', () => {
    it('answers 409 uniqueness and leaves exactly one row', async () => {
      await create('bob', { FirstName: 'Bob' });
      const again = await scim.post('/Users', entraCreateBody('bob', { FirstName: 'Robert' }));
      expectScimError(again, 409, 'uniqueness');
      expect(host.table().filter((r) => r.ContosoLogin === 'bob')).toEqual([expectedRow('bob', { FirstName: 'Bob' })]);
      // Entra then finds the object by its matching attribute and goes on
      const match = await scim.filter(`${ext('ContosoLogin')} eq "bob"`);
      expect(match.body.totalResults).toBe(1);
      expect((await scim.delete('/Users/bob')).status).toBe(204);
      expect(host.row('bob')).toBeUndefined();
    });
  });

  describe('core attributes, as Okta and Entra\'s "on-premises SCIM app" send them', () => {
    const login = 'okta.user';
    const oktaBody = {
      schemas: [CORE_USER_URN],
      userName: login,
      name: { givenName: 'Okta', familyName: 'User' },
      emails: [{ primary: true, value: 'okta.user@example.com', type: 'work' }],
      externalId: 'ext-0001',
      active: true,
    };

    it('POST maps userName, name.givenName, name.familyName, emails[type eq "work"].value, externalId and active to the columns', async () => {
      const response = await scim.post('/Users', oktaBody);
      expectStatus(response, 201);
      expect(response.body).toEqual(
        expect.objectContaining({
          id: login,
          userName: login,
          externalId: 'ext-0001',
          active: true,
          name: expect.objectContaining({ givenName: 'Okta', familyName: 'User' }),
          emails: [expect.objectContaining({ type: 'work', value: 'okta.user@example.com' })],
        }),
      );
      expect(host.row(login)).toEqual({
        ContosoLogin: login,
        FirstName: 'Okta',
        LastName: 'User',
        Email: 'okta.user@example.com',
        AzureID: 'ext-0001',
        textID: null,
        Enabled: 1,
      });
    });

    it('filters on core attributes find it', async () => {
      for (const filter of [`userName eq "${login}"`, 'externalId eq "ext-0001"', 'name.givenName eq "Okta"', `emails.value eq "okta.user@example.com"`]) {
        const found = await scim.filter(filter);
        expect({ filter, status: found.status, total: found.body?.totalResults, id: found.body?.Resources?.[0]?.id }).toEqual({
          filter,
          status: 200,
          total: 1,
          id: login,
        });
      }
    });

    it('PATCH with core paths (name.givenName, emails[type eq "work"].value, externalId) updates the columns', async () => {
      const response = await scim.patch(`/Users/${login}`, [
        { op: 'replace', path: 'name.givenName', value: 'Okay' },
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'okay.user@example.com' },
        { op: 'replace', path: 'externalId', value: 'ext-0002' },
      ]);
      expectStatus(response, 200);
      expect(host.row(login)).toEqual(
        expect.objectContaining({ FirstName: 'Okay', LastName: 'User', Email: 'okay.user@example.com', AzureID: 'ext-0002', Enabled: 1 }),
      );
    });

    it('PUT replaces the whole user: attributes left out are cleared', async () => {
      const response = await scim.put(`/Users/${login}`, {
        schemas: [CORE_USER_URN, ECMA_USER_URN],
        id: login,
        userName: login,
        name: { givenName: 'Put', familyName: 'Replaced' },
        active: true,
        [ECMA_USER_URN]: { textID: 'T-9' },
      });
      expectStatus(response, 200);
      expect(response.body.id).toBe(login);
      expect(host.row(login)).toEqual({
        ContosoLogin: login,
        FirstName: 'Put',
        LastName: 'Replaced',
        Email: null,
        AzureID: null,
        textID: 'T-9',
        Enabled: 1,
      });
      const byId = await scim.get(`/Users/${login}`);
      expect(byId.body.emails).toBeUndefined();
      expect(byId.body.externalId).toBeUndefined();
    });

    it('PUT with active false disables the user (Enabled = 0, row kept)', async () => {
      const response = await scim.put(`/Users/${login}`, { schemas: [CORE_USER_URN], userName: login, name: { givenName: 'Put', familyName: 'Replaced' }, active: false });
      expectStatus(response, 200);
      expect(host.row(login)).toEqual(expect.objectContaining({ ContosoLogin: login, Enabled: 0 }));
    });

    it('PUT of a user that does not exist answers 404 and creates nothing', async () => {
      const before = host.table();
      expectScimError(await scim.put('/Users/nobody', { schemas: [CORE_USER_URN], userName: 'nobody', active: true }), 404);
      expect(host.table()).toEqual(before);
    });
  });

  describe('troubleshooting surface', () => {
    it('every SCIM answer carries Last-Successful-Import, -Export and -Cache-Change', async () => {
      await create('carol');
      for (const response of [await scim.filter('userName eq "carol"'), await scim.get('/Users/carol'), await scim.get('/Schemas')]) {
        for (const header of ['Last-Successful-Import', 'Last-Successful-Export', 'Last-Successful-Cache-Change']) {
          const value = response.headers.get(header);
          expect({ header, value }).toEqual({ header, value: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
          expect(Number.isNaN(Date.parse(value as string))).toBe(false);
        }
      }
    });

    it('the /ecma2host_demo/cache view counts what the table holds, behind the token', async () => {
      const view = await host.cacheView('demo');
      expectStatus(view, 200);
      const rows = host.table();
      expect(view.body).toEqual(
        expect.objectContaining({
          connector: 'demo',
          type: 'sql',
          objectTypes: [{ name: 'User', count: rows.length }],
          totalResults: rows.length,
          lastSuccessfulImport: expect.stringMatching(/^\d{4}-/),
          lastSuccessfulExport: expect.stringMatching(/^\d{4}-/),
        }),
      );
      expect((view.body.objects as Array<{ anchor: string }>).map((o) => o.anchor)).toEqual(rows.map((r) => r.ContosoLogin));
      const anonymous = await host.request('GET', '/ecma2host_demo/cache', { token: null });
      expectScimError(anonymous, 401);
      expect(anonymous.text).not.toContain('carol');
    });
  });

  describe('imports', () => {
    it('a full import picks up a row inserted directly into the table', async () => {
      host.execute('INSERT INTO Employees (ContosoLogin, FirstName, LastName, Email, AzureID, textID, Enabled) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        'direct.dba',
        'Dee',
        'Bea',
        'dee@contoso.com',
        null,
        'X1',
        0,
      ]);
      // reads come from the cache: not there until the next import
      expectScimError(await scim.get('/Users/direct.dba'), 404);

      await host.fullImport('demo');

      const byId = await scim.get('/Users/direct.dba');
      expectStatus(byId, 200);
      expect(byId.body).toEqual(expect.objectContaining({ id: 'direct.dba', userName: 'direct.dba', active: false }));
      expect(byId.body[ECMA_USER_URN]).toEqual(expect.objectContaining({ FirstName: 'Dee', LastName: 'Bea', textID: 'X1', Enabled: false }));
      const match = await scim.filter(`${ext('ContosoLogin')} eq "direct.dba"`);
      expect(match.body.totalResults).toBe(1);
      // and Entra can go on with it: a PATCH reaches the row
      const patched = await scim.patch('/Users/direct.dba', [{ op: 'replace', path: 'active', value: true }]);
      expectStatus(patched, 200);
      expect(host.row('direct.dba')?.Enabled).toBe(1);
    });

    it('a full import removes a row deleted directly from the table', async () => {
      expect((await scim.get('/Users/carol')).status).toBe(200);
      host.execute('DELETE FROM Employees WHERE ContosoLogin = ?', ['carol']);

      await host.fullImport('demo');

      expectScimError(await scim.get('/Users/carol'), 404);
      expect((await scim.filter('userName eq "carol"')).body.totalResults).toBe(0);
      const view = await host.cacheView('demo');
      expect(view.body.objectTypes).toEqual([{ name: 'User', count: host.table().length }]);
      // a create for it works again
      await create('carol');
      expect(host.row('carol')).toEqual(expectedRow('carol'));
    });
  });
});
