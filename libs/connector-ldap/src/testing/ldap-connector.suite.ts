/**
 * What every directory must do through the connector, run against a real server (slapd, 389 DS).
 * Checks go to the directory itself with a separate ldapts client, never only through the connector.
 */
import type { AttributeValue, Connector, ConnectorContext, ConnectorLogger, ObjectTypeBinding, TargetObject } from '@connector-host/connector-sdk';
import { ConnectorError } from '@connector-host/connector-sdk';
import { Attribute, Change, Client, type Entry } from 'ldapts';
import { ldapConnectorFactory } from '../ldap-connector.factory';
import { POST_READ_OID, PostReadControl } from '../ldap-post-read';
import type { LdapConnector } from '../ldap.connector';
import { ldapGroupTests } from './ldap-groups.suite';

export interface LdapTestServer {
  vendor: string;
  anchor: string;
  changeSource: 'accesslog' | 'retroChangelog' | 'modifyTimestamp';
  url: string;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  peopleDn: string;
}

/** Every message the connector logs, to prove no secret is among them. */
export class RecordingLogger implements ConnectorLogger {
  readonly lines: string[] = [];
  debug = (m: string, f?: Record<string, unknown>): void => void this.lines.push(`${m} ${JSON.stringify(f ?? {})}`);
  info = this.debug;
  warn = this.debug;
  error = this.debug;
}

export function userBinding(people: string, overrides: Partial<ObjectTypeBinding> = {}, target: Record<string, unknown> = {}): ObjectTypeBinding {
  return {
    name: 'User',
    anchor: 'auto',
    dn: { kind: 'template', template: `uid={uid},${people}` },
    attributes: ['uid', 'cn', 'sn', 'givenName', 'mail', 'displayName', 'telephoneNumber', 'title', 'objectClass'],
    target: { objectClasses: ['inetOrgPerson'], base: people, ...target },
    ...overrides,
  };
}

export async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError, got success');
}

export async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

const values = (entry: Entry | undefined, name: string): string[] => {
  if (!entry) return [];
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  if (!key) return [];
  const v = entry[key];
  return (Array.isArray(v) ? v : [v]).map(String);
};

export function ldapConnectorSuite(open: () => Promise<LdapTestServer>, close: () => Promise<void>): void {
  let server: LdapTestServer;
  let admin: Client;
  const connectors: Connector[] = [];
  let logger: RecordingLogger;

  const connection = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    url: server.url,
    bindDn: server.bindDn,
    bindPassword: server.bindPassword,
    baseDn: server.baseDn,
    ...extra,
  });
  const connectorFor = (bindings: ObjectTypeBinding[] = [userBinding(server.peopleDn)], extra: Record<string, unknown> = {}): LdapConnector => {
    const context: ConnectorContext = { name: 'test', connection: connection(extra), objectTypes: bindings, logger };
    const connector = ldapConnectorFactory.create(context) as LdapConnector;
    connectors.push(connector);
    return connector;
  };
  const entry = async (dn: string): Promise<Entry | undefined> => {
    try {
      const { searchEntries } = await admin.search(dn, { scope: 'base', attributes: ['*', '+'] });
      return searchEntries[0];
    } catch {
      return undefined;
    }
  };
  const people = (uid: string): string => `uid=${uid},${server.peopleDn}`;
  const add = (connector: Connector, uid: string, extra: Record<string, AttributeValue[]> = {}, dn?: string) =>
    connector.export({
      kind: 'add',
      objectType: 'User',
      attributes: { uid: [uid], cn: [`${uid} cn`], sn: ['Simon'], mail: [`${uid}@contoso.com`], ...extra },
      ...(dn ? { dn } : {}),
    });

  beforeAll(async () => {
    server = await open();
    admin = new Client({ url: server.url, timeout: 20000 });
    await admin.bind(server.bindDn, server.bindPassword);
  });
  beforeEach(() => {
    logger = new RecordingLogger();
  });
  afterEach(async () => {
    await Promise.all(connectors.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await admin?.unbind().catch(() => undefined);
    await close();
  });

  describe('discovery', () => {
    it('names the vendor from the root DSE and picks its anchor', async () => {
      const connector = connectorFor();
      await connector.test();
      const described = await connector.describe();
      expect(described.vendor.id).toBe(server.vendor);
      expect(described.vendor.anchor).toBe(server.anchor);
      expect(described.changeSource.kind).toBe(server.changeSource);
      expect(described.namingContexts.map((c) => c.toLowerCase())).toContain(server.baseDn.toLowerCase());
    });

    it('maps the subschema: MUST through superclasses is required, syntaxes and single-value become SCIM types', async () => {
      const connector = connectorFor([userBinding(server.peopleDn, { attributes: undefined }, { objectClasses: ['inetOrgPerson', 'posixAccount', 'shadowAccount'] })]);
      const schema = await connector.discoverSchema();
      const user = schema.objectTypes[0]!;
      expect(user.anchor).toBe(server.anchor);
      expect(user.targetName).toBe('inetOrgPerson');
      const byName = Object.fromEntries(user.attributes.map((a) => [a.name.toLowerCase(), a]));
      // person (superclass of inetOrgPerson) has MUST cn, sn; posixAccount MUST uid, uidNumber, gidNumber, homeDirectory
      for (const must of ['cn', 'sn', 'uid', 'uidnumber', 'gidnumber', 'homedirectory']) expect({ must, required: byName[must]?.required }).toEqual({ must, required: true });
      expect(byName['mail']).toEqual(expect.objectContaining({ type: 'string', multiValued: true, required: false }));
      expect(byName['uidnumber']).toEqual(expect.objectContaining({ type: 'integer', multiValued: false }));
      expect(byName['shadowlastchange']).toEqual(expect.objectContaining({ type: 'integer' }));
      expect(byName['objectclass']).toEqual(expect.objectContaining({ multiValued: true, required: false }));
      expect(byName['jpegphoto']?.type).toBe('binary');
      expect(byName[server.anchor.toLowerCase()]).toEqual(expect.objectContaining({ readOnly: true, multiValued: false }));
      expect(byName['userpassword']).toBeUndefined();
    });

    it('keeps the configured spelling of an alias (surname for sn) and honours singleValue', async () => {
      const connector = connectorFor([
        userBinding(server.peopleDn, { attributes: ['uid', 'cn', 'surname', 'mail'] }, { singleValue: ['cn', 'mail'] }),
      ]);
      const user = (await connector.discoverSchema()).objectTypes[0]!;
      const byName = Object.fromEntries(user.attributes.map((a) => [a.name, a]));
      expect(byName['surname']).toEqual(expect.objectContaining({ required: true, multiValued: true }));
      expect(byName['cn']?.multiValued).toBe(false);
      expect(byName['mail']?.multiValued).toBe(false);
      const created = await connector.export({ kind: 'add', objectType: 'User', attributes: { uid: ['alias1'], cn: ['Alias One'], surname: ['One'] } });
      expect(created.attributes).toEqual(expect.objectContaining({ surname: ['One'], cn: ['Alias One'] }));
      expect(values(await entry(people('alias1')), 'sn')).toEqual(['One']);
    });

    it('refuses an object class or attribute the server does not have, naming it', async () => {
      const bad = connectorFor([userBinding(server.peopleDn, {}, { objectClasses: ['noSuchClass'] })]);
      expect((await rejection(bad.discoverSchema())).message).toContain('noSuchClass');
      const badAttribute = connectorFor([userBinding(server.peopleDn, { attributes: ['uid', 'cn', 'sn', 'favouriteColour'] })]);
      expect((await rejection(badAttribute.discoverSchema())).message).toContain('favouriteColour');
    });

    it('a wrong bind password is permissionDenied', async () => {
      const connector = connectorFor(undefined, { bindPassword: 'wrong-password' });
      const error = await rejection(connector.test());
      expect(error.reason).toBe('permissionDenied');
      expect(error.retryable).toBe(false);
      expect(error.message).not.toContain('wrong-password');
    });

    it('a server that does not answer is unavailable (retryable)', async () => {
      const connector = connectorFor(undefined, { url: 'ldap://127.0.0.1:1', connectTimeoutMs: 2000 });
      const error = await rejection(connector.test());
      expect(error.retryable).toBe(true);
    });
  });

  describe('export', () => {
    it('add: DN from the template, configured object classes, multi-valued mail, entry read back with its anchor', async () => {
      const connector = connectorFor();
      const result = await add(connector, 'adele', { mail: ['adele@contoso.com', 'adele.vance@contoso.com'], title: ['Engineer'] });
      expect(result.dn.toLowerCase()).toBe(people('adele').toLowerCase());
      const stored = await entry(people('adele'));
      expect(values(stored, 'objectClass').map((c) => c.toLowerCase())).toContain('inetorgperson');
      expect(values(stored, 'mail').sort()).toEqual(['adele.vance@contoso.com', 'adele@contoso.com']);
      const anchorValue = values(stored, server.anchor)[0];
      expect(anchorValue).toBeTruthy();
      expect(result.anchor).toBe(anchorValue);
      expect(result.attributes).toEqual(
        expect.objectContaining({ uid: ['adele'], sn: ['Simon'], title: ['Engineer'], [server.anchor]: [anchorValue] }),
      );
      expect(result.attributes!.mail!.slice().sort()).toEqual(['adele.vance@contoso.com', 'adele@contoso.com']);
      const read = await connector.get('User', result.anchor);
      expect(read?.dn.toLowerCase()).toBe(people('adele').toLowerCase());
    });

    it('add: the post-read control (RFC 4527) returns the entry as stored, as a read-back search would; the connector uses it when the root DSE lists it', async () => {
      const { searchEntries } = await admin.search('', { scope: 'base', attributes: ['supportedControl'] });
      const listed = values(searchEntries[0], 'supportedControl').includes(POST_READ_OID);
      // slapd implements it in its core; 389 DS may not list it, and then the connector reads back
      if (server.vendor === 'openldap') expect(listed).toBe(true);
      const connector = connectorFor();
      const described = await connector.describe();
      expect(described.postRead).toBe(listed);
      if (listed) {
        const control = new PostReadControl(['uid', 'cn', 'mail', server.anchor], []);
        await admin.add(people('postread'), { objectClass: ['inetOrgPerson'], uid: 'postread', cn: 'Post Read', sn: 'Read', mail: ['p1@contoso.com', 'p2@contoso.com'] }, control);
        const stored = await entry(people('postread'));
        expect(control.entry?.dn.toLowerCase()).toBe(people('postread').toLowerCase());
        expect(values(control.entry, server.anchor)).toEqual(values(stored, server.anchor));
        expect(values(control.entry, 'mail').sort()).toEqual(['p1@contoso.com', 'p2@contoso.com']);
        expect(values(control.entry, 'sn')).toEqual([]); // only the selected attributes come back
      }
      const result = await add(connector, 'postread2');
      expect(result.anchor).toBe(values(await entry(people('postread2')), server.anchor)[0]);
    });

    it('add with an Entra -dn- (CN=…) puts the RDN value in the entry, and Entra object classes join the configured ones', async () => {
      const connector = connectorFor([userBinding(server.peopleDn, {}, { objectClasses: ['inetOrgPerson'] })]);
      const dn = `CN=bsimon,${server.peopleDn}`;
      const result = await connector.export({
        kind: 'add',
        objectType: 'User',
        dn,
        attributes: { uid: ['bsimon'], cn: ['Bob Simon'], sn: ['Simon'], objectClass: ['inetOrgPerson', 'organizationalPerson'] },
      });
      const stored = await entry(dn);
      expect(values(stored, 'cn').sort()).toEqual(['Bob Simon', 'bsimon']);
      expect(values(stored, 'objectClass').map((c) => c.toLowerCase())).toEqual(expect.arrayContaining(['inetorgperson', 'organizationalperson']));
      expect(result.dn.toLowerCase()).toBe(dn.toLowerCase());
    });

    it('add without a MUST attribute is schemaViolation naming it, and nothing reaches the directory', async () => {
      const connector = connectorFor([userBinding(server.peopleDn, {}, { objectClasses: ['inetOrgPerson', 'posixAccount'] })]);
      const error = await rejection(connector.export({ kind: 'add', objectType: 'User', attributes: { uid: ['nosn'], cn: ['No Sn'] } }));
      expect(error.reason).toBe('schemaViolation');
      for (const name of ['sn', 'uidNumber', 'gidNumber', 'homeDirectory']) expect(error.message).toContain(name);
      expect(await entry(people('nosn'))).toBeUndefined();
    });

    it('add of an existing DN is alreadyExists; a DN outside the base or not a DN is invalidValue', async () => {
      const connector = connectorFor();
      await add(connector, 'twice');
      expect((await rejection(add(connector, 'twice'))).reason).toBe('alreadyExists');
      expect((await rejection(add(connector, 'outside', {}, `uid=outside,${server.baseDn.replace(/^[^,]+/, 'dc=elsewhere')}`))).reason).toBe('invalidValue');
      expect((await rejection(add(connector, 'notadn', {}, 'this is not a DN'))).reason).toBe('invalidValue');
      expect((await rejection(connector.export({ kind: 'add', objectType: 'User', attributes: { cn: ['no uid'], sn: ['x'] } }))).message).toContain('uid');
    });

    it('update: value-level deltas on a multi-valued attribute, replace, clear; a stale delta still lands', async () => {
      const connector = connectorFor();
      const created = await add(connector, 'megan', { mail: ['megan@contoso.com', 'm@contoso.com'], telephoneNumber: ['+1 555 0100'] });
      const updated = await connector.export({
        kind: 'update',
        objectType: 'User',
        anchor: created.anchor,
        dn: created.dn,
        deltas: [
          { attribute: 'mail', op: 'add', values: ['megan.bowen@contoso.com'] },
          { attribute: 'mail', op: 'remove', values: ['m@contoso.com'] },
          { attribute: 'title', op: 'replace', values: ['Director'] },
          { attribute: 'telephoneNumber', op: 'replace', values: [] },
        ],
      });
      let stored = await entry(people('megan'));
      expect(values(stored, 'mail').sort()).toEqual(['megan.bowen@contoso.com', 'megan@contoso.com']);
      expect(values(stored, 'title')).toEqual(['Director']);
      expect(values(stored, 'telephoneNumber')).toEqual([]);
      expect(updated.anchor).toBe(created.anchor);
      expect(updated.attributes!.telephoneNumber).toBeUndefined();
      // the host thought m@ was still there and megan@ missing: the intended end state is written
      await connector.export({
        kind: 'update',
        objectType: 'User',
        anchor: created.anchor,
        dn: created.dn,
        deltas: [
          { attribute: 'mail', op: 'add', values: ['megan@contoso.com', 'third@contoso.com'] },
          { attribute: 'mail', op: 'remove', values: ['m@contoso.com'] },
        ],
      });
      stored = await entry(people('megan'));
      expect(values(stored, 'mail').sort()).toEqual(['megan.bowen@contoso.com', 'megan@contoso.com', 'third@contoso.com']);
    });

    it('rename: a changed -dn- is a modDN, the anchor (SCIM id) stays the same', async () => {
      const connector = connectorFor();
      const created = await add(connector, 'lidia');
      const newDn = `uid=lidia.holloway,${server.peopleDn}`;
      const renamed = await connector.export({
        kind: 'rename',
        objectType: 'User',
        anchor: created.anchor,
        dn: created.dn,
        newDn,
        deltas: [{ attribute: 'title', op: 'replace', values: ['Counsel'] }],
      });
      expect(renamed.dn.toLowerCase()).toBe(newDn.toLowerCase());
      if (server.anchor !== 'dn') expect(renamed.anchor).toBe(created.anchor);
      expect(await entry(created.dn)).toBeUndefined();
      const moved = await entry(newDn);
      expect(values(moved, 'uid')).toEqual(['lidia.holloway']);
      expect(values(moved, 'title')).toEqual(['Counsel']);
    });

    it('a changed attribute of the DN template moves the entry (modDN), keeping the anchor', async () => {
      const connector = connectorFor();
      const created = await add(connector, 'grady');
      const result = await connector.export({
        kind: 'update',
        objectType: 'User',
        anchor: created.anchor,
        dn: created.dn,
        deltas: [{ attribute: 'uid', op: 'replace', values: ['grady.archie'] }],
      });
      expect(result.dn.toLowerCase()).toBe(people('grady.archie').toLowerCase());
      expect(result.anchor).toBe(created.anchor);
      expect(values(await entry(people('grady.archie')), 'uid')).toEqual(['grady.archie']);
    });

    it('a DN moved behind the host\'s back is found again by its anchor', async () => {
      const connector = connectorFor();
      const created = await add(connector, 'moved');
      await admin.modifyDN(created.dn, 'uid=moved2');
      const result = await connector.export({
        kind: 'update',
        objectType: 'User',
        anchor: created.anchor,
        dn: created.dn,
        deltas: [{ attribute: 'title', op: 'replace', values: ['Moved'] }],
      });
      expect(result.dn.toLowerCase()).toBe(people('moved2').toLowerCase());
      expect(values(await entry(people('moved2')), 'title')).toEqual(['Moved']);
    });

    it('delete removes the entry; deleting it again is notFound', async () => {
      const connector = connectorFor();
      const created = await add(connector, 'gone');
      await connector.export({ kind: 'delete', objectType: 'User', anchor: created.anchor, dn: created.dn });
      expect(await entry(created.dn)).toBeUndefined();
      expect((await rejection(connector.export({ kind: 'delete', objectType: 'User', anchor: created.anchor, dn: created.dn }))).reason).toBe('notFound');
      expect(await connector.get('User', created.anchor)).toBeNull();
    });

    it('export_password becomes userPassword on add (the user can bind with it) and never appears in a log', async () => {
      const connector = connectorFor();
      const password = 'Pa55-word-only-here!';
      const created = await connector.export({
        kind: 'add',
        objectType: 'User',
        attributes: { uid: ['pat'], cn: ['Pat'], sn: ['Pat'] },
        password,
      });
      const asUser = new Client({ url: server.url, timeout: 10000 });
      await asUser.bind(created.dn, password);
      await asUser.unbind();
      expect(JSON.stringify(created)).not.toContain(password);
      const newPassword = 'An0ther-secret-value';
      await connector.export({ kind: 'update', objectType: 'User', anchor: created.anchor, dn: created.dn, deltas: [], password: newPassword });
      const again = new Client({ url: server.url, timeout: 10000 });
      await again.bind(created.dn, newPassword);
      await again.unbind();
      expect(logger.lines.join('\n')).not.toContain(password);
      expect(logger.lines.join('\n')).not.toContain(newPassword);
    });

    it('escapes DN values: a uid full of specials lands as one RDN value', async () => {
      const connector = connectorFor();
      const uid = 'a,b=c+d;"e"\\f<g> #h ';
      const created = await add(connector, uid);
      const stored = await entry(created.dn);
      expect(values(stored, 'uid')).toContain(uid.trim() === uid ? uid : uid);
      expect(created.attributes!.uid).toEqual([uid]);
      const rename = await connector.export({
        kind: 'update',
        objectType: 'User',
        anchor: created.anchor,
        dn: created.dn,
        deltas: [{ attribute: 'uid', op: 'replace', values: ['x,y\\z'] }],
      });
      expect(values(await entry(rename.dn), 'uid')).toEqual(['x,y\\z']);
    });

    it('a filter-shaped value matches nothing', async () => {
      const connector = connectorFor();
      await add(connector, 'victim');
      expect(await connector.get('User', '*)(uid=*')).toBeNull();
      expect(await connector.get('User', '*')).toBeNull();
      const created = await add(connector, '*)(uid=*');
      const stored = await entry(created.dn);
      expect(values(stored, 'uid')).toEqual(['*)(uid=*']);
    });
  });

  describe('import', () => {
    const bulkBase = (): string => `ou=Bulk,${server.baseDn}`;
    beforeAll(async () => {
      await admin.add(bulkBase(), { objectClass: ['organizationalUnit'], ou: 'Bulk' }).catch(() => undefined);
    });

    it('full import pages through every entry (paged results) and ends with a watermark', async () => {
      const binding = userBinding(bulkBase());
      const connector = connectorFor([binding]);
      for (let i = 0; i < 25; i++) await add(connector, `bulk${String(i).padStart(2, '0')}`);
      await admin.add(`cn=not-a-user,${bulkBase()}`, { objectClass: ['organizationalRole'], cn: 'not-a-user' });
      const pages = await collect(connector.fullImport('User', { pageSize: 10 }));
      expect(pages.map((p) => p.objects.length)).toEqual([10, 10, 5]);
      expect(pages.slice(0, -1).every((p) => p.watermark === undefined)).toBe(true);
      expect(pages[2]!.watermark).toMatch(/^(accesslog|changelog|timestamp):/);
      const objects = pages.flatMap((p) => p.objects);
      expect(new Set(objects.map((o) => o.anchor)).size).toBe(25);
      expect(objects.every((o) => (o.attributes.uid?.[0] as string).startsWith('bulk'))).toBe(true);
    });

    it('delta import from the change log: adds, modifies, renames and deletes since the watermark', async () => {
      const base = `ou=Delta,${server.baseDn}`;
      await admin.add(base, { objectClass: ['organizationalUnit'], ou: 'Delta' });
      const connector = connectorFor([userBinding(base)]);
      const keep = await add(connector, 'keep');
      const change = await add(connector, 'change');
      const drop = await add(connector, 'drop');
      const move = await add(connector, 'move');
      const pages = await collect(connector.fullImport('User', { pageSize: 100 }));
      const watermark = pages[pages.length - 1]!.watermark!;
      expect(pages.flatMap((p) => p.objects)).toHaveLength(4);

      // behind the host's back
      await admin.add(`uid=fresh,${base}`, { objectClass: ['inetOrgPerson'], uid: 'fresh', cn: 'Fresh', sn: 'New' });
      await admin.modify(change.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Changed'] }) })]);
      await admin.del(drop.dn);
      await admin.modifyDN(move.dn, 'uid=moved.away');
      await admin.add(`uid=outsider,${server.peopleDn}`, { objectClass: ['inetOrgPerson'], uid: 'outsider', cn: 'O', sn: 'O' });

      const deltas = await collect(connector.deltaImport('User', watermark, { pageSize: 100 }));
      const changes = deltas.flatMap((p) => p.changes);
      const upserts = changes.filter((c): c is { kind: 'upsert'; object: TargetObject } => c.kind === 'upsert').map((c) => c.object);
      const deletes = changes.filter((c) => c.kind === 'delete').map((c) => (c as { anchor: string }).anchor);
      expect(upserts.map((o) => o.attributes.uid?.[0]).sort()).toEqual(expect.arrayContaining(['change', 'fresh', 'moved.away']));
      expect(upserts.find((o) => o.attributes.uid?.[0] === 'change')?.attributes.title).toEqual(['Changed']);
      expect(upserts.some((o) => o.attributes.uid?.[0] === 'outsider' || o.attributes.uid?.[0] === 'keep')).toBe(false);
      if (server.changeSource !== 'modifyTimestamp') {
        expect(deletes).toContain(drop.anchor);
        if (server.anchor !== 'dn') expect(upserts.find((o) => o.attributes.uid?.[0] === 'moved.away')?.anchor).toBe(move.anchor);
      }
      const next = deltas[deltas.length - 1]!.watermark;
      expect(next).not.toBe(watermark);
      // from the new watermark: nothing new (the time-based source may repeat recent upserts)
      const again = (await collect(connector.deltaImport('User', next, { pageSize: 100 }))).flatMap((p) => p.changes);
      if (server.changeSource !== 'modifyTimestamp') expect(again).toEqual([]);
      expect(keep.anchor).toBeTruthy();
    });

    it('the modifyTimestamp fallback sees adds and modifies, and asks for a full import once its period is over', async () => {
      const base = `ou=Stamp,${server.baseDn}`;
      await admin.add(base, { objectClass: ['organizationalUnit'], ou: 'Stamp' });
      const connector = connectorFor([userBinding(base)], { changeSource: 'modifyTimestamp' });
      expect((await connector.describe()).changeSource.kind).toBe('modifyTimestamp');
      const pages = await collect(connector.fullImport('User', { pageSize: 100 }));
      const watermark = pages[pages.length - 1]!.watermark!;
      expect(watermark).toMatch(/^timestamp:\d{14}(\.\d+)?Z@\d+$/);
      await admin.add(`uid=stamped,${base}`, { objectClass: ['inetOrgPerson'], uid: 'stamped', cn: 'S', sn: 'S' });
      const changes = (await collect(connector.deltaImport('User', watermark, { pageSize: 100 }))).flatMap((p) => p.changes);
      expect(changes.map((c) => (c.kind === 'upsert' ? c.object.attributes.uid?.[0] : undefined))).toContain('stamped');
      expect(connector.needsFullImport('User', watermark)).toBe(false);
      expect(connector.needsFullImport('User', watermark.replace(/@\d+$/, `@${Date.now() - 2 * 24 * 3600_000}`))).toBe(true);
      expect((await rejection(collect(connector.deltaImport('User', 'changelog:5', { pageSize: 10 })))).message).toContain('full import');
    });
  });

  describe('groups, memberships and manager', () => {
    ldapGroupTests(() => ({ server, admin, connectorFor }));
  });
}
