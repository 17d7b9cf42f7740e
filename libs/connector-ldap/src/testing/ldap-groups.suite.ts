/**
 * Groups, memberships and manager through the connector, against the real server of the
 * surrounding suite. Every check reads the directory itself with the suite's admin client.
 */
import type { AttributeValue, ExportResult, ObjectTypeBinding, TargetObject } from '@connector-host/connector-sdk';
import { Attribute, Change, type Client, type Entry } from 'ldapts';
import type { LdapConnector } from '../ldap.connector';
import { collect, rejection, userBinding, type LdapTestServer } from './ldap-connector.suite';

export interface GroupSuiteContext {
  server: LdapTestServer;
  admin: Client;
  connectorFor: (bindings?: ObjectTypeBinding[], extra?: Record<string, unknown>) => LdapConnector;
}

export function groupBinding(base: string, objectClasses: string[] = ['groupOfNames'], target: Record<string, unknown> = {}, attributes?: string[]): ObjectTypeBinding {
  const member = objectClasses.some((c) => c.toLowerCase() === 'groupofuniquenames') ? 'uniqueMember' : objectClasses.some((c) => c.toLowerCase() === 'posixgroup') ? 'memberUid' : 'member';
  return {
    name: 'Group',
    anchor: 'auto',
    dn: { kind: 'template', template: `cn={cn},${base}` },
    attributes: attributes ?? ['cn', 'description', member, 'objectClass', ...(member === 'memberUid' ? ['gidNumber'] : [])],
    target: { objectClasses, base, ...target },
  };
}

const valuesOf = (entry: Entry | undefined, name: string): string[] => {
  if (!entry) return [];
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  if (!key) return [];
  const v = entry[key];
  return (Array.isArray(v) ? v : [v]).map(String);
};
const lower = (list: AttributeValue[] | undefined): string[] => (list ?? []).map((v) => String(v).toLowerCase()).sort();

export function ldapGroupTests(context: () => GroupSuiteContext): void {
  let server: LdapTestServer;
  let admin: Client;
  let groups: string;
  let placeholder: string;
  let users: string;

  const read = async (dn: string, attributes = ['*', '+']): Promise<Entry | undefined> => {
    try {
      return (await admin.search(dn, { scope: 'base', attributes })).searchEntries[0];
    } catch {
      return undefined;
    }
  };
  /** Entries holding `value` in `attribute`, found by an equality search (as the directory matches DNs). */
  const holders = async (attribute: string, value: string): Promise<string[]> =>
    (await admin.search(server.baseDn, { scope: 'sub', filter: `(${attribute}=${value.replace(/[*()\\]/g, (c) => `\\${c.charCodeAt(0).toString(16)}`)})`, attributes: ['1.1'] })).searchEntries.map(
      (e) => e.dn.toLowerCase(),
    );
  /** Successful modify operations on `dn` recorded by the server's change log. */
  const modifies = async (dn: string): Promise<number> => {
    if (server.changeSource === 'accesslog') {
      const { searchEntries } = await admin.search('cn=accesslog', { scope: 'one', filter: `(&(objectClass=auditModify)(reqDN=${dn}))`, attributes: ['1.1'] });
      return searchEntries.length;
    }
    const { searchEntries } = await admin.search('cn=changelog', { scope: 'one', filter: `(&(changeType=modify)(targetDn=${dn}))`, attributes: ['1.1'] });
    return searchEntries.length;
  };
  const user = (uid: string): string => `uid=${uid},${users}`;
  /** RFC 4519 groupOfNames / groupOfUniqueNames MUST have a member; 389 DS's schema makes it a MAY. */
  const requiresMember = (): boolean => server.vendor !== '389ds';
  /** What the directory holds in a group's member attribute once it has no real member. */
  const emptyMembers = (): string[] => (requiresMember() ? lower([placeholder]) : []);
  const connectorWith = (group: ObjectTypeBinding, userOverrides: Partial<ObjectTypeBinding> = {}, extra: Record<string, unknown> = {}): LdapConnector =>
    context().connectorFor([userBinding(users, { attributes: ['uid', 'cn', 'sn', 'mail', 'title', 'manager', 'objectClass'], ...userOverrides }), group], extra);
  const addUser = (connector: LdapConnector, uid: string, extra: Record<string, AttributeValue[]> = {}): Promise<ExportResult> =>
    connector.export({ kind: 'add', objectType: 'User', attributes: { uid: [uid], cn: [uid], sn: ['Member'], ...extra } });
  const addGroup = (connector: LdapConnector, cn: string, attributes: Record<string, AttributeValue[]> = {}): Promise<ExportResult> =>
    connector.export({ kind: 'add', objectType: 'Group', attributes: { cn: [cn], ...attributes } });
  const update = (connector: LdapConnector, objectType: string, object: ExportResult, deltas: Array<{ attribute: string; op: 'add' | 'remove' | 'replace'; values: AttributeValue[] }>) =>
    connector.export({ kind: 'update', objectType, anchor: object.anchor, dn: object.dn, deltas });

  beforeAll(async () => {
    ({ server, admin } = context());
    groups = `ou=Groups,${server.baseDn}`;
    users = `ou=Members,${server.baseDn}`;
    placeholder = `cn=empty-group-placeholder,${server.baseDn}`;
    for (const [dn, ou] of [
      [groups, 'Groups'],
      [users, 'Members'],
    ] as const) {
      await admin.add(dn, { objectClass: ['organizationalUnit'], ou }).catch(() => undefined);
    }
  });

  describe('discovery', () => {
    it('DN-valued attributes are references by DN; a group class\'s required member is not required of the host', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfNames'], {}, ['cn', 'member', 'owner', 'objectClass']));
      const schema = await connector.discoverSchema();
      const group = schema.objectTypes.find((t) => t.name === 'Group')!;
      const member = group.attributes.find((a) => a.name === 'member');
      expect(member).toEqual(expect.objectContaining({ type: 'reference', referenceBy: 'dn', multiValued: true, required: false }));
      expect(member?.referenceTo).toEqual(['User', 'Group']);
      expect(group.attributes.find((a) => a.name === 'owner')).toEqual(expect.objectContaining({ type: 'reference', referenceBy: 'dn' }));
      expect(group.attributes.find((a) => a.name === 'cn')).toEqual(expect.objectContaining({ type: 'string', required: true }));
      expect(group.attributes.find((a) => a.name === 'cn')?.referenceBy).toBeUndefined();
      const manager = schema.objectTypes.find((t) => t.name === 'User')!.attributes.find((a) => a.name === 'manager');
      expect(manager).toEqual(expect.objectContaining({ type: 'reference', referenceBy: 'dn' }));

      const unique = connectorWith(groupBinding(groups, ['groupOfUniqueNames']));
      const uniqueMember = (await unique.discoverSchema()).objectTypes.find((t) => t.name === 'Group')!.attributes.find((a) => a.name === 'uniqueMember');
      expect(uniqueMember).toEqual(expect.objectContaining({ type: 'reference', referenceBy: 'dn', required: false }));

      const posix = connectorWith(groupBinding(groups, ['posixGroup']));
      const memberUid = (await posix.discoverSchema()).objectTypes.find((t) => t.name === 'Group')!.attributes.find((a) => a.name === 'memberUid');
      expect(memberUid).toEqual(expect.objectContaining({ type: 'string', multiValued: true }));
      expect(memberUid?.referenceBy).toBeUndefined();
    });

    it('a placeholder on a class that needs no member (posixGroup) is never written', async () => {
      const connector = connectorWith(groupBinding(groups, ['posixGroup'], { emptyGroupPlaceholder: placeholder }));
      const created = await addGroup(connector, 'posix with placeholder', { gidNumber: [5001] });
      const stored = await read(created.dn);
      expect(valuesOf(stored, 'member')).toEqual([]);
      expect(valuesOf(stored, 'memberUid')).toEqual([]);
    });

    it('a placeholder that is not a DN is refused naming the key', async () => {
      const error = await rejection(Promise.resolve().then(() => connectorWith(groupBinding(groups, ['groupOfNames'], { emptyGroupPlaceholder: 'nobody' }))));
      expect(error.message).toContain('objectTypes.Group.target.emptyGroupPlaceholder');
    });
  });

  describe('groupOfNames', () => {
    it('add with members: the member DNs are in the entry, and get returns them', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfNames'], { emptyGroupPlaceholder: placeholder }));
      const a = await addUser(connector, 'gm.a');
      const b = await addUser(connector, 'gm.b');
      const created = await addGroup(connector, 'Sales', { member: [a.dn, b.dn], description: ['Sales team'] });
      expect(lower(valuesOf(await read(created.dn), 'member'))).toEqual(lower([a.dn, b.dn]));
      const got = await connector.get('Group', created.anchor);
      expect(lower(got?.attributes.member)).toEqual(lower([a.dn, b.dn]));
      expect(lower(created.attributes?.member)).toEqual(lower([a.dn, b.dn]));
    });

    it('an empty group holds the placeholder in the directory, never in get, the export result or full import', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfNames'], { emptyGroupPlaceholder: placeholder }));
      const created = await addGroup(connector, 'Empty at first');
      expect(lower(valuesOf(await read(created.dn), 'member'))).toEqual(emptyMembers());
      expect(created.attributes?.member).toBeUndefined();
      expect((await connector.get('Group', created.anchor))?.attributes.member).toBeUndefined();
      const imported = (await collect(connector.fullImport('Group', { pageSize: 50 }))).flatMap((p) => p.objects);
      const mine = imported.find((o) => o.anchor === created.anchor);
      expect(mine).toBeDefined();
      expect(imported.some((o) => lower(o.attributes.member).includes(placeholder.toLowerCase()))).toBe(false);

      // the first real member replaces the placeholder, in the same modify
      const a = await addUser(connector, 'gm.first');
      const before = await modifies(created.dn);
      await update(connector, 'Group', created, [{ attribute: 'member', op: 'add', values: [a.dn] }]);
      expect(lower(valuesOf(await read(created.dn), 'member'))).toEqual(lower([a.dn]));
      expect(await modifies(created.dn)).toBe(before + 1);
    });

    it('an empty group without a configured placeholder is a schemaViolation naming the setting; nothing is written', async () => {
      const connector = connectorWith(groupBinding(groups));
      if (!requiresMember()) {
        const created = await addGroup(connector, 'No placeholder');
        expect(valuesOf(await read(created.dn), 'member')).toEqual([]);
        return;
      }
      const error = await rejection(addGroup(connector, 'No placeholder'));
      expect(error.reason).toBe('schemaViolation');
      expect(error.message).toContain('emptyGroupPlaceholder');
      expect(await read(`cn=No placeholder,${groups}`)).toBeUndefined();
    });

    it('1,000 members added in ONE modify, then removed in one; the result carries no member read-back', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfNames'], { emptyGroupPlaceholder: placeholder }));
      // members need not exist for groupOfNames (neither server checks without a refint plugin set to)
      const members = Array.from({ length: 1000 }, (_, i) => user(`bulk.member.${String(i).padStart(4, '0')}`));
      const created = await addGroup(connector, 'Big');
      const before = await modifies(created.dn);
      const result = await update(connector, 'Group', created, [{ attribute: 'member', op: 'add', values: members }]);
      expect(await modifies(created.dn)).toBe(before + 1);
      expect(result.attributes).toBeUndefined();
      expect(result.anchor).toBe(created.anchor);
      const stored = valuesOf(await read(created.dn, ['member']), 'member');
      expect(stored).toHaveLength(1000);
      expect(stored.map((v) => v.toLowerCase())).not.toContain(placeholder.toLowerCase());
      expect(await holders('member', members[500]!)).toEqual([created.dn.toLowerCase()]);

      const keep = members.slice(0, 10);
      await update(connector, 'Group', created, [{ attribute: 'member', op: 'remove', values: members.slice(10) }]);
      expect(await modifies(created.dn)).toBe(before + 2);
      expect(lower(valuesOf(await read(created.dn, ['member']), 'member'))).toEqual(lower(keep));
    });

    it('re-adding a present member and removing an absent one (a retried PATCH) succeeds and lands the rest', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfNames'], { emptyGroupPlaceholder: placeholder }));
      const [a, b, c] = [user('idem.a'), user('idem.b'), user('idem.c')];
      const created = await addGroup(connector, 'Idempotent', { member: [a, b] });
      // the same PATCH twice, as a retry after a lost answer
      for (let i = 0; i < 2; i++) {
        await update(connector, 'Group', created, [
          { attribute: 'member', op: 'add', values: [c] },
          { attribute: 'member', op: 'remove', values: [a] },
        ]);
      }
      expect(lower(valuesOf(await read(created.dn), 'member'))).toEqual(lower([b, c]));
      // a mix of stale and fresh values in one request
      await update(connector, 'Group', created, [
        { attribute: 'member', op: 'add', values: [b.toUpperCase(), a] },
        { attribute: 'member', op: 'remove', values: [user('never.there'), c] },
      ]);
      expect(lower(valuesOf(await read(created.dn), 'member'))).toEqual(lower([a, b]));
    });

    it('removing the last member keeps the placeholder in the directory, hidden from get and the delta import', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfNames'], { emptyGroupPlaceholder: placeholder }));
      const a = user('last.a');
      const created = await addGroup(connector, 'Last one', { member: [a] });
      const pages = await collect(connector.fullImport('Group', { pageSize: 100 }));
      const watermark = pages[pages.length - 1]!.watermark!;
      const before = await modifies(created.dn);
      await update(connector, 'Group', created, [{ attribute: 'member', op: 'remove', values: [a] }]);
      expect(lower(valuesOf(await read(created.dn), 'member'))).toEqual(emptyMembers());
      // the refused attempt is not in the log: one successful modify
      expect(await modifies(created.dn)).toBe(before + 1);
      expect((await connector.get('Group', created.anchor))?.attributes.member).toBeUndefined();
      const changes = (await collect(connector.deltaImport('Group', watermark, { pageSize: 100 }))).flatMap((p) => p.changes);
      const upsert = changes.find((c): c is { kind: 'upsert'; object: TargetObject } => c.kind === 'upsert' && c.object.anchor === created.anchor);
      expect(upsert).toBeDefined();
      expect(upsert!.object.attributes.member).toBeUndefined();
      // a replace by no members also leaves the placeholder
      await update(connector, 'Group', created, [{ attribute: 'member', op: 'replace', values: [a] }]);
      await update(connector, 'Group', created, [{ attribute: 'member', op: 'replace', values: [] }]);
      expect(lower(valuesOf(await read(created.dn), 'member'))).toEqual(emptyMembers());
    });

    it('removing the last member without a placeholder is a schemaViolation naming the setting; the member stays', async () => {
      const connector = connectorWith(groupBinding(groups));
      const a = user('stay.a');
      const created = await addGroup(connector, 'Keeps its member', { member: [a] });
      if (!requiresMember()) {
        await update(connector, 'Group', created, [{ attribute: 'member', op: 'remove', values: [a] }]);
        expect(valuesOf(await read(created.dn), 'member')).toEqual([]);
        return;
      }
      const error = await rejection(update(connector, 'Group', created, [{ attribute: 'member', op: 'remove', values: [a] }]));
      expect(error.reason).toBe('schemaViolation');
      expect(error.message).toContain('emptyGroupPlaceholder');
      expect(lower(valuesOf(await read(created.dn), 'member'))).toEqual(lower([a]));
    });

    it('delta import of a membership change returns the member DNs (accesslog / retro changelog)', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfNames'], { emptyGroupPlaceholder: placeholder }));
      const created = await addGroup(connector, 'Delta group', { member: [user('delta.a')] });
      const pages = await collect(connector.fullImport('Group', { pageSize: 100 }));
      const watermark = pages[pages.length - 1]!.watermark!;
      const full = pages.flatMap((p) => p.objects).find((o) => o.anchor === created.anchor);
      expect(lower(full?.attributes.member)).toEqual(lower([user('delta.a')]));
      await update(connector, 'Group', created, [{ attribute: 'member', op: 'add', values: [user('delta.b')] }]);
      const changes = (await collect(connector.deltaImport('Group', watermark, { pageSize: 100 }))).flatMap((p) => p.changes);
      const upsert = changes.find((c): c is { kind: 'upsert'; object: TargetObject } => c.kind === 'upsert' && c.object.anchor === created.anchor);
      expect(lower(upsert?.object.attributes.member)).toEqual(lower([user('delta.a'), user('delta.b')]));
    });

    it('bad member values: not a DN is invalidValue from the server; a DN of no entry is stored (neither server checks)', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfNames'], { emptyGroupPlaceholder: placeholder }));
      const created = await addGroup(connector, 'Bad input', { member: [user('bad.a')] });
      const error = await rejection(update(connector, 'Group', created, [{ attribute: 'member', op: 'add', values: ['not a DN'] }]));
      expect(error.reason).toBe('invalidValue');
      expect(error.retryable).toBe(false);
      expect(lower(valuesOf(await read(created.dn), 'member'))).toEqual(lower([user('bad.a')]));
      const ghost = `uid=nobody-here,${users}`;
      await update(connector, 'Group', created, [{ attribute: 'member', op: 'add', values: [ghost] }]);
      expect(lower(valuesOf(await read(created.dn), 'member'))).toEqual(lower([user('bad.a'), ghost]));
    });
  });

  describe('groupOfUniqueNames and posixGroup', () => {
    it('groupOfUniqueNames: uniqueMember add, update and placeholder', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfUniqueNames'], { emptyGroupPlaceholder: placeholder }));
      const [a, b] = [user('unique.a'), user('unique.b')];
      const created = await addGroup(connector, 'Unique', { uniqueMember: [a] });
      expect(lower(valuesOf(await read(created.dn), 'uniqueMember'))).toEqual(lower([a]));
      const before = await modifies(created.dn);
      await update(connector, 'Group', created, [
        { attribute: 'uniqueMember', op: 'add', values: [b] },
        { attribute: 'uniqueMember', op: 'remove', values: [a] },
      ]);
      expect(await modifies(created.dn)).toBe(before + 1);
      expect(lower(valuesOf(await read(created.dn), 'uniqueMember'))).toEqual(lower([b]));
      await update(connector, 'Group', created, [{ attribute: 'uniqueMember', op: 'remove', values: [b] }]);
      expect(lower(valuesOf(await read(created.dn), 'uniqueMember'))).toEqual(emptyMembers());
      expect((await connector.get('Group', created.anchor))?.attributes.uniqueMember).toBeUndefined();
    });

    it('posixGroup: memberUid is a plain multi-valued string, and the group may be empty without a placeholder', async () => {
      const connector = connectorWith(groupBinding(groups, ['posixGroup']));
      const created = await addGroup(connector, 'developers', { gidNumber: [5000] });
      expect(valuesOf(await read(created.dn), 'memberUid')).toEqual([]);
      await update(connector, 'Group', created, [{ attribute: 'memberUid', op: 'add', values: ['alice', 'bob'] }]);
      await update(connector, 'Group', created, [
        { attribute: 'memberUid', op: 'add', values: ['alice', 'carol'] },
        { attribute: 'memberUid', op: 'remove', values: ['bob', 'dave'] },
      ]);
      expect(valuesOf(await read(created.dn), 'memberUid').sort()).toEqual(['alice', 'carol']);
      await update(connector, 'Group', created, [{ attribute: 'memberUid', op: 'remove', values: ['alice', 'carol'] }]);
      expect(valuesOf(await read(created.dn), 'memberUid')).toEqual([]);
      expect((await connector.get('Group', created.anchor))?.attributes.gidNumber).toEqual([5000]);
    });
  });

  describe('manager and renames', () => {
    it('manager: a DN on add, replaced, cleared, read back and imported', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfNames'], { emptyGroupPlaceholder: placeholder }));
      const boss = await addUser(connector, 'mgr.boss');
      const other = await addUser(connector, 'mgr.other');
      const report = await addUser(connector, 'mgr.report', { manager: [boss.dn] });
      expect(lower(valuesOf(await read(report.dn), 'manager'))).toEqual(lower([boss.dn]));
      expect(lower((await connector.get('User', report.anchor))?.attributes.manager)).toEqual(lower([boss.dn]));
      await update(connector, 'User', report, [{ attribute: 'manager', op: 'replace', values: [other.dn] }]);
      expect(lower(valuesOf(await read(report.dn), 'manager'))).toEqual(lower([other.dn]));
      const imported = (await collect(connector.fullImport('User', { pageSize: 100 }))).flatMap((p) => p.objects);
      expect(lower(imported.find((o) => o.anchor === report.anchor)?.attributes.manager)).toEqual(lower([other.dn]));
      const mixed = await update(connector, 'User', report, [
        { attribute: 'manager', op: 'replace', values: [] },
        { attribute: 'title', op: 'replace', values: ['Lead'] },
      ]);
      expect(valuesOf(await read(report.dn), 'manager')).toEqual([]);
      expect(mixed.attributes?.title).toEqual(['Lead']);
      expect(mixed.attributes?.manager).toBeUndefined();
    });

    it('renaming a user rewrites its DN in member, uniqueMember and manager of every entry holding it; a retry is harmless', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfNames'], { emptyGroupPlaceholder: placeholder }));
      const moving = await addUser(connector, 'ren.old');
      const other = user('ren.other');
      const report = await addUser(connector, 'ren.report', { manager: [moving.dn] });
      const names = await addGroup(connector, 'Rename names', { member: [moving.dn, other] });
      const alone = await addGroup(connector, 'Rename alone', { member: [moving.dn] });
      const unique = `cn=Rename unique,${groups}`;
      await admin.add(unique, { objectClass: ['groupOfUniqueNames'], cn: 'Rename unique', uniqueMember: [moving.dn] });
      const newDn = user('ren.new');
      const renamed = await connector.export({ kind: 'rename', objectType: 'User', anchor: moving.anchor, dn: moving.dn, newDn, deltas: [] });
      expect(renamed.dn.toLowerCase()).toBe(newDn.toLowerCase());
      const check = async (): Promise<void> => {
        expect(lower(valuesOf(await read(names.dn), 'member'))).toEqual(lower([newDn, other]));
        expect(lower(valuesOf(await read(alone.dn), 'member'))).toEqual(lower([newDn]));
        expect(lower(valuesOf(await read(unique), 'uniqueMember'))).toEqual(lower([newDn]));
        expect(lower(valuesOf(await read(report.dn), 'manager'))).toEqual(lower([newDn]));
        expect(await holders('member', moving.dn)).toEqual([]);
      };
      await check();
      // the host retries the same rename (its answer was lost)
      await connector.export({ kind: 'rename', objectType: 'User', anchor: moving.anchor, dn: moving.dn, newDn, deltas: [] });
      await check();
      // a template rename (uid changed) does the same
      const third = await connector.export({ kind: 'update', objectType: 'User', anchor: moving.anchor, dn: newDn, deltas: [{ attribute: 'uid', op: 'replace', values: ['ren.third'] }] });
      expect(third.dn.toLowerCase()).toBe(user('ren.third').toLowerCase());
      expect(lower(valuesOf(await read(alone.dn), 'member'))).toEqual(lower([user('ren.third')]));
    });

    it('referentialIntegrity.enabled false leaves other entries alone (for a server whose refint overlay does it)', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfNames'], { emptyGroupPlaceholder: placeholder }), {}, { referentialIntegrity: { enabled: false } });
      const moving = await addUser(connector, 'norefint.old');
      const group = await addGroup(connector, 'No refint', { member: [moving.dn] });
      await connector.export({ kind: 'rename', objectType: 'User', anchor: moving.anchor, dn: moving.dn, newDn: user('norefint.new'), deltas: [] });
      expect(lower(valuesOf(await read(group.dn), 'member'))).toEqual(lower([moving.dn]));
    });

    it('an unknown referentialIntegrity attribute is a schemaViolation naming it', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfNames'], { emptyGroupPlaceholder: placeholder }), {}, { referentialIntegrity: { attributes: ['member', 'noSuchRef'] } });
      expect((await rejection(connector.test())).message).toContain('noSuchRef');
    });

    it('a member DN written behind the host\'s back in another spelling still matches on rename', async () => {
      const connector = connectorWith(groupBinding(groups, ['groupOfNames'], { emptyGroupPlaceholder: placeholder }));
      const moving = await addUser(connector, 'spell.old');
      const dn = `cn=Spelling,${groups}`;
      await admin.add(dn, { objectClass: ['groupOfNames'], cn: 'Spelling', member: [moving.dn.toUpperCase().replace(/,/g, ', ')] });
      await admin.modify(dn, [new Change({ operation: 'add', modification: new Attribute({ type: 'description', values: ['written by hand'] }) })]);
      await connector.export({ kind: 'rename', objectType: 'User', anchor: moving.anchor, dn: moving.dn, newDn: user('spell.new'), deltas: [] });
      expect(lower(valuesOf(await read(dn), 'member'))).toEqual(lower([user('spell.new')]));
    });
  });
}
