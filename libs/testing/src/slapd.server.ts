import { randomBytes } from 'node:crypto';
import { accessSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { findFreePort } from './free-port';
import { launch, onFreePort, requireBinary, runToCompletion, ServerHandle } from './server-process';
import { createTempDir } from './temp-dir';
import { createTestTlsFiles, type TestTlsFiles } from './tls-files';

export interface SlapdOptions {
  /** Suffix of the data database. Default `dc=example,dc=com`. */
  baseDn?: string;
  /** Password of the root DN `cn=admin,<base>`. Default: random. */
  bindPassword?: string;
  /**
   * LDAPS on a second port, StartTLS on the first, a throw-away CA, and SASL EXTERNAL: the client
   * certificate (`tls.clientCertFile`) maps to the root DN. Default off.
   */
  tls?: boolean;
  /** The accesslog overlay writing every successful write to `cn=accesslog`. Default on. */
  accesslog?: boolean;
  /**
   * The refint overlay (slapo-refint) on the data database, keeping these DN-valued attributes
   * right on modDN and delete (it runs in a background thread). Default off.
   */
  refintAttributes?: string[];
  /** Further entries (LDIF) loaded with slapadd before start. `ou=People,<base>` and `ou=Groups,<base>` are always there. */
  ldif?: string;
  /**
   * A large data set (LDIF: 100,000 entries for a benchmark's full import) loaded after `ldif` in
   * a second pass, `slapadd -q` (quick mode: no consistency checks), with up to 30 minutes for it.
   */
  bulkLdif?: string;
  /** Size of each database's memory map, in MiB. Default 1024 (sparse: costs nothing unused). */
  maxSizeMb?: number;
  startTimeoutMs?: number;
}

export interface SlapdServer extends ServerHandle {
  /** `ldap://127.0.0.1:PORT` (StartTLS works on it when `tls`). */
  url: string;
  /** `ldaps://127.0.0.1:PORT2` when `tls`. */
  ldapsUrl?: string;
  ldapsPort?: number;
  baseDn: string;
  /** `ou=People,<base>`, created at start. */
  peopleDn: string;
  /** `ou=Groups,<base>`, created at start (the examples' group base). */
  groupsDn: string;
  /** The root DN, `cn=admin,<base>`. */
  bindDn: string;
  bindPassword: string;
  /** `cn=accesslog` when the overlay is on. */
  accesslogDn?: string;
  tls?: TestTlsFiles;
  /** The folder slapd runs in (config, databases, log). */
  dir: string;
}

const APT_PACKAGE = 'slapd';
const SCHEMAS = ['core', 'cosine', 'inetorgperson', 'nis'];
const MODULE_DIRS = ['/usr/lib/ldap', '/usr/lib/openldap', '/usr/lib64/openldap', '/usr/libexec/openldap'];

/**
 * Starts a private OpenLDAP `slapd` on loopback: back-mdb for `<base>`, the accesslog overlay
 * writing to a second mdb database `cn=accesslog`, schemas core / cosine / inetorgperson / nis, a
 * root DN and password. The config is a slapd.conf checked by `slaptest -u`; the base entries are
 * loaded with `slapadd`; slapd runs from that file (`slapd -f`) in the foreground.
 */
export async function startSlapd(options: SlapdOptions = {}): Promise<SlapdServer> {
  const slapd = requireBinary(['slapd'], APT_PACKAGE);
  const slaptest = requireBinary(['slaptest'], APT_PACKAGE);
  const slapadd = requireBinary(['slapadd'], APT_PACKAGE);
  const baseDn = options.baseDn ?? 'dc=example,dc=com';
  const bindDn = `cn=admin,${baseDn}`;
  const bindPassword = options.bindPassword ?? randomBytes(12).toString('hex');
  const accesslog = options.accesslog ?? true;
  const moduleDir = MODULE_DIRS.find((dir) => exists(join(dir, 'back_mdb.so'))) ?? MODULE_DIRS[0]!;
  const schemaDir = ['/etc/ldap/schema', '/etc/openldap/schema'].find((dir) => exists(join(dir, 'core.schema'))) ?? '/etc/ldap/schema';

  return onFreePort(async (port) => {
    const temp = createTempDir('connector-host-slapd-');
    try {
      const dir = temp.path;
      const tls = options.tls ? await createTestTlsFiles(dir) : undefined;
      const ldapsPort = tls ? await findFreePort() : undefined;
      for (const sub of ['data', 'accesslog']) mkdirSync(join(dir, sub));
      const maxSize = (options.maxSizeMb ?? 1024) * 1024 * 1024;
      const lines = [
        ...SCHEMAS.map((s) => `include ${schemaDir}/${s}.schema`),
        `modulepath ${moduleDir}`,
        'moduleload back_mdb',
        ...(accesslog ? ['moduleload accesslog'] : []),
        ...(options.refintAttributes?.length ? ['moduleload refint'] : []),
        `pidfile ${join(dir, 'slapd.pid')}`,
        `argsfile ${join(dir, 'slapd.args')}`,
        // paged full imports of 100,000 entries: no server-side size limit for anyone here
        'sizelimit unlimited',
        ...(tls
          ? [
              `TLSCACertificateFile ${tls.caFile}`,
              `TLSCertificateFile ${tls.serverCertFile}`,
              `TLSCertificateKeyFile ${tls.serverKeyFile}`,
              'TLSVerifyClient try',
              // SASL EXTERNAL: the client certificate's subject is the root DN
              `authz-regexp "^${tls.clientSubject}$" "${bindDn}"`,
            ]
          : []),
      ];
      if (accesslog) {
        lines.push(
          'database mdb',
          'suffix "cn=accesslog"',
          `directory ${join(dir, 'accesslog')}`,
          `maxsize ${maxSize}`,
          `rootdn "${bindDn}"`,
          'index reqStart eq',
          `access to * by dn.exact="${bindDn}" read by * none`,
        );
      }
      lines.push(
        'database mdb',
        `suffix "${baseDn}"`,
        `rootdn "${bindDn}"`,
        `rootpw ${bindPassword}`,
        `directory ${join(dir, 'data')}`,
        `maxsize ${maxSize}`,
        'index objectClass eq',
        'index uid,cn,mail eq',
        'index entryUUID eq',
        ...(accesslog ? ['overlay accesslog', 'logdb "cn=accesslog"', 'logops writes', 'logsuccess TRUE', 'logpurge 07+00:00 01+00:00'] : []),
        ...(options.refintAttributes?.length ? ['overlay refint', `refint_attributes ${options.refintAttributes.join(' ')}`, `refint_modifiersName "${bindDn}"`] : []),
      );
      const conf = join(dir, 'slapd.conf');
      writeFileSync(conf, `${lines.join('\n')}\n`, { mode: 0o600 });
      // -u: check the file without opening the (not yet created) databases
      await runToCompletion(slaptest, ['-u', '-f', conf], { logFile: join(dir, 'slaptest.log'), cwd: dir, timeoutMs: 60000 });
      const rdn = /^([^=]+)=([^,]+)/.exec(baseDn);
      const baseLdif = [
        `dn: ${baseDn}`,
        'objectClass: top',
        ...(rdn?.[1]?.toLowerCase() === 'dc' ? ['objectClass: dcObject', 'objectClass: organization', `dc: ${rdn[2]}`, `o: ${rdn[2]}`] : ['objectClass: organization', `o: ${rdn?.[2] ?? 'test'}`]),
        '',
        `dn: ou=People,${baseDn}`,
        'objectClass: organizationalUnit',
        'ou: People',
        '',
        `dn: ou=Groups,${baseDn}`,
        'objectClass: organizationalUnit',
        'ou: Groups',
        '',
        options.ldif ?? '',
      ].join('\n');
      const ldifFile = join(dir, 'base.ldif');
      writeFileSync(ldifFile, baseLdif);
      await runToCompletion(slapadd, ['-f', conf, '-b', baseDn, '-l', ldifFile], { logFile: join(dir, 'slapadd.log'), cwd: dir, timeoutMs: 60000 });
      if (options.bulkLdif) {
        const bulkFile = join(dir, 'bulk.ldif');
        writeFileSync(bulkFile, options.bulkLdif);
        await runToCompletion(slapadd, ['-q', '-f', conf, '-b', baseDn, '-l', bulkFile], { logFile: join(dir, 'slapadd.log'), cwd: dir, timeoutMs: 30 * 60000 });
      }

      const url = `ldap://127.0.0.1:${port}`;
      const ldapsUrl = ldapsPort ? `ldaps://127.0.0.1:${ldapsPort}` : undefined;
      const server = await launch({
        command: slapd,
        // -d: stay in the foreground (the harness tracks the pid); level 0 logs only what must be said
        args: ['-f', conf, '-h', [`${url}/`, ...(ldapsUrl ? [`${ldapsUrl}/`] : [])].join(' '), '-d', '0'],
        cwd: dir,
        logFile: join(dir, 'slapd.log'),
        probe: () => slapdAnswers(url, bindDn, bindPassword),
        startTimeoutMs: options.startTimeoutMs ?? 30000,
        stopSignal: 'SIGTERM',
        cleanupDir: dir,
      });
      return {
        url,
        port,
        pid: server.pid,
        ...(ldapsUrl ? { ldapsUrl, ldapsPort } : {}),
        baseDn,
        peopleDn: `ou=People,${baseDn}`,
        groupsDn: `ou=Groups,${baseDn}`,
        bindDn,
        bindPassword,
        ...(accesslog ? { accesslogDn: 'cn=accesslog' } : {}),
        ...(tls ? { tls } : {}),
        dir,
        stop: async () => {
          await server.stop(15000);
          temp.remove();
        },
      };
    } catch (error) {
      temp.remove();
      throw error;
    }
  }, findFreePort);
}

function exists(path: string): boolean {
  try {
    accessSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Binds as the root DN and reads the root DSE. */
export async function slapdAnswers(url: string, bindDn: string, password: string): Promise<boolean> {
  const client = new Client({ url, connectTimeout: 1000, timeout: 2000 });
  try {
    await client.bind(bindDn, password);
    const { searchEntries } = await client.search('', { scope: 'base', attributes: ['namingContexts'] });
    return searchEntries.length === 1;
  } catch {
    return false;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
