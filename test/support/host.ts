/**
 * The whole host for end-to-end tests: a real redis-server (libs/testing), the all-in-one host
 * started in this process on a free port, and one fresh SQLite file per connector holding the
 * demo's Employees table. Tests talk SCIM over HTTP and read the table directly.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { parseConfig, type HostConfig } from '@connector-host/config';
import { connectorSettingsSchemas } from '@connector-host/connectors';
import { exportQueueName, importQueueName, QueueDriver } from '@connector-host/queue';
import { startServices, type RunningHost } from '@connector-host/services';
import { createTempDir, startRedis, type RedisServer, type TempDir } from '@connector-host/testing';

export const CORE_USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ECMA_USER_URN = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';
export const PATCH_OP_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Every column of the demo's Employees table, in table order. */
export const EMPLOYEE_COLUMNS = ['ContosoLogin', 'FirstName', 'LastName', 'Email', 'AzureID', 'textID', 'Enabled'] as const;

export interface EmployeeRow {
  ContosoLogin: string;
  FirstName: string | null;
  LastName: string | null;
  Email: string | null;
  AzureID: string | null;
  textID: string | null;
  Enabled: number;
}

const REPO_ROOT = resolve(__dirname, '..', '..');
const EMPLOYEES_DDL = readFileSync(join(REPO_ROOT, 'config', 'demo-employees.sql'), 'utf8');
/** No single HTTP exchange or wait in these tests may take longer. */
const REQUEST_TIMEOUT_MS = 30000;
const READY_TIMEOUT_MS = 60000;

export interface HostOptions {
  /** Connector names; each gets its own SQLite file and token. Default `['demo']`. */
  connectors?: string[];
  /** `server.bodyLimit`, e.g. `4kb`. Default: the product default. */
  bodyLimit?: string;
  /** `server.deadlineSeconds` (the failure-path tests use a short one). Default: the product default. */
  deadlineSeconds?: number;
  /**
   * The `connectors:` section of a real config file (an `examples/*.yaml`) instead of the SQLite
   * demo connector, with the environment its `${NAME}` placeholders need. Each connector's token is
   * still generated here (`<NAME>_SECRET_TOKEN`); no SQLite file is made.
   */
  connectorsYaml?: { text: string; env: Record<string, string> };
  /**
   * Per connector: config lines put in place of `secretToken: ${<NAME>_SECRET_TOKEN}` (a
   * secretTokenHash, auth.jwt, a rateLimit…) and the bearer token clients send instead.
   */
  auth?: Record<string, { yaml: string[]; token: string }>;
}

export interface ScimResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  body: any;
}

export interface RequestOptions {
  /** A JSON value to send; serialised unless `raw` is given. */
  body?: unknown;
  /** The exact bytes to send, e.g. broken JSON. */
  raw?: string;
  /** Default `application/scim+json` when a body is sent. */
  contentType?: string;
  /** The bearer token; `null` sends no Authorization header. Default: the connector's own token. */
  token?: string | null;
  /** Sent as is (wins over `token`). */
  authorization?: string;
}

/** An authenticated SCIM client of one connector: paths are relative to `/ecma2host_<name>/scim`. */
export class ScimClient {
  constructor(
    readonly host: E2eHost,
    readonly connector: string,
  ) {}

  get base(): string {
    return `${this.host.url}/ecma2host_${this.connector}/scim`;
  }

  get token(): string {
    return this.host.tokenOf(this.connector);
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<ScimResponse> {
    return this.host.request(method, `/ecma2host_${this.connector}/scim${path}`, { token: this.token, ...options });
  }

  get(path: string, options?: RequestOptions): Promise<ScimResponse> {
    return this.request('GET', path, options);
  }

  /** `GET /Users?filter=…`, the filter URL-encoded. */
  filter(filter: string, resource = 'Users', options?: RequestOptions): Promise<ScimResponse> {
    return this.request('GET', `/${resource}?filter=${encodeURIComponent(filter)}`, options);
  }

  post(path: string, body: unknown, options?: RequestOptions): Promise<ScimResponse> {
    return this.request('POST', path, { body, ...options });
  }

  put(path: string, body: unknown, options?: RequestOptions): Promise<ScimResponse> {
    return this.request('PUT', path, { body, ...options });
  }

  patch(path: string, operations: unknown[], options?: RequestOptions): Promise<ScimResponse> {
    return this.request('PATCH', path, { body: { schemas: [PATCH_OP_URN], Operations: operations }, ...options });
  }

  delete(path: string, options?: RequestOptions): Promise<ScimResponse> {
    return this.request('DELETE', path, options);
  }
}

export class E2eHost {
  /** Every route the HTTP server serves, as Fastify registered it (`/:tenant/scim/:resource`, HEAD included). */
  routes: Array<{ method: string; url: string }> = [];

  private constructor(
    readonly url: string,
    /** The operations endpoint: `/metrics`, `/healthz`, `/readyz` (server.metricsPort, a free port here). */
    readonly metricsUrl: string,
    readonly redisUrl: string,
    readonly config: HostConfig,
    private readonly tokens: Map<string, string>,
    private readonly files: Map<string, string>,
    private readonly stopAll: () => Promise<void>,
  ) {}

  /** Starts Redis, prepares the SQLite files and starts the all-in-one host; waits until it serves. */
  static async start(options: HostOptions = {}): Promise<E2eHost> {
    const names = options.connectors ?? ['demo'];
    const temp: TempDir = createTempDir('connector-host-e2e-');
    let redis: RedisServer | undefined;
    let running: RunningHost | undefined;
    const stop = async (): Promise<void> => {
      try {
        if (running) await withTimeout(running.close(), REQUEST_TIMEOUT_MS, 'the host to stop');
      } finally {
        await redis?.stop();
        temp.remove();
      }
    };
    try {
      redis = await startRedis();
      const tokens = new Map<string, string>();
      const files = new Map<string, string>();
      const env: Record<string, string> = { REDIS_URL: redis.url };
      for (const name of names) {
        const token = options.auth?.[name]?.token ?? `${name}-token-${randomUUID()}`;
        tokens.set(name, token);
        env[`${name.toUpperCase()}_SECRET_TOKEN`] = token;
        if (options.connectorsYaml) continue;
        const file = join(temp.path, `${name}.sqlite`);
        const db = new Database(file);
        db.exec(EMPLOYEES_DDL);
        db.close();
        files.set(name, file);
      }
      Object.assign(env, options.connectorsYaml?.env);
      const config = parseConfig(hostYaml(names, options), {
        baseDir: temp.path,
        env,
        sourceName: 'e2e.yaml',
        connectorSettingsSchemas: connectorSettingsSchemas(),
      });
      running = await withTimeout(
        startServices(config, {
          services: ['scim-api', 'export-worker', 'import-worker', 'cache'],
          embeddedRedisDir: join(temp.path, 'redis'),
        }),
        READY_TIMEOUT_MS,
        'the host to start',
      );
      if (!running.url) throw new Error('the host started without an HTTP server');
      if (!running.metricsUrl) throw new Error('the host started without its operations endpoint');
      const host = new E2eHost(running.url, running.metricsUrl, running.redisUrl, config, tokens, files, stop);
      host.routes = running.routes;
      for (const name of names) await host.waitUntilServing(name);
      return host;
    } catch (error) {
      await stop().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.stopAll();
  }

  scim(connector = 'demo'): ScimClient {
    return new ScimClient(this, connector);
  }

  tokenOf(connector: string): string {
    const token = this.tokens.get(connector);
    if (!token) throw new Error(`no connector ${connector} in this host`);
    return token;
  }

  sqliteFile(connector = 'demo'): string {
    const file = this.files.get(connector);
    if (!file) throw new Error(`no connector ${connector} in this host`);
    return file;
  }

  /** One HTTP exchange with the host; `path` starts with `/`. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<ScimResponse> {
    const headers: Record<string, string> = { accept: 'application/scim+json' };
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    else if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/scim+json';
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, text, body };
  }

  /** Every row of the connector's Employees table, read straight from the SQLite file, by ContosoLogin. */
  table(connector = 'demo'): EmployeeRow[] {
    const db = new Database(this.sqliteFile(connector), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT * FROM Employees ORDER BY ContosoLogin').all() as EmployeeRow[];
    } finally {
      db.close();
    }
  }

  row(login: string, connector = 'demo'): EmployeeRow | undefined {
    return this.table(connector).find((r) => r.ContosoLogin === login);
  }

  /** Writes to the target behind the host's back (a DBA, another system). */
  execute(sql: string, params: unknown[] = [], connector = 'demo'): void {
    const db = new Database(this.sqliteFile(connector), { fileMustExist: true, timeout: 5000 });
    try {
      db.prepare(sql).run(...params);
    } finally {
      db.close();
    }
  }

  /** The Prometheus exposition text of the host's `/metrics`. */
  async scrapeMetrics(): Promise<string> {
    const response = await fetch(`${this.metricsUrl}/metrics`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
    return response.text();
  }

  /** `GET /ecma2host_<name>/log` with these query parameters, authenticated by default. */
  async provisioningLog(connector = 'demo', params: Record<string, string> = {}, options: RequestOptions = {}): Promise<ScimResponse> {
    const query = new URLSearchParams(params).toString();
    return this.request('GET', `/ecma2host_${connector}/log${query ? `?${query}` : ''}`, { token: this.tokenOf(connector), ...options });
  }

  /** The `/ecma2host_<name>/cache` view, authenticated. */
  async cacheView(connector = 'demo'): Promise<ScimResponse> {
    return this.request('GET', `/ecma2host_${connector}/cache`, { token: this.tokenOf(connector) });
  }

  /** Everything the connector space holds for users (anchors, attributes, write times), via the cache view. */
  async cachedObjects(connector = 'demo'): Promise<unknown[]> {
    const view = await this.cacheView(connector);
    if (view.status !== 200) throw new Error(`cache view of ${connector} answered ${view.status}: ${view.text.slice(0, 300)}`);
    return view.body.objects as unknown[];
  }

  /**
   * Asks the running host for a full import through its own queue, as the CLI does, and waits
   * until the cache has swapped a newer generation in.
   */
  async fullImport(connector = 'demo', timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const before = await this.lastImport(connector);
    const driver = new QueueDriver({ redisUrl: this.redisUrl, prefix: this.config.redis.prefix });
    try {
      await driver.queue(importQueueName(connector)).add('import.full', { connector, reason: 'manual' }, { removeOnComplete: true, removeOnFail: 100 });
    } finally {
      await driver.close(1000);
    }
    await waitFor(`a full import of ${connector} newer than ${before ?? 'none'}`, timeoutMs, async () => {
      const last = await this.lastImport(connector);
      return last !== null && (before === null || last > before);
    });
  }

  /**
   * Waits until no export job of any connector is waiting, delayed or running: "nothing written" is
   * only judged after a job that was wrongly queued had its chance to run.
   */
  async exportsDrained(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const driver = new QueueDriver({ redisUrl: this.redisUrl, prefix: this.config.redis.prefix });
    try {
      await waitFor('every export queue to drain', timeoutMs, async () => {
        for (const connector of this.config.connectors) {
          for (let partition = 0; partition < connector.exportPartitions; partition++) {
            const counts = await driver.queue(exportQueueName(connector.name, partition)).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
            if (Object.values(counts).some((n) => n > 0)) return false;
          }
        }
        return true;
      });
    } finally {
      await driver.close(1000);
    }
  }

  /** Queues a delta import of the connector on the running host, as the CLI's `import --delta` does; does not wait. */
  async requestDeltaImport(connector: string): Promise<void> {
    const driver = new QueueDriver({ redisUrl: this.redisUrl, prefix: this.config.redis.prefix });
    try {
      await driver.queue(importQueueName(connector)).add('import.delta', { connector, reason: 'manual' }, { removeOnComplete: true, removeOnFail: 100 });
    } finally {
      await driver.close(1000);
    }
  }

  private async lastImport(connector: string): Promise<string | null> {
    const view = await this.cacheView(connector);
    if (view.status !== 200) return null;
    return (view.body?.lastSuccessfulImport as string | null) ?? null;
  }

  /** The schema is discovered (SCIM answers 200, not 503) and the start import is in the cache. */
  private async waitUntilServing(connector: string): Promise<void> {
    const client = this.scim(connector);
    await waitFor(`connector ${connector} to serve SCIM`, READY_TIMEOUT_MS, async () => {
      const probe = await client.filter(`userName eq "${randomUUID()}"`);
      return probe.status === 200 && (await this.lastImport(connector)) !== null;
    });
  }
}

/** The demo.yaml connector, once per name, with a per-connector token from the environment. */
function hostYaml(names: string[], options: HostOptions): string {
  const lines = ['server:', '  host: 127.0.0.1', '  port: 0', '  metricsPort: 0'];
  if (options.bodyLimit) lines.push(`  bodyLimit: ${options.bodyLimit}`);
  if (options.deadlineSeconds) lines.push(`  deadlineSeconds: ${options.deadlineSeconds}`);
  lines.push('logging:', '  level: error', 'connectors:');
  if (options.connectorsYaml) {
    const text = options.connectorsYaml.text;
    const section = text.slice(text.search(/^connectors:[ \t]*$/m)).replace(/^connectors:[ \t]*\n/, '');
    return `${lines.join('\n')}\n${section}\n`;
  }
  for (const name of names) {
    lines.push(
      `  ${name}:`,
      '    type: sql',
      ...(options.auth?.[name]?.yaml.map((line) => `    ${line}`) ?? [`    secretToken: \${${name.toUpperCase()}_SECRET_TOKEN}`]),
      // imports only when a test asks: no timer firing in the middle of an assertion
      '    autosyncMinutes: 0',
      '    connection:',
      '      dialect: sqlite',
      `      file: ${name}.sqlite`,
      '    objectTypes:',
      '      User:',
      '        target:',
      '          table: Employees',
      '        anchor: ContosoLogin',
      '        queryAttributes: [ContosoLogin]',
      '        attributes: [ContosoLogin, FirstName, LastName, Email, AzureID, textID, Enabled]',
      '        scim:',
      '          userName: ContosoLogin',
      '          name.givenName: FirstName',
      '          name.familyName: LastName',
      `          'emails[type eq "work"].value': Email`,
      '          externalId: AzureID',
      '          active: Enabled',
      '        deprovisioning:',
      '          disable: { setAttribute: Enabled }',
      '          delete: delete',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Rejects naming `what` when `promise` has not settled within `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` every 100 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await condition()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An RFC 7644 §3.12 error body with this status (and scimType when given; `null` = must be absent). */
export function expectScimError(response: ScimResponse, status: number, scimType?: string | null): void {
  const expected: Record<string, unknown> = { schemas: [ERROR_URN], status: String(status) };
  if (typeof scimType === 'string') expected.scimType = scimType;
  expect({ status: response.status, body: response.body ?? response.text }).toEqual({ status, body: expect.objectContaining(expected) });
  if (scimType === null) expect(response.body).not.toHaveProperty('scimType');
  expect(response.headers.get('content-type') ?? '').toMatch(/^application\/scim\+json/);
}

/** The status, with the SCIM error detail shown in the failure message when it is not the expected one. */
export function expectStatus(response: ScimResponse, status: number): void {
  const detail = response.status === status ? undefined : (response.body?.detail ?? response.text.slice(0, 500));
  expect({ status: response.status, detail }).toEqual({ status, detail: undefined });
}
