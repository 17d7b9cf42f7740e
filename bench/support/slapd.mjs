// A private OpenLDAP slapd on loopback for benchmarks: the configuration of libs/testing's
// startSlapd (back-mdb, accesslog overlay on a second mdb database, schemas core / cosine /
// inetorgperson / nis, root DN and password), in plain ESM (libs/testing is not part of the build).
import { randomBytes } from 'node:crypto';
import { accessSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { requireBinary } from './servers.mjs';
import { createTempDir, findFreePort, launch, onCleanup, runToCompletion } from './processes.mjs';

const exists = (path) => {
  try {
    accessSync(path);
    return true;
  } catch {
    return false;
  }
};

async function answers(url, bindDn, password) {
  const client = new Client({ url, connectTimeout: 1000, timeout: 2000 });
  try {
    await client.bind(bindDn, password);
    return true;
  } catch {
    return false;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** `ldif`: further entries loaded offline with `slapadd -q` before start (a bulk data set). */
export async function startSlapd({ baseDn = 'dc=example,dc=com', accesslog = true, startTimeoutMs = 30000, ldif } = {}) {
  const slapd = requireBinary('slapd', 'slapd');
  const slapadd = requireBinary('slapadd', 'slapd');
  const moduleDir = ['/usr/lib/ldap', '/usr/lib/openldap', '/usr/lib64/openldap'].find((d) => exists(join(d, 'back_mdb.so'))) ?? '/usr/lib/ldap';
  const schemaDir = ['/etc/ldap/schema', '/etc/openldap/schema'].find((d) => exists(join(d, 'core.schema'))) ?? '/etc/ldap/schema';
  const bindDn = `cn=admin,${baseDn}`;
  const bindPassword = randomBytes(12).toString('hex');
  const temp = createTempDir('connector-host-bench-slapd-');
  try {
    const dir = temp.path;
    for (const sub of ['data', 'accesslog']) mkdirSync(join(dir, sub));
    const maxSize = 4 * 1024 ** 3;
    const lines = [
      ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include ${schemaDir}/${s}.schema`),
      `modulepath ${moduleDir}`,
      'moduleload back_mdb',
      ...(accesslog ? ['moduleload accesslog'] : []),
      `pidfile ${join(dir, 'slapd.pid')}`,
      'sizelimit unlimited',
    ];
    if (accesslog) {
      lines.push('database mdb', 'suffix "cn=accesslog"', `directory ${join(dir, 'accesslog')}`, `maxsize ${maxSize}`, `rootdn "${bindDn}"`, 'index reqStart eq');
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
      ...(accesslog ? ['overlay accesslog', 'logdb "cn=accesslog"', 'logops writes', 'logsuccess TRUE'] : []),
    );
    const conf = join(dir, 'slapd.conf');
    writeFileSync(conf, `${lines.join('\n')}\n`, { mode: 0o600 });
    const rdn = /^dc=([^,]+)/i.exec(baseDn)?.[1] ?? 'example';
    writeFileSync(join(dir, 'base.ldif'), `dn: ${baseDn}\nobjectClass: dcObject\nobjectClass: organization\ndc: ${rdn}\no: ${rdn}\n`);
    await runToCompletion(slapadd, ['-f', conf, '-b', baseDn, '-l', join(dir, 'base.ldif')], { logFile: join(dir, 'slapadd.log'), cwd: dir, timeoutMs: 60000 });
    if (ldif) {
      const file = join(dir, 'bulk.ldif');
      writeFileSync(file, ldif);
      await runToCompletion(slapadd, ['-q', '-f', conf, '-b', baseDn, '-l', file], { logFile: join(dir, 'slapadd.log'), cwd: dir, timeoutMs: 30 * 60000 });
    }
    const port = await findFreePort();
    const url = `ldap://127.0.0.1:${port}`;
    const server = await launch({
      command: slapd,
      args: ['-f', conf, '-h', `${url}/`, '-d', '0'],
      cwd: dir,
      logFile: join(dir, 'slapd.log'),
      probe: () => answers(url, bindDn, bindPassword),
      startTimeoutMs,
      stopSignal: 'SIGTERM',
    });
    const stop = async () => {
      await server.stop(30000);
      temp.remove();
    };
    onCleanup(stop);
    return { url, port, pid: server.pid, baseDn, bindDn, bindPassword, accesslog, stop };
  } catch (error) {
    temp.remove();
    throw error;
  }
}
