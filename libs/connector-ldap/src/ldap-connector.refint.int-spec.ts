/**
 * The connector's DN rewrite after a rename next to the server's own referential integrity
 * (slapo-refint, which rewrites in a background thread): whichever runs first, the other finds
 * nothing left to do or a value already rewritten, and the group ends with exactly the new DN.
 */
import { startSlapd, type SlapdServer } from '@connector-host/testing';
import { Client } from 'ldapts';
import { ldapConnectorFactory } from './ldap-connector.factory';
import type { LdapConnector } from './ldap.connector';
import { groupBinding } from './testing/ldap-groups.suite';
import { RecordingLogger, userBinding } from './testing/ldap-connector.suite';

describe('ldap connector renames on slapd with the refint overlay', () => {
  let slapd: SlapdServer;
  let admin: Client;
  let connector: LdapConnector;

  beforeAll(async () => {
    slapd = await startSlapd({ refintAttributes: ['member', 'manager'] });
    admin = new Client({ url: slapd.url, timeout: 20000 });
    await admin.bind(slapd.bindDn, slapd.bindPassword);
    connector = ldapConnectorFactory.create({
      name: 'refint',
      connection: { url: slapd.url, bindDn: slapd.bindDn, bindPassword: slapd.bindPassword, baseDn: slapd.baseDn },
      objectTypes: [userBinding(slapd.peopleDn, { attributes: ['uid', 'cn', 'sn', 'manager', 'objectClass'] }), groupBinding(slapd.groupsDn, ['groupOfNames'], { emptyGroupPlaceholder: `cn=placeholder,${slapd.baseDn}` })],
      logger: new RecordingLogger(),
    }) as LdapConnector;
  });
  afterAll(async () => {
    await connector?.close();
    await admin?.unbind().catch(() => undefined);
    await slapd?.stop();
  });

  const members = async (dn: string, attribute = 'member'): Promise<string[]> => {
    const entry = (await admin.search(dn, { scope: 'base', attributes: [attribute] })).searchEntries[0]!;
    const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
    const value = key ? entry[key] : [];
    return (Array.isArray(value) ? value : [value]).map((v) => String(v).toLowerCase());
  };

  it('20 renames in a row: every group and manager ends with the new DN only', async () => {
    for (let i = 0; i < 20; i++) {
      const user = await connector.export({ kind: 'add', objectType: 'User', attributes: { uid: [`r${i}`], cn: [`r${i}`], sn: ['R'] } });
      const report = await connector.export({ kind: 'add', objectType: 'User', attributes: { uid: [`rep${i}`], cn: [`rep${i}`], sn: ['R'], manager: [user.dn] } });
      const group = await connector.export({ kind: 'add', objectType: 'Group', attributes: { cn: [`g${i}`], member: [user.dn, `uid=other,${slapd.peopleDn}`] } });
      const newDn = `uid=r${i}.renamed,${slapd.peopleDn}`;
      await connector.export({ kind: 'rename', objectType: 'User', anchor: user.anchor, dn: user.dn, newDn, deltas: [] });
      expect((await members(group.dn)).sort()).toEqual([`uid=other,${slapd.peopleDn}`.toLowerCase(), newDn.toLowerCase()].sort());
      expect(await members(report.dn, 'manager')).toEqual([newDn.toLowerCase()]);
    }
  });

  it('the overlay is really on: with the connector\'s rewrite off, slapo-refint alone moves the member (waited for, up to 20 s)', async () => {
    const quiet = ldapConnectorFactory.create({
      name: 'refint-off',
      connection: { url: slapd.url, bindDn: slapd.bindDn, bindPassword: slapd.bindPassword, baseDn: slapd.baseDn, referentialIntegrity: { enabled: false } },
      objectTypes: [userBinding(slapd.peopleDn), groupBinding(slapd.groupsDn, ['groupOfNames'], { emptyGroupPlaceholder: `cn=placeholder,${slapd.baseDn}` })],
      logger: new RecordingLogger(),
    });
    try {
      const user = await quiet.export({ kind: 'add', objectType: 'User', attributes: { uid: ['solo'], cn: ['solo'], sn: ['S'] } });
      const group = await quiet.export({ kind: 'add', objectType: 'Group', attributes: { cn: ['solo group'], member: [user.dn] } });
      const newDn = `uid=solo.renamed,${slapd.peopleDn}`;
      await quiet.export({ kind: 'rename', objectType: 'User', anchor: user.anchor, dn: user.dn, newDn, deltas: [] });
      const deadline = Date.now() + 20000;
      while ((await members(group.dn))[0] !== newDn.toLowerCase() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await members(group.dn)).toEqual([newDn.toLowerCase()]);
    } finally {
      await quiet.close();
    }
  });
});
