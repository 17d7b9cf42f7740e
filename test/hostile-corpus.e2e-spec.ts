/**
 * Issue 14's hostile-input corpus (test/hostile-corpus/corpus.json, made by generate.mjs: the same
 * requests every run) against one host serving two connectors with users and groups: the SQLite demo
 * (config/demo.yaml) and OpenLDAP (examples/openldap.yaml on a real slapd). Every request must get
 * its expected answer — never a 5xx; every error an RFC 7644 §3.12 body with the HTTP status as a
 * string and the scimType where one applies — and once every export queue has drained, neither
 * target nor connector space may have changed (invariant 5). The positive cases then create objects
 * whose values are injection strings: each is stored literally, found by an equality filter
 * literally, and the targets differ by exactly those objects.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'ldapts';
import { createTempDir, startSlapd, type SlapdServer, type TempDir } from '@connector-host/testing';
import { ldapEnv } from './support/ldap';
import { E2eHost, ECMA_USER_URN, ERROR_URN, LIST_RESPONSE_URN } from './support/host';

const ROOT = join(__dirname, '..');
const CORE_USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
/** Requests in flight at once: enough to finish in well under a minute, few enough for a shared machine. */
const CONCURRENCY = 6;
const REQUEST_TIMEOUT_MS = 30000;
const DRAIN_TIMEOUT_MS = 60000;

interface CorpusEntry {
  n: number;
  category: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
  expect: { status?: number; scimType?: string | null; empty?: boolean };
  positive?: { resource: 'Users' | 'Groups'; name: string };
}
interface Corpus {
  size: number;
  entries: CorpusEntry[];
}
interface Answer {
  status: number;
  contentType: string;
  text: string;
  body: any;
}

const corpus = JSON.parse(readFileSync(join(ROOT, 'test/hostile-corpus/corpus.json'), 'utf8')) as Corpus;

/** `[[repeat N "text"]]` → "text" N times. */
function expand(text: string): string {
  return text.replace(/\[\[repeat (\d+) ("(?:[^"\\]|\\.)*")\]\]/g, (_, times: string, json: string) => (JSON.parse(json) as string).repeat(Number(times)));
}

interface ConnectorUnderTest {
  name: string;
  kind: 'sql' | 'ldap';
  /** A string attribute of the ECMA2Host User extension, not mapped from a core attribute. */
  extAttr: string;
  user: string;
  group: string;
}

/** The connector's placeholders filled in. */
function fill(text: string, c: ConnectorUnderTest, inPath: boolean): string {
  return expand(text)
    .replaceAll('{tenant}', `ecma2host_${c.name}`)
    .replaceAll('{user}', inPath ? encodeURIComponent(c.user) : c.user)
    .replaceAll('{group}', inPath ? encodeURIComponent(c.group) : c.group)
    .replaceAll('{userRaw}', c.user)
    .replaceAll('{groupRaw}', c.group)
    .replaceAll('{extAttr}', `${ECMA_USER_URN}:${c.extAttr}`);
}

/** One raw HTTP exchange: node:http sends the path exactly as given (no `..` resolution, no re-encoding). */
function send(base: URL, agent: Agent, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: base.hostname, port: base.port, method, path, headers, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = text === '' ? undefined : JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** What is wrong with an answer, or undefined when it is the expected one. */
function judge(entry: CorpusEntry, answer: Answer): string | undefined {
  if (answer.status >= 500) return `a ${answer.status}`;
  const { expect: want } = entry;
  if (want.empty) {
    if (answer.status !== 200) return `expected 200 with no resources`;
    if (!answer.body?.schemas?.includes(LIST_RESPONSE_URN)) return 'expected a ListResponse';
    if (answer.body.totalResults !== 0 || (answer.body.Resources ?? []).length !== 0) return `expected no resources, got ${answer.body.totalResults}`;
    return undefined;
  }
  if (want.status !== undefined && answer.status !== want.status) return `expected ${want.status}`;
  if (answer.status < 400) return undefined;
  const body = answer.body;
  if (!/^application\/scim\+json/.test(answer.contentType)) return `content-type ${answer.contentType || '(none)'}, not application/scim+json`;
  if (!body || !Array.isArray(body.schemas) || body.schemas.length !== 1 || body.schemas[0] !== ERROR_URN) return 'no SCIM error body';
  if (body.status !== String(answer.status)) return `error status ${JSON.stringify(body.status)} is not "${answer.status}"`;
  if (typeof body.detail !== 'string') return 'error without detail';
  if (want.scimType === null && 'scimType' in body) return `scimType ${body.scimType} where none applies`;
  if (typeof want.scimType === 'string' && body.scimType !== want.scimType) return `expected scimType ${want.scimType}`;
  return undefined;
}

/** Runs `work` over `items`, `limit` at a time, keeping results in order. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

describe('hostile-input corpus (SQLite demo and OpenLDAP, users and groups)', () => {
  let slapd: SlapdServer;
  let temp: TempDir;
  let host: E2eHost;
  let admin: Client;
  let agent: Agent;
  let sqliteFile: string;
  const connectors: ConnectorUnderTest[] = [
    { name: 'demo', kind: 'sql', extAttr: 'textID', user: '', group: '' },
    { name: 'openldap', kind: 'ldap', extAttr: 'cn', user: '', group: '' },
  ];

  /** Every row of the demo's three tables. */
  const sqlTarget = () => {
    const db = new Database(sqliteFile, { readonly: true, fileMustExist: true });
    try {
      return {
        Employees: db.prepare('SELECT * FROM Employees ORDER BY ContosoLogin').all() as Array<Record<string, unknown>>,
        Groups: db.prepare('SELECT * FROM Groups ORDER BY GroupId').all() as Array<Record<string, unknown>>,
        GroupMembers: db.prepare('SELECT * FROM GroupMembers ORDER BY GroupId, MemberLogin').all() as Array<Record<string, unknown>>,
      };
    } finally {
      db.close();
    }
  };
  /** Every entry of the directory under the base, with its user attributes and entryUUID, by DN. */
  const ldapTarget = async () => {
    const { searchEntries } = await admin.search(slapd.baseDn, { scope: 'sub', attributes: ['*', 'entryUUID'] });
    return searchEntries.map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>).sort((a, b) => String(a.dn).localeCompare(String(b.dn)));
  };
  /** Both connector spaces, every object type, through the cache view. */
  const spaces = async () => {
    const all: Record<string, unknown> = {};
    for (const c of connectors) {
      for (const objectType of ['User', 'Group']) {
        const view = await host.request('GET', `/ecma2host_${c.name}/cache?objectType=${objectType}&count=1000`, { token: host.tokenOf(c.name) });
        if (view.status !== 200) throw new Error(`cache view of ${c.name} ${objectType} answered ${view.status}`);
        all[`${c.name}/${objectType}`] = view.body.objects;
      }
    }
    return all;
  };
  const everything = async () => ({ sql: sqlTarget(), ldap: await ldapTarget(), spaces: await spaces() });

  const drained = (): Promise<void> => host.exportsDrained(DRAIN_TIMEOUT_MS);

  function headersFor(c: ConnectorUnderTest, entry: CorpusEntry): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/scim+json', authorization: `Bearer ${host.tokenOf(c.name)}` };
    if (entry.body !== undefined && typeof entry.contentType === 'string') headers['content-type'] = entry.contentType;
    for (const [name, value] of Object.entries(entry.headers ?? {})) headers[name] = expand(value);
    return headers;
  }

  async function run(c: ConnectorUnderTest, entry: CorpusEntry): Promise<Answer> {
    let body = entry.body === undefined ? undefined : fill(entry.body, c, false);
    if (entry.positive && c.kind === 'ldap' && body) {
      // inetOrgPerson needs a cn: the one attribute the directory wants beyond the corpus's body
      const parsed = JSON.parse(body) as Record<string, unknown>;
      if (entry.positive.resource === 'Users') parsed[ECMA_USER_URN] = { cn: entry.positive.name };
      body = JSON.stringify(parsed);
    }
    try {
      return await send(new URL(host.url), agent, entry.method, fill(entry.path, c, true), headersFor(c, entry), body);
    } catch (error) {
      return { status: -1, contentType: '', text: `no answer: ${(error as Error).message}`, body: undefined };
    }
  }

  beforeAll(async () => {
    slapd = await startSlapd();
    admin = new Client({ url: slapd.url, timeout: 20000 });
    await admin.bind(slapd.bindDn, slapd.bindPassword);
    temp = createTempDir('connector-host-corpus-');
    sqliteFile = join(temp.path, 'demo.sqlite');
    const db = new Database(sqliteFile);
    db.exec(readFileSync(join(ROOT, 'config/demo-employees.sql'), 'utf8'));
    db.close();
    const section = (file: string) => readFileSync(join(ROOT, file), 'utf8').split(/^connectors:[ \t]*\n/m)[1]!;
    const text = `connectors:\n${section('config/demo.yaml').replace('file: ../data/demo.sqlite', `file: ${JSON.stringify(sqliteFile)}`)}${section('examples/openldap.yaml')}`;
    // 64 KiB: the corpus's oversized bodies pass it without being megabytes each
    host = await E2eHost.start({ connectors: ['demo', 'openldap'], bodyLimit: '64kb', connectorsYaml: { text, env: ldapEnv(slapd) } });
    agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    for (const c of connectors) {
      const scim = host.scim(c.name);
      const user = await scim.post('/Users', {
        schemas: [CORE_USER_URN, ECMA_USER_URN],
        userName: 'hcseed',
        name: { givenName: 'Seed', familyName: 'Corpus' },
        emails: [{ type: 'work', value: 'hcseed@contoso.com' }],
        [ECMA_USER_URN]: c.kind === 'ldap' ? { cn: 'Seed Corpus' } : { textID: 'seed' },
      });
      expect({ connector: c.name, status: user.status, detail: user.body?.detail }).toEqual({ connector: c.name, status: 201, detail: undefined });
      c.user = user.body.id;
      const group = await scim.post('/Groups', { schemas: [CORE_GROUP_URN], displayName: 'hcseedgroup', members: [{ value: c.user }] });
      expect({ connector: c.name, status: group.status, detail: group.body?.detail }).toEqual({ connector: c.name, status: 201, detail: undefined });
      c.group = group.body.id;
    }
    await drained();
  });
  afterAll(async () => {
    agent?.destroy();
    await admin?.unbind().catch(() => undefined);
    await host?.close();
    await slapd?.stop();
    temp?.remove();
  });

  it(`has at least 1,000 requests over every route and both resources (${corpus.size})`, () => {
    expect(corpus.entries.length).toBe(corpus.size);
    expect(corpus.size).toBeGreaterThanOrEqual(1000);
    const paths = corpus.entries.map((e) => e.path);
    for (const route of ['/scim/Users', '/scim/Groups', '/scim/Schemas', '/scim/ResourceTypes', '/scim/ServiceProviderConfig', '/cache', '/log', '/scim/Widgets']) {
      expect({ route, hits: paths.some((p) => p.includes(route)) }).toEqual({ route, hits: true });
    }
  });

  it('answers every hostile request as expected (no 5xx, SCIM errors) and, once the exports drained, nothing changed', async () => {
    const before = await everything();
    const negatives = corpus.entries.filter((e) => !e.positive);
    const failures: string[] = [];
    const statuses: Record<string, Record<string, number>> = {};
    for (const c of connectors) {
      const answers = await pool(negatives, CONCURRENCY, (entry) => run(c, entry));
      const counts: Record<string, number> = {};
      answers.forEach((answer, i) => {
        const entry = negatives[i]!;
        counts[answer.status] = (counts[answer.status] ?? 0) + 1;
        const wrong = answer.status === -1 ? answer.text : judge(entry, answer);
        if (wrong) {
          const path = fill(entry.path, c, true);
          failures.push(
            `${c.name} #${entry.n} ${entry.category} ${entry.method} ${path.length > 100 ? `${path.slice(0, 100)}…(${path.length})` : path}: ${wrong}; got ${answer.status} ${answer.text.slice(0, 200)}`,
          );
        }
      });
      statuses[c.name] = counts;
    }
    const byCategory: Record<string, number> = {};
    for (const e of negatives) byCategory[e.category] = (byCategory[e.category] ?? 0) + 1;
    console.log(
      `hostile corpus: ${negatives.length} requests per connector by category ${JSON.stringify(byCategory)}; statuses ${JSON.stringify(statuses)}; ${failures.length} wrong answers${failures.length ? `:\n${failures.slice(0, 50).join('\n')}` : ''}`,
    );
    // "nothing written anywhere" is judged once every export job the corpus queued has run
    await drained();
    expect(await everything()).toEqual(before);
    expect(failures).toEqual([]);
  });

  it('stores injection strings literally, finds them by filter literally; the targets differ by exactly those objects', async () => {
    await drained();
    const before = await everything();
    const positives = corpus.entries.filter((e) => e.positive);
    const failures: string[] = [];
    const created: Record<string, Array<{ resource: string; name: string; id: string }>> = {};
    for (const c of connectors) {
      created[c.name] = [];
      for (const entry of positives) {
        const { resource, name } = entry.positive!;
        const answer = await run(c, entry);
        if (answer.status !== 201) {
          failures.push(`${c.name} #${entry.n} create ${resource} ${JSON.stringify(name)}: ${answer.status} ${answer.text.slice(0, 200)}`);
          continue;
        }
        const id = answer.body.id as string;
        created[c.name]!.push({ resource, name, id });
        const attribute = resource === 'Users' ? 'userName' : 'displayName';
        const scim = host.scim(c.name);
        const found = await scim.filter(`${attribute} eq ${JSON.stringify(name)}`, resource);
        const ids = ((found.body?.Resources ?? []) as Array<{ id: string }>).map((r) => r.id);
        if (found.status !== 200 || ids.length !== 1 || ids[0] !== id) failures.push(`${c.name} ${resource} filter ${attribute} eq ${JSON.stringify(name)}: ${found.status} ${JSON.stringify(ids)}`);
        const read = await scim.get(`/${resource}/${encodeURIComponent(id)}`);
        if (read.status !== 200 || read.body?.[attribute] !== name) failures.push(`${c.name} GET ${resource}/${id}: ${read.status} ${JSON.stringify(read.body?.[attribute])}`);
      }
    }
    expect(failures).toEqual([]);
    await drained();
    const after = await everything();

    // SQLite: the rows before plus one per created object, holding the literal values
    const users = created.demo!.filter((o) => o.resource === 'Users').map((o) => o.name);
    const groups = created.demo!.filter((o) => o.resource === 'Groups').map((o) => o.name);
    expect(after.sql.Employees.filter((r) => !users.includes(r.ContosoLogin as string))).toEqual(before.sql.Employees);
    expect(after.sql.Employees.filter((r) => users.includes(r.ContosoLogin as string)).map((r) => [r.ContosoLogin, r.FirstName, r.LastName]).sort()).toEqual(
      users.map((u) => [u, u, "Sm'th*)("]).sort(),
    );
    expect(after.sql.Groups.filter((r) => !groups.includes(r.DisplayName as string))).toEqual(before.sql.Groups);
    expect(after.sql.Groups.filter((r) => groups.includes(r.DisplayName as string)).map((r) => r.DisplayName).sort()).toEqual([...groups].sort());
    expect(after.sql.GroupMembers).toEqual(before.sql.GroupMembers);

    // LDAP: the entries before plus one per created object, whose uid / cn is the literal value
    const ldapIds = created.openldap!.map((o) => o.id);
    const ldapNew = after.ldap.filter((e) => ldapIds.includes(e.entryUUID as string));
    expect(after.ldap.filter((e) => !ldapIds.includes(e.entryUUID as string))).toEqual(before.ldap);
    expect(ldapNew).toHaveLength(ldapIds.length);
    for (const o of created.openldap!) {
      const entry = ldapNew.find((e) => e.entryUUID === o.id)!;
      const literal = o.resource === 'Users' ? { attribute: 'uid', value: entry.uid, parent: slapd.peopleDn } : { attribute: 'cn', value: entry.cn, parent: slapd.groupsDn };
      expect({ name: o.name, value: literal.value }).toEqual({ name: o.name, value: o.name });
      // the value is one RDN under its container, however many DN metacharacters it holds
      expect({ name: o.name, parentOk: String(entry.dn).toLowerCase().endsWith(`,${literal.parent.toLowerCase()}`) }).toEqual({ name: o.name, parentOk: true });
    }
    // clean up through SCIM, so a later run of this file on the same host would start the same
    for (const c of connectors) for (const o of created[c.name]!) expect((await host.scim(c.name).delete(`/${o.resource}/${encodeURIComponent(o.id)}`)).status).toBe(204);
  });
});
