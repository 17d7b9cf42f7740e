/**
 * The chaos run shared by test/chaos.e2e-spec.ts (bounded, in `npm test`) and bench/chaos-soak.mjs
 * (long): real processes started with the built CLI — replicas of scim-api and export-worker, an
 * import-worker and a cache — a real redis-server with AOF, PostgreSQL and slapd each behind a TCP
 * relay (one connector on each). Entra-shaped clients record every request and its answer while
 * processes are killed with SIGKILL at random moments, Redis restarts and both targets go away for
 * a while. `verify` then compares the targets' contents and every scim-api replica's reads with the
 * acknowledged history.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { Client as LdapClient } from 'ldapts';
import { Redis } from 'ioredis';
import {
  createTempDir,
  findFreePort,
  startPostgres,
  startSlapd,
  startTcpProxy,
  type PostgresServer,
  type SlapdServer,
  type TcpProxy,
  type TempDir,
} from '@connector-host/testing';

const CLI = resolve(__dirname, '..', '..', 'dist', 'apps', 'cli', 'main.js');
const TOKEN = 'chaos-token-0123456789';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface ChaosOptions {
  /** How long clients run and faults are injected. */
  seconds: number;
  /** At least this many SIGKILLs (the run goes on past `seconds` until there were). */
  minKills: number;
  objects: number;
  clients: number;
  scimReplicas: number;
  exportReplicas: number;
  /** Write each step to stderr. */
  verbose?: boolean;
}

export type Op = 'create' | 'patch' | 'delete';

/** The two connectors of the run: `chaos` on PostgreSQL, `chaosldap` on slapd. */
export type ChaosConnector = 'chaos' | 'chaosldap';
const CONNECTORS: ChaosConnector[] = ['chaos', 'chaosldap'];

export interface Sent {
  connector: ChaosConnector;
  login: string;
  op: Op;
  /** GivenName the request sets (create, patch). */
  value?: string;
  /** HTTP status, or 0 when no answer came (connection reset, timeout). */
  status: number;
  /** Racer: a second concurrent POST of the same object from another client. */
  racer?: boolean;
}

export interface ChaosReport {
  requests: number;
  acknowledged: number;
  kills: Record<string, number>;
  totalKills: number;
  redisRestarts: number;
  targetOutages: number;
  statuses: Record<string, number>;
  /** Every disagreement between the target and the history; empty when the invariants held. */
  violations: string[];
  objectsInTarget: number;
  byConnector: Record<string, { requests: number; objects: number }>;
}

type State = { present: false } | { present: true; value: string };

const SERVICE_WEIGHTS: Array<[string, number]> = [
  ['export-worker', 45],
  ['scim-api', 30],
  ['cache', 13],
  ['import-worker', 12],
];

interface Service {
  name: string;
  replica: number;
  child?: ChildProcess;
  port?: number;
}

export class ChaosRun {
  private dir!: TempDir;
  private pg!: PostgresServer;
  private proxy!: TcpProxy;
  private slapd!: SlapdServer;
  private ldapProxy!: TcpProxy;
  private redisPort = 0;
  private redisProcess?: ChildProcess;
  private db!: Client;
  private configFile = '';
  private readonly services: Service[] = [];
  readonly history: Sent[] = [];
  private readonly kills: Record<string, number> = {};
  private redisRestarts = 0;
  private targetOutages = 0;
  private stopping = false;

  constructor(private readonly options: ChaosOptions) {}

  private log(message: string): void {
    if (this.options.verbose) process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.redisPort}`;
  }

  async start(): Promise<void> {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
    this.dir = createTempDir('connector-host-chaos-');
    this.pg = await startPostgres();
    const url = await this.pg.createDatabase('chaos');
    this.db = new Client({ connectionString: url });
    await this.db.connect();
    // no unique key on purpose: only the host can keep an object from being added twice
    await this.db.query('CREATE TABLE "Staff" ("Login" varchar(64) NOT NULL, "GivenName" varchar(64))');
    this.proxy = await startTcpProxy(this.pg.port);
    this.slapd = await startSlapd();
    this.ldapProxy = await startTcpProxy(this.slapd.port);
    this.redisPort = await findFreePort();
    mkdirSync(join(this.dir.path, 'redis'));
    await this.startRedis();
    this.configFile = join(this.dir.path, 'chaos.yaml');
    writeFileSync(
      this.configFile,
      `server: { host: 127.0.0.1, deadlineSeconds: 8, metricsPort: 0 }
logging: { level: warn }
workers: { lockSeconds: 10, shutdownSeconds: 2 }
connectors:
  chaos:
    type: sql
    secretToken: \${CHAOS_TOKEN}
    autosyncMinutes: 0
    exportPartitions: 4
    exportRetries: 30
    circuitBreaker: { failures: 5, openSeconds: 2 }
    runProfiles: { export: true, fullImport: true, deltaImport: false }
    connection: { dialect: postgres, url: 'postgres://postgres@127.0.0.1:${this.proxy.port}/chaos', statementTimeoutMs: 5000, connectTimeoutMs: 1000 }
    objectTypes:
      User:
        anchor: Login
        attributes: [Login, GivenName]
        scim: { userName: Login, name.givenName: GivenName }
        deprovisioning: { delete: delete }
        target: { table: Staff }
  chaosldap:
    type: ldap
    secretToken: \${CHAOS_TOKEN}-ldap
    autosyncMinutes: 0
    exportPartitions: 4
    exportRetries: 30
    circuitBreaker: { failures: 5, openSeconds: 2 }
    runProfiles: { export: true, fullImport: true, deltaImport: false }
    connection: { url: 'ldap://127.0.0.1:${this.ldapProxy.port}', bindDn: '${this.slapd.bindDn}', bindPassword: '${this.slapd.bindPassword}', baseDn: '${this.slapd.baseDn}' }
    objectTypes:
      User:
        anchor: uid
        queryAttributes: [uid]
        dn: { template: 'uid={uid},${this.slapd.peopleDn}' }
        attributes: [uid, cn, sn, givenName, objectClass]
        scim: { userName: uid, name.givenName: givenName }
        rules: { cn: { template: '{uid}' }, sn: { constant: Chaos } }
        deprovisioning: { delete: delete }
        target: { objectClasses: [inetOrgPerson], base: '${this.slapd.peopleDn}', singleValue: [uid, cn, sn, givenName] }
`,
    );
    for (let i = 0; i < this.options.scimReplicas; i++) this.services.push({ name: 'scim-api', replica: i, port: await findFreePort() });
    for (let i = 0; i < this.options.exportReplicas; i++) this.services.push({ name: 'export-worker', replica: i });
    this.services.push({ name: 'import-worker', replica: 0 }, { name: 'cache', replica: 0 });
    for (const service of this.services) this.spawnService(service);
    for (const service of this.services.filter((s) => s.name === 'scim-api')) {
      for (const connector of CONNECTORS) {
        await this.waitFor(`scim-api ${service.replica} (${connector})`, 120000, async () => (await this.request(service.port!, 'GET', '/Users?count=1', undefined, connector).catch(() => ({ status: 0 }))).status === 200);
      }
    }
    this.log('all services up');
  }

  private async startRedis(): Promise<void> {
    const dir = join(this.dir.path, 'redis');
    this.redisProcess = spawn(
      'redis-server',
      ['--port', String(this.redisPort), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'],
      { stdio: ['ignore', openSync(join(dir, 'redis.log'), 'a'), openSync(join(dir, 'redis.log'), 'a')] },
    );
    const probe = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await this.waitFor('redis-server', 30000, async () => {
      try {
        if (probe.status !== 'ready') await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        probe.disconnect();
        return false;
      }
    });
    probe.disconnect();
  }

  private spawnService(service: Service): void {
    const log = openSync(join(this.dir.path, `${service.name}-${service.replica}.log`), 'a');
    const env = { ...process.env, CHAOS_TOKEN: TOKEN, REDIS_URL: this.redisUrl, ...(service.port ? { HOST_PORT: String(service.port) } : {}) };
    const extra = service.name === 'export-worker' ? ['--connector-type', 'sql,ldap'] : [];
    service.child = spawn(process.execPath, [CLI, 'start', service.name, ...extra, '--config', this.configFile], { env, stdio: ['ignore', log, log] });
  }

  private async waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }

  private async request(port: number, method: string, path: string, body?: unknown, connector: ChaosConnector = 'chaos'): Promise<{ status: number; body?: ScimAnswer }> {
    const response = await fetch(`http://127.0.0.1:${port}/ecma2host_${connector}/scim${path}`, {
      method,
      headers: { authorization: `Bearer ${connector === 'chaos' ? TOKEN : `${TOKEN}-ldap`}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as ScimAnswer) : undefined };
  }

  private scimPort(): number {
    const replicas = this.services.filter((s) => s.name === 'scim-api');
    return replicas[Math.floor(Math.random() * replicas.length)].port!;
  }

  /** One request of the history: sent to a random scim-api replica; no answer = status 0. */
  private async send(entry: Omit<Sent, 'status'>, method: string, path: string, body?: unknown): Promise<number> {
    const record: Sent = { ...entry, status: 0 };
    this.history.push(record);
    try {
      record.status = (await this.request(this.scimPort(), method, path, body, entry.connector)).status;
    } catch {
      record.status = 0;
    }
    return record.status;
  }

  /** Entra's way with one object: find it by filter, create it if missing, then update it; sometimes delete it. */
  private async client(index: number, connector: ChaosConnector, logins: string[]): Promise<void> {
    let seq = 0;
    while (!this.stopping) {
      const login = logins[Math.floor(Math.random() * logins.length)];
      let found: boolean | undefined;
      try {
        const answer = await this.request(this.scimPort(), 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${login}"`)}`, undefined, connector);
        if (answer.status === 200) found = answer.body!.totalResults! > 0;
      } catch {
        found = undefined;
      }
      if (found === undefined) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      const value = `c${index}-${seq++}`;
      if (!found) {
        const post = () => this.send({ connector, login, op: 'create', value }, 'POST', '/Users', { schemas: [CORE], userName: login, name: { givenName: value } });
        if (Math.random() < 0.3) {
          // another client provisions the same object at the same moment
          const racerValue = `${value}r`;
          await Promise.all([
            post(),
            this.send({ connector, login, op: 'create', value: racerValue, racer: true }, 'POST', '/Users', { schemas: [CORE], userName: login, name: { givenName: racerValue } }),
          ]);
        } else {
          await post();
        }
      } else if (Math.random() < 0.1) {
        await this.send({ connector, login, op: 'delete' }, 'DELETE', `/Users/${login}`);
      } else {
        await this.send({ connector, login, op: 'patch', value }, 'PATCH', `/Users/${login}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'name.givenName', value }] });
      }
    }
  }

  private pickService(): Service {
    const total = SERVICE_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
    let roll = Math.random() * total;
    const [name] = SERVICE_WEIGHTS.find(([, w]) => (roll -= w) < 0) ?? SERVICE_WEIGHTS[0];
    const candidates = this.services.filter((s) => s.name === name);
    return candidates[Math.floor(Math.random() * candidates.length)];
  }

  /** SIGKILL and wait for the exit; false when the process was already gone (not restarted yet). */
  private async kill(service: Service): Promise<boolean> {
    const child = service.child;
    if (!child || child.exitCode !== null) return false;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGKILL');
    await exited;
    this.kills[service.name] = (this.kills[service.name] ?? 0) + 1;
    this.log(`killed ${service.name} ${service.replica}`);
    return true;
  }

  private async restartRedis(): Promise<void> {
    const child = this.redisProcess!;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    await exited;
    this.log('redis stopped');
    await new Promise((r) => setTimeout(r, 1000));
    await this.startRedis();
    this.redisRestarts++;
    this.log('redis back');
  }

  async run(): Promise<void> {
    const logins = Array.from({ length: this.options.objects }, (_, i) => `chaos${i}`);
    // half the clients on each connector, each owning its own objects (another client may race its creates)
    const clients = Array.from({ length: this.options.clients }, (_, c) =>
      this.client(
        c,
        CONNECTORS[c % 2],
        logins.filter((_, i) => i % this.options.clients === c),
      ),
    );
    const started = Date.now();
    const ms = this.options.seconds * 1000;
    const interval = (ms * 0.9) / this.options.minKills;
    let redisDone = false;
    let outageDone = false;
    let totalKills = 0;
    while (Date.now() - started < ms || totalKills < this.options.minKills) {
      await new Promise((r) => setTimeout(r, interval * (0.5 + Math.random())));
      const elapsed = Date.now() - started;
      if (!redisDone && elapsed > ms * 0.4) {
        redisDone = true;
        await this.restartRedis();
        continue;
      }
      if (!outageDone && elapsed > ms * 0.65) {
        outageDone = true;
        // both targets away at once: about six seconds in the bounded run, a minute in a 900 s soak
        this.proxy.cut();
        this.ldapProxy.cut();
        this.targetOutages++;
        this.log('targets cut');
        setTimeout(() => {
          this.proxy.restore();
          this.ldapProxy.restore();
          this.log('targets back');
        }, Math.min(60000, ms * 0.08)).unref();
      }
      const victim = this.pickService();
      // only a process that was running counts: the run goes on until minKills really landed
      if (!(await this.kill(victim))) continue;
      totalKills++;
      // back after a moment, as an orchestrator restarts a crashed pod
      setTimeout(() => this.spawnService(victim), Math.random() * 500).unref();
    }
    this.proxy.restore();
    this.ldapProxy.restore();
    this.stopping = true;
    await Promise.all(clients);
    this.log(`clients stopped after ${this.history.length} requests`);
  }

  /** Waits until every service is up and every export queue is empty (killed workers' jobs recovered). */
  async settle(): Promise<void> {
    await new Promise((r) => setTimeout(r, 1000));
    for (const service of this.services) if (!service.child || service.child.exitCode !== null || service.child.signalCode !== null) this.spawnService(service);
    const redis = new Redis(this.redisUrl);
    try {
      let quiet = 0;
      await this.waitFor('the export queues to drain', 180000, async () => {
        let pending = 0;
        for (const q of CONNECTORS.flatMap((c) => [0, 1, 2, 3].map((p) => `ch:export-${c}-${p}`))) {
          pending += (await redis.llen(`${q}:wait`)) + (await redis.llen(`${q}:active`)) + (await redis.zcard(`${q}:delayed`)) + (await redis.zcard(`${q}:prioritized`));
        }
        quiet = pending === 0 ? quiet + 1 : 0;
        return quiet >= 3;
      });
    } finally {
      redis.disconnect();
    }
    for (const service of this.services.filter((s) => s.name === 'scim-api')) {
      for (const connector of CONNECTORS) {
        await this.waitFor(`scim-api ${service.replica} (${connector}) after the run`, 120000, async () => (await this.request(service.port!, 'GET', '/Users?count=1', undefined, connector).catch(() => ({ status: 0 }))).status === 200);
      }
    }
  }

  /** Compares the target with the history; each object's requests come from one client, in order (racers aside). */
  async verify(): Promise<ChaosReport> {
    // every object in both targets, keyed `<connector>/<login>`, read straight from the servers
    const byLogin = new Map<string, Array<string | null>>();
    const add = (key: string, value: string | null) => byLogin.set(key, [...(byLogin.get(key) ?? []), value]);
    const { rows } = await this.db.query<{ Login: string; GivenName: string | null }>('SELECT "Login", "GivenName" FROM "Staff"');
    for (const row of rows) add(`chaos/${row.Login}`, row.GivenName);
    const ldap = new LdapClient({ url: this.slapd.url, timeout: 30000 });
    await ldap.bind(this.slapd.bindDn, this.slapd.bindPassword);
    try {
      const { searchEntries } = await ldap.search(this.slapd.peopleDn, { scope: 'one', filter: '(objectClass=inetOrgPerson)', attributes: ['uid', 'givenName'] });
      for (const entry of searchEntries) add(`chaosldap/${String(entry.uid)}`, entry.givenName === undefined ? null : String(entry.givenName));
    } finally {
      await ldap.unbind();
    }
    const violations: string[] = [];
    const statuses: Record<string, number> = {};
    for (const sent of this.history) statuses[String(sent.status)] = (statuses[String(sent.status)] ?? 0) + 1;
    const keys = new Set([...this.history.map((h) => `${h.connector}/${h.login}`), ...byLogin.keys()]);
    for (const key of keys) {
      const [connector, login] = key.split('/') as [ChaosConnector, string];
      const found = byLogin.get(key) ?? [];
      if (found.length > 1) violations.push(`${key}: ${found.length} objects in the target (${found.join(', ')})`);
      const ops = this.history.filter((h) => h.connector === connector && h.login === login);
      const acked = (s: Sent) => s.status >= 200 && s.status < 300;
      let last = -1;
      ops.forEach((s, i) => {
        if (acked(s)) last = i;
      });
      // the last acknowledged request fixes the state; every later one happened once or not at all, in order
      let states: State[] = [last < 0 ? { present: false } : stateAfter(ops[last])];
      for (const s of ops.slice(last + 1)) {
        const next = states.map((state) => apply(state, s));
        states = dedupe([...states, ...next]);
      }
      const actual: State = found.length === 0 ? { present: false } : { present: true, value: found[0] ?? '' };
      if (!states.some((s) => sameState(s, actual))) {
        violations.push(`${key}: target holds ${show(actual)}; the history allows ${states.map(show).join(' | ')} (last acknowledged: ${last < 0 ? 'none' : `${ops[last].op} ${ops[last].value ?? ''}`})`);
      }
      // read your writes, on every scim-api replica: the connector space shows what the target holds
      for (const replica of this.services.filter((s) => s.name === 'scim-api')) {
        const answer = await this.request(replica.port!, 'GET', `/Users/${login}`, undefined, connector);
        const cached: State = answer.status === 404 ? { present: false } : { present: true, value: answer.body?.name?.givenName ?? '' };
        if (answer.status !== 200 && answer.status !== 404) violations.push(`${key}: scim-api ${replica.replica} answered ${answer.status} to GET`);
        else if (!sameState(cached, actual)) violations.push(`${key}: scim-api ${replica.replica} shows ${show(cached)}, the target holds ${show(actual)}`);
      }
    }
    return {
      requests: this.history.length,
      acknowledged: this.history.filter((s) => s.status >= 200 && s.status < 300).length,
      kills: { ...this.kills },
      totalKills: Object.values(this.kills).reduce((a, b) => a + b, 0),
      redisRestarts: this.redisRestarts,
      targetOutages: this.targetOutages,
      statuses,
      violations,
      objectsInTarget: byLogin.size,
      byConnector: Object.fromEntries(CONNECTORS.map((c) => [c, { requests: this.history.filter((h) => h.connector === c).length, objects: [...byLogin.keys()].filter((k) => k.startsWith(`${c}/`)).length }])),
    };
  }

  /** The last lines of every service log (for a failed run). */
  logs(): string {
    return this.services
      .map((s) => {
        const file = join(this.dir.path, `${s.name}-${s.replica}.log`);
        return existsSync(file) ? `--- ${s.name}-${s.replica}\n${readFileSync(file, 'utf8').slice(-3000)}` : '';
      })
      .join('\n');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const service of this.services) if (service.child && service.child.exitCode === null) service.child.kill('SIGKILL');
    if (this.redisProcess && this.redisProcess.exitCode === null) this.redisProcess.kill('SIGKILL');
    await this.db?.end().catch(() => undefined);
    await this.proxy?.stop();
    await this.ldapProxy?.stop();
    await this.pg?.stop();
    await this.slapd?.stop();
    this.dir?.remove();
  }
}

function stateAfter(s: Sent): State {
  return s.op === 'delete' ? { present: false } : { present: true, value: s.value! };
}

function apply(state: State, s: Sent): State {
  if (s.op === 'delete') return { present: false };
  if (s.op === 'create') return state.present ? state : { present: true, value: s.value! };
  return state.present ? { present: true, value: s.value! } : state;
}

function sameState(a: State, b: State): boolean {
  return a.present === b.present && (!a.present || (b.present && a.value === b.value));
}

/** The parts of a SCIM answer the run reads: a list's count, a user's given name. */
interface ScimAnswer {
  totalResults?: number;
  name?: { givenName?: string };
}

function dedupe(states: State[]): State[] {
  return states.filter((s, i) => states.findIndex((t) => sameState(s, t)) === i);
}

function show(state: State): string {
  return state.present ? `"${state.value}"` : 'nothing';
}
