import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { findFreePort } from './free-port';
import { isRoot } from './run-as';
import { findBinary, launch, logTail, onFreePort, requireBinary, type ServerHandle } from './server-process';
import { slapdAnswers } from './slapd.server';
import { createTempDir } from './temp-dir';

export interface DirsrvOptions {
  /** Default `dc=example,dc=com`. */
  baseDn?: string;
  /** Directory Manager's password. Default: random. */
  bindPassword?: string;
  /** The retro changelog plugin (`cn=changelog`, delta import). Default on. */
  retroChangelog?: boolean;
  startTimeoutMs?: number;
}

export interface DirsrvServer extends ServerHandle {
  url: string;
  baseDn: string;
  /** `ou=People,<base>`, created at start. */
  peopleDn: string;
  /** `ou=Groups,<base>`, created at start (the examples' group base). */
  groupsDn: string;
  /** `cn=Directory Manager`. */
  bindDn: string;
  bindPassword: string;
  /** `cn=changelog` when the retro changelog is on. */
  changelogDn?: string;
  dir: string;
}

const APT_PACKAGE = '389-ds-base';
/** Where the package keeps its container entry point. */
const DSCONTAINER_DIRS = ['/usr/libexec/dirsrv', '/usr/lib/dirsrv', '/usr/sbin'];
/** dscontainer's fixed paths: its volume and the instance's config folder. */
const DATA = '/data';
const ETC = '/etc/dirsrv';

/**
 * Starts a private 389 Directory Server through its container entry point `dscontainer` (dscreate
 * wants systemd; dscontainer is how 389 DS runs without it). dscontainer only knows fixed paths —
 * its volume `/data` and `/etc/dirsrv/slapd-localhost` — and fixed ports 3389/3636, so it runs in
 * its own mount namespace (`unshare -m`), with both paths bind-mounted from a temp folder:
 *
 * 1. first run, also in its own network namespace (its fixed ports cannot clash with anyone's):
 *    dscontainer creates the instance; through its LDAPI socket (root autobind = Directory Manager)
 *    the harness moves it to a free loopback port, turns TLS off, enables the retro changelog, and
 *    creates the `<base>` backend with `ou=People`; then it is stopped;
 * 2. second run, on the machine's network: dscontainer starts the configured instance.
 *
 * Needs root (mount namespaces) and an empty folder `/data` as mount point (created if missing).
 */
export async function start389ds(options: DirsrvOptions = {}): Promise<DirsrvServer> {
  const dscontainer = findBinary(['dscontainer'], DSCONTAINER_DIRS);
  if (!dscontainer) throw new Error(`dscontainer is not installed on this machine: install it with \`apt-get install -y ${APT_PACKAGE}\``);
  const unshare = requireBinary(['unshare'], 'util-linux');
  const ip = requireBinary(['ip'], 'iproute2');
  if (!isRoot()) throw new Error('389 Directory Server through dscontainer needs root here (mount namespaces)');
  if (!existsSync(DATA)) mkdirSync(DATA);
  const baseDn = options.baseDn ?? 'dc=example,dc=com';
  const bindDn = 'cn=Directory Manager';
  const bindPassword = options.bindPassword ?? `Dm-${randomBytes(9).toString('hex')}`;
  const retro = options.retroChangelog ?? true;

  return onFreePort(async (port) => {
    const temp = createTempDir('connector-host-389ds-');
    const dir = temp.path;
    const data = join(dir, 'data');
    const etc = join(dir, 'etc');
    try {
      mkdirSync(data);
      mkdirSync(etc);
      for (const sub of ['config', 'schema']) if (existsSync(join(ETC, sub))) cpSync(join(ETC, sub), join(etc, sub), { recursive: true });
      const mounts = `mount --bind '${data}' ${DATA} && mount --bind '${etc}' ${ETC}`;
      const env = {
        ...process.env,
        DS_DM_PASSWORD: bindPassword,
        DS_SUFFIX_NAME: baseDn,
        DS_STARTUP_TIMEOUT: '120',
        // bdb's default cache autotuning reads the container's memory limit; keep it small
        DS_MEMORY_PERCENTAGE: '5',
      };
      const socket = join(data, 'run', 'slapd-localhost.socket');
      const startTimeoutMs = options.startTimeoutMs ?? 180000;

      // 1. create and configure, with the fixed ports inside a private network namespace
      const first = await launch({
        command: unshare,
        args: ['-m', '-n', '--propagation', 'private', 'sh', '-c', `${ip} link set lo up && ${mounts} && exec ${dscontainer} -r`],
        cwd: dir,
        env,
        logFile: join(dir, 'create.log'),
        probe: async () => readFileSync(join(dir, 'create.log'), 'utf8').includes('389-ds-container started') && (await ldapiAnswers(socket)),
        startTimeoutMs,
        stopSignal: 'SIGTERM',
        cleanupDir: dir,
      });
      try {
        await configure(socket, { port, baseDn, retro });
      } catch (error) {
        await first.stop(60000);
        throw new Error(`configuring 389 DS failed: ${(error as Error).message}\n${logTail([join(dir, 'create.log')])}`);
      }
      await first.stop(60000);

      // 2. the configured instance on the machine's network
      const url = `ldap://127.0.0.1:${port}`;
      const server = await launch({
        command: unshare,
        args: ['-m', '--propagation', 'private', 'sh', '-c', `${mounts} && exec ${dscontainer} -r`],
        cwd: dir,
        env,
        logFile: join(dir, 'dscontainer.log'),
        otherLogs: [join(data, 'logs', 'error')],
        probe: () => slapdAnswers(url, bindDn, bindPassword),
        startTimeoutMs,
        stopSignal: 'SIGTERM',
        cleanupDir: dir,
      });
      return {
        url,
        port,
        pid: server.pid,
        baseDn,
        peopleDn: `ou=People,${baseDn}`,
        groupsDn: `ou=Groups,${baseDn}`,
        bindDn,
        bindPassword,
        ...(retro ? { changelogDn: 'cn=changelog' } : {}),
        dir,
        stop: async () => {
          await server.stop(60000);
          temp.remove();
        },
      };
    } catch (error) {
      temp.remove();
      throw error;
    }
  }, findFreePort);
}

function ldapiClient(socket: string): Client {
  return new Client({ url: 'ldap://localhost', timeout: 30000, connectTimeout: 5000, createConnection: (() => connect(socket)) as never });
}

async function ldapiAnswers(socket: string): Promise<boolean> {
  if (!existsSync(socket)) return false;
  const client = ldapiClient(socket);
  try {
    await client.bind('EXTERNAL');
    const { searchEntries } = await client.search('', { scope: 'base', attributes: ['vendorVersion'] });
    return searchEntries.length === 1;
  } catch {
    return false;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** Ports, TLS off, the retro changelog, and the `<base>` backend with ou=People and ou=Groups, over LDAPI as Directory Manager. */
async function configure(socket: string, { port, baseDn, retro }: { port: number; baseDn: string; retro: boolean }): Promise<void> {
  const client = ldapiClient(socket);
  const replace = (type: string, values: string[]): Change => new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
  try {
    await client.bind('EXTERNAL');
    await client.modify('cn=config', [
      replace('nsslapd-port', [String(port)]),
      replace('nsslapd-listenhost', ['127.0.0.1']),
      replace('nsslapd-security', ['off']),
    ]);
    if (retro) {
      await client.modify('cn=Retro Changelog Plugin,cn=plugins,cn=config', [
        replace('nsslapd-pluginEnabled', ['on']),
        // record the entry's nsUniqueId with each change: deletes can name the anchor
        replace('nsslapd-attribute', ['nsuniqueid:targetUniqueId']),
      ]);
    }
    await client.add('cn=userRoot,cn=ldbm database,cn=plugins,cn=config', {
      objectClass: ['top', 'extensibleObject', 'nsBackendInstance'],
      cn: 'userRoot',
      'nsslapd-suffix': baseDn,
    });
    await client.add(`cn="${baseDn}",cn=mapping tree,cn=config`, {
      objectClass: ['top', 'extensibleObject', 'nsMappingTree'],
      cn: baseDn,
      'nsslapd-state': 'backend',
      'nsslapd-backend': 'userRoot',
    });
    const [type, value] = baseDn.split(',')[0]!.split('=') as [string, string];
    await client.add(baseDn, {
      objectClass: type.toLowerCase() === 'dc' ? ['top', 'domain'] : ['top', 'organization'],
      [type]: value,
    });
    await client.add(`ou=People,${baseDn}`, { objectClass: ['top', 'organizationalUnit'], ou: 'People' });
    await client.add(`ou=Groups,${baseDn}`, { objectClass: ['top', 'organizationalUnit'], ou: 'Groups' });
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
