import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { isPortOpen } from './free-port';
import { startSlapd } from './slapd.server';
import { start389ds } from './dirsrv.server';

describe('slapd test server', () => {
  it('starts slapd with back-mdb and the accesslog overlay, logs a write, and stops', async () => {
    const slapd = await startSlapd();
    try {
      const client = new Client({ url: slapd.url, timeout: 10000 });
      await client.bind(slapd.bindDn, slapd.bindPassword);
      await client.add(`uid=t1,${slapd.peopleDn}`, { objectClass: ['inetOrgPerson', 'posixAccount'], uid: 't1', cn: 'T', sn: 'One', uidNumber: '10001', gidNumber: '10000', homeDirectory: '/home/t1' });
      const { searchEntries } = await client.search('cn=accesslog', { scope: 'one', filter: '(reqType=add)', attributes: ['reqDN', 'reqEntryUUID'] });
      expect(searchEntries.map((e) => String(e.reqDN).toLowerCase())).toContain(`uid=t1,${slapd.peopleDn}`.toLowerCase());
      await client.unbind();
    } finally {
      await slapd.stop();
    }
    await expect(isPortOpen(slapd.port)).resolves.toBe(false);
  });

  it('with tls: LDAPS and StartTLS against the generated CA, and SASL EXTERNAL with the client certificate', async () => {
    const slapd = await startSlapd({ tls: true, accesslog: false });
    try {
      const ca = readFileSync(slapd.tls!.caFile);
      const ldaps = new Client({ url: slapd.ldapsUrl!, timeout: 10000, tlsOptions: { ca } });
      await ldaps.bind(slapd.bindDn, slapd.bindPassword);
      await ldaps.unbind();

      const startTls = new Client({ url: slapd.url, timeout: 10000 });
      await startTls.startTLS({ ca, servername: 'localhost' });
      await startTls.bind(slapd.bindDn, slapd.bindPassword);
      await startTls.unbind();

      const external = new Client({
        url: slapd.ldapsUrl!,
        timeout: 10000,
        tlsOptions: { ca, cert: readFileSync(slapd.tls!.clientCertFile), key: readFileSync(slapd.tls!.clientKeyFile) },
      });
      await external.bind('EXTERNAL');
      const who = await external.exop('1.3.6.1.4.1.4203.1.11.3');
      expect(String(who.value)).toBe(`dn:${slapd.bindDn}`);
      await external.unbind();
    } finally {
      await slapd.stop();
    }
  });
});

describe('389 Directory Server test server', () => {
  it('starts 389 DS through dscontainer on a free port with the retro changelog, and stops it', async () => {
    const ds = await start389ds();
    try {
      const client = new Client({ url: ds.url, timeout: 20000 });
      await client.bind(ds.bindDn, ds.bindPassword);
      const { searchEntries } = await client.search('', { scope: 'base', attributes: ['vendorName', 'vendorVersion', 'changelog', 'lastchangenumber', 'namingContexts'] });
      expect(String(searchEntries[0]?.vendorVersion)).toMatch(/389-Directory/);
      await client.add(`uid=t1,${ds.peopleDn}`, { objectClass: ['inetOrgPerson'], uid: 't1', cn: 'T', sn: 'One' });
      const log = await client.search('cn=changelog', { scope: 'one', filter: '(changeType=add)', attributes: ['targetDn', 'targetUniqueId', 'changeNumber'] });
      expect(log.searchEntries.map((e) => String(e.targetDn).toLowerCase())).toContain(`uid=t1,${ds.peopleDn}`.toLowerCase());
      await client.unbind();
    } finally {
      await ds.stop();
    }
    await expect(isPortOpen(ds.port)).resolves.toBe(false);
  });
});
