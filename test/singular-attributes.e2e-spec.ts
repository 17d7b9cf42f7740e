/**
 * Issue 11 item 1 against a real slapd with examples/openldap.yaml: givenName and manager are
 * multi-valued in the directory, name.givenName and the enterprise manager are singular in SCIM.
 * Every resource is held against the host's own /Schemas (singular never an array, multi-valued
 * always one, sub-attributes too), and writes are read back from the directory itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { startSlapd, type SlapdServer } from '@connector-host/testing';
import { entryOf, ldapEnv, values } from './support/ldap';
import { E2eHost, ECMA_USER_URN, expectStatus, type ScimClient } from './support/host';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const example = (name: string): string => readFileSync(join(__dirname, '..', 'examples', name), 'utf8');

interface Definition {
  name: string;
  type: string;
  multiValued: boolean;
  subAttributes?: Definition[];
}

/** Where a resource disagrees with the /Schemas it was served with. */
function disagreements(resource: Record<string, unknown>, schemas: Array<{ id: string; attributes: Definition[] }>, coreId: string): string[] {
  const out: string[] = [];
  const check = (value: unknown, definition: Definition, where: string): void => {
    if (definition.multiValued !== Array.isArray(value)) out.push(`${where} is ${Array.isArray(value) ? 'an array' : 'not an array'}`);
    for (const item of Array.isArray(value) ? value : [value]) {
      if (definition.type !== 'complex' || !item || typeof item !== 'object') continue;
      for (const [key, inner] of Object.entries(item as Record<string, unknown>)) {
        const sub = definition.subAttributes?.find((s) => s.name.toLowerCase() === key.toLowerCase());
        if (sub) check(inner, sub, `${where}.${key}`);
      }
    }
  };
  for (const schema of schemas) {
    const container = schema.id === coreId ? resource : (resource[schema.id] as Record<string, unknown> | undefined);
    if (!container) continue;
    for (const definition of schema.attributes) {
      const key = Object.keys(container).find((k) => k.toLowerCase() === definition.name.toLowerCase());
      if (key !== undefined) check(container[key], definition, schema.id === coreId ? definition.name : `${schema.id}:${definition.name}`);
    }
  }
  return out;
}

describe('singular SCIM attributes over multi-valued directory attributes (examples/openldap.yaml, slapd)', () => {
  let slapd: SlapdServer;
  let admin: Client;
  let host: E2eHost;
  let scim: ScimClient;
  let schemas: Array<{ id: string; attributes: Definition[] }>;
  const dn = (uid: string): string => `uid=${uid},${slapd.peopleDn}`;

  beforeAll(async () => {
    slapd = await startSlapd();
    admin = new Client({ url: slapd.url, timeout: 20000 });
    await admin.bind(slapd.bindDn, slapd.bindPassword);
    // made in the directory: two givenName values, a manager DN
    await admin.add(dn('boss'), { objectClass: ['inetOrgPerson'], uid: 'boss', cn: 'Boss', sn: 'One' });
    await admin.add(dn('twice'), { objectClass: ['inetOrgPerson'], uid: 'twice', cn: 'Twice', sn: 'Named', givenName: ['Given0', 'Given1'], manager: dn('boss') });
    host = await E2eHost.start({ connectors: ['openldap'], connectorsYaml: { text: example('openldap.yaml'), env: ldapEnv(slapd) } });
    scim = host.scim('openldap');
    const listed = await scim.get('/Schemas');
    expectStatus(listed, 200);
    schemas = listed.body.Resources;
  });
  afterAll(async () => {
    await admin?.unbind().catch(() => undefined);
    await host?.close();
    await slapd?.stop();
  });

  const user = async (uid: string): Promise<Record<string, any>> => {
    const found = await scim.filter(`userName eq "${uid}"`);
    expectStatus(found, 200);
    expect(found.body.totalResults).toBe(1);
    const byId = await scim.get(`/Users/${found.body.Resources[0].id}`);
    expectStatus(byId, 200);
    expect(disagreements(found.body.Resources[0], schemas, 'urn:ietf:params:scim:schemas:core:2.0:User')).toEqual([]);
    expect(disagreements(byId.body, schemas, 'urn:ietf:params:scim:schemas:core:2.0:User')).toEqual([]);
    return byId.body;
  };

  it('/Schemas: name.givenName and manager.value singular; the extension\'s givenName and manager multi-valued as in the directory', () => {
    const core = schemas.find((s) => s.id === 'urn:ietf:params:scim:schemas:core:2.0:User')!;
    const name = core.attributes.find((a) => a.name === 'name')!;
    expect(name.multiValued).toBe(false);
    expect(name.subAttributes!.find((a) => a.name === 'givenName')!.multiValued).toBe(false);
    const manager = schemas.find((s) => s.id === ENTERPRISE)!.attributes.find((a) => a.name === 'manager')!;
    expect(manager.multiValued).toBe(false);
    const extension = schemas.find((s) => s.id === ECMA_USER_URN)!;
    expect(extension.attributes.find((a) => a.name === 'givenName')!.multiValued).toBe(true);
    expect(extension.attributes.find((a) => a.name === 'manager')!.multiValued).toBe(true);
  });

  it('GET shows name.givenName and manager.value as one value, the extension as arrays, every value as /Schemas says', async () => {
    const twice = await user('twice');
    const boss = await user('boss');
    expect(typeof twice.name.givenName).toBe('string');
    expect(['Given0', 'Given1']).toContain(twice.name.givenName);
    expect(twice[ENTERPRISE].manager).toEqual({ value: boss.id });
    expect([...twice[ECMA_USER_URN].givenName].sort()).toEqual(['Given0', 'Given1']);
    expect(twice[ECMA_USER_URN].manager).toEqual([boss.id]);
  });

  it('a PATCH that leaves name.givenName alone leaves both directory values', async () => {
    const twice = await user('twice');
    const response = await scim.patch(`/Users/${twice.id}`, [{ op: 'Replace', path: 'displayName', value: 'Twice Named' }]);
    expectStatus(response, 200);
    expect(disagreements(response.body, schemas, 'urn:ietf:params:scim:schemas:core:2.0:User')).toEqual([]);
    const entry = await entryOf(admin, dn('twice'));
    expect(values(entry, 'displayName')).toEqual(['Twice Named']);
    expect(values(entry, 'givenName')).toEqual(['Given0', 'Given1']);
  });

  it('writing name.givenName leaves exactly that one value in the directory; the answer and GET show it singular', async () => {
    const twice = await user('twice');
    const response = await scim.patch(`/Users/${twice.id}`, [{ op: 'Replace', path: 'name.givenName', value: 'Solo' }]);
    expectStatus(response, 200);
    expect(response.body.name.givenName).toBe('Solo');
    expect(values(await entryOf(admin, dn('twice')), 'givenName')).toEqual(['Solo']);
    expect((await user('twice')).name.givenName).toBe('Solo');
  });

  it('manager written as Entra sends it (raw id, then an array of {$ref,value}) is one DN in the directory and {value} in SCIM', async () => {
    const twice = await user('twice');
    const other = await scim.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'other', name: { familyName: 'Other' }, [ECMA_USER_URN]: { cn: 'Other', sn: 'Other' } });
    expectStatus(other, 201);
    expect(disagreements(other.body, schemas, 'urn:ietf:params:scim:schemas:core:2.0:User')).toEqual([]);
    const raw = await scim.patch(`/Users/${twice.id}`, [{ op: 'add', path: `${ENTERPRISE}:manager`, value: other.body.id }]);
    expectStatus(raw, 200);
    expect(raw.body[ENTERPRISE].manager).toEqual({ value: other.body.id });
    expect(values(await entryOf(admin, dn('twice')), 'manager')).toEqual([dn('other')]);
    const boss = await user('boss');
    const array = await scim.patch(`/Users/${twice.id}`, [{ op: 'Add', path: 'manager', value: [{ $ref: null, value: boss.id }] }]);
    expectStatus(array, 200);
    expect(values(await entryOf(admin, dn('twice')), 'manager')).toEqual([dn('boss')]);
    expect((await user('twice'))[ENTERPRISE].manager).toEqual({ value: boss.id });
  });
});
