#!/usr/bin/env node
// LDAP group benchmark: membership adds into one group growing to 10,000 members, through the host
// (SCIM PATCH add members, as Entra sends them) against raw ldapts modifies on the same slapd, in
// one run. Reports host/raw ratios; never asserts timings. See bench/README.md.
//
//   npm run build && node bench/ldap-groups.bench.mjs [--members 10000] [--batches 1,100] [--clients 1,8]
//                                                    [--max-seconds 300] [--help]
import { performance } from 'node:perf_hooks';
import { Attribute, Change, Client } from 'ldapts';
import { TOKEN, startHost } from './support/host.mjs';
import { ldapConnectionYaml, ldapEnv, withLdap } from './support/ldap.mjs';
import { httpClient, httpError, runLoad, round } from './support/load.mjs';
import { parseOptions, positiveIntegers } from './support/options.mjs';
import { comparisonHeader, comparisonCells, errorMessage, formatTable, log, runBenchmark, runLevels, runMain } from './support/report.mjs';
import { startRedis, startSlapd } from './support/servers.mjs';

const BASE_DN = 'dc=example,dc=com';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const DEFAULTS = { members: 10000, batches: '1,100', clients: '1,8', maxSeconds: 300, logLevel: 'warn', partitions: 8 };
const USAGE = 'usage: node bench/ldap-groups.bench.mjs [--members 10000] [--batches 1,100] [--clients 1,8] [--max-seconds S] [--partitions 8] [--log-level warn]\n';

const uidOf = (i) => `member${String(i).padStart(6, '0')}`;
const userDn = (i) => `uid=${uidOf(i)},ou=bulk,${BASE_DN}`;

/** The users, loaded offline by slapadd before slapd starts (loading them is not what is measured). */
function bulkLdif(count) {
  // ou=Groups comes with the test server (libs/testing)
  const parts = [`dn: ou=bulk,${BASE_DN}\nobjectClass: organizationalUnit\nou: bulk\n`];
  for (let i = 0; i < count; i++) parts.push(`dn: ${userDn(i)}\nobjectClass: inetOrgPerson\nuid: ${uidOf(i)}\ncn: Member ${i}\nsn: Member\n`);
  return parts.join('\n');
}

const connectorYaml = (slapd) => `    exportPageSize: 1000
${ldapConnectionYaml(slapd)}    objectTypes:
      User:
        anchor: entryUUID
        queryAttributes: [uid]
        dn: { template: "uid={uid},ou=bulk,${BASE_DN}" }
        attributes: [uid, cn, sn]
        scim: { userName: uid, name.familyName: sn }
        target: { objectClasses: [inetOrgPerson], base: "ou=bulk,${BASE_DN}", singleValue: [uid, cn, sn] }
      Group:
        anchor: entryUUID
        queryAttributes: [cn]
        dn: { template: "cn={cn},ou=Groups,${BASE_DN}" }
        attributes: [cn, member]
        scim: { displayName: cn, members: member }
        target: { objectClasses: [groupOfNames], base: "ou=Groups,${BASE_DN}", singleValue: [cn] }
`;

/** The users' SCIM ids (entryUUIDs) in member order, read from the host with the token. */
async function userIds(client, host, count) {
  const ids = new Array(count);
  for (let start = 1; start <= count; start += 1000) {
    const response = await client.request('GET', `${host.usersPath}?startIndex=${start}&count=1000&attributes=userName`);
    if (response.status !== 200) throw httpError(response);
    for (const user of JSON.parse(response.text).Resources) ids[Number(user.userName.slice('member'.length))] = user.id;
  }
  if (ids.filter(Boolean).length !== count) throw new Error(`the host shows ${ids.filter(Boolean).length} of ${count} users`);
  return ids;
}

/** Members 1..n-1 in PATCHes (or modifies) of `batch` members each; member 0 is the group's first. */
function batchesOf(n, batch) {
  const out = [];
  for (let i = 1; i < n; i += batch) out.push(Array.from({ length: Math.min(batch, n - i) }, (_, k) => i + k));
  return out;
}

function memberCount(slapd, dn) {
  return withLdap(slapd, 120000, async (client) => {
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['member'] });
    const member = searchEntries[0]?.member;
    return Array.isArray(member) ? member.length : member ? 1 : 0;
  });
}

async function runLevel({ slapd, host, http, ids, batch, clients, options }) {
  const tag = `b${batch}c${clients}`;
  const batches = batchesOf(options.members, batch);
  const maxMs = options.maxSeconds * 1000;

  // raw: ldapts modify (add member) on its own group, one bound connection per client
  const rawDn = `cn=raw-${tag},ou=Groups,${BASE_DN}`;
  const raw = [];
  for (let i = 0; i < clients; i++) {
    const client = new Client({ url: slapd.url, timeout: 120000 });
    await client.bind(slapd.bindDn, slapd.bindPassword);
    raw.push(client);
  }
  await raw[0].add(rawDn, { objectClass: ['groupOfNames'], cn: `raw-${tag}`, member: [userDn(0)] });
  log(`[${tag}] raw: ${batches.length} modifies of ${batch} member(s)`);
  const rawStats = await runLoad({
    concurrency: clients,
    count: batches.length,
    maxMs,
    op: (i) => raw[i % clients].modify(rawDn, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: batches[i].map(userDn) }) })),
  });
  await Promise.all(raw.map((c) => c.unbind().catch(() => undefined)));

  // host: POST the group with its first member, then PATCH add members as Entra does
  const created = await http.request('POST', `/ecma2host_bench/scim/Groups`, { schemas: [CORE_GROUP], displayName: `host-${tag}`, members: [{ value: ids[0] }] });
  if (created.status !== 201) throw httpError(created);
  const groupPath = `/ecma2host_bench/scim/Groups/${JSON.parse(created.text).id}`;
  log(`[${tag}] host: ${batches.length} PATCHes of ${batch} member(s)`);
  const hostStats = await runLoad({
    concurrency: clients,
    count: batches.length,
    maxMs,
    op: async (i, signal) => {
      const body = { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: batches[i].map((m) => ({ value: ids[m] })) }] };
      const response = await http.request('PATCH', groupPath, body, signal);
      if (response.status !== 204) throw httpError(response);
    },
  });
  const perMember = (stats) => ({ ...stats, opsPerSec: stats.opsPerSec ? round(stats.opsPerSec * batch) : stats.opsPerSec });
  const level = {
    batch,
    clients,
    host: perMember(hostStats),
    raw: perMember(rawStats),
    target: { hostGroupMembers: await memberCount(slapd, `cn=host-${tag},ou=Groups,${BASE_DN}`), rawGroupMembers: await memberCount(slapd, rawDn) },
  };
  level.ratio = level.host.opsPerSec && level.raw.opsPerSec ? round(level.host.opsPerSec / level.raw.opsPerSec, 4) : null;
  log(`[${tag}] members/s host ${level.host.opsPerSec} raw ${level.raw.opsPerSec}; members in the directory: host ${level.target.hostGroupMembers}, raw ${level.target.rawGroupMembers}`);
  return level;
}

runMain(async () => {
  const options = parseOptions(process.argv.slice(2), DEFAULTS, USAGE);
  options.batches = positiveIntegers(options.batches, 'batches');
  options.clients = positiveIntegers(options.clients, 'clients');
  const { result, exitCode, file } = await runBenchmark({
    benchmark: 'ldap-groups',
    options,
    notes: [
      'one slapd (back-mdb, accesslog on) with the users loaded by slapadd; host and raw each grow their own groupOfNames',
      'rate = members added per second (PATCHes or modifies per second x members per request); the PATCH answers 204 after the modify and the connector-space commit',
      'raw: ldapts modify (add member) with one bound connection per client; host: SCIM PATCH {op: Add, path: members, value: [...]} over keep-alive HTTP',
    ],
    run: async (result) => {
      result.levels = [];
      log(`starting slapd with ${options.members} users (slapadd) and redis-server`);
      const [slapd, redis] = await Promise.all([startSlapd({ baseDn: BASE_DN, bulkLdif: bulkLdif(options.members), maxSizeMb: 4096, startTimeoutMs: 30 * 60000 }), startRedis()]);
      const usersKey = 'bgroups:{bench}:cs:User:objects';
      const t0 = performance.now();
      const host = await startHost({
        writtenBy: 'bench/ldap-groups.bench.mjs',
        redis,
        prefix: 'bgroups',
        logLevel: options.logLevel,
        type: 'ldap',
        partitions: options.partitions,
        connectorYaml: connectorYaml(slapd),
        env: ldapEnv(slapd),
        probe: async () => (await redis.command(`HLEN ${usersKey}`)) === `:${options.members}`,
        startTimeoutMs: 10 * 60000,
        failureLog: 'ldap-groups-host-start-failure',
      });
      log(`host pid ${host.pid} ready with ${options.members} users in ${Math.round(performance.now() - t0)} ms`);
      const maxClients = Math.max(...options.clients);
      const http = httpClient(host.baseUrl, { sockets: maxClients, headers: { authorization: `Bearer ${TOKEN}`, accept: 'application/scim+json' }, timeoutMs: 60000 });
      try {
        const ids = await userIds(http, host, options.members);
        const levels = options.batches.flatMap((batch) => options.clients.map((clients) => ({ tag: `b${batch}c${clients}`, meta: { batch, clients } })));
        return await runLevels(result.levels, levels, ({ meta }) => runLevel({ slapd, host, http, ids, ...meta, options }));
      } finally {
        result.hostAliveAtEnd = host.isRunning();
        await http.close();
        await host.stop();
        host.remove();
      }
    },
    misbehaved: (result) =>
      result.hostAliveAtEnd === false ||
      result.levels.some((l) => l.host?.errors > 0 || (l.target && l.target.hostGroupMembers !== Math.min(l.target.rawGroupMembers, l.host.ok * l.batch + 1))),
  });
  const out = (text) => process.stdout.write(text);
  out(`\nMembership adds into one group growing to ${options.members} members: host (SCIM PATCH) vs raw ldapts modify on one slapd; ` +
    `${result.machine.cpus} CPUs, load average ${result.machine.loadAverageAtStart.join(' ')} at start\n\n`);
  const measured = result.levels.filter((l) => l.host);
  if (measured.length) {
    out(`${formatTable(['members per request', 'clients', ...comparisonHeader('raw', 'members/s'), 'members in the directory (host / raw)'],
      measured.map((l) => [l.batch, l.clients, ...comparisonCells(l), `${l.target.hostGroupMembers} / ${l.target.rawGroupMembers}`]), 2)}\n`);
    out('(p50/p99 are per request: one PATCH or one modify)\n');
  }
  for (const level of result.levels) if (level.failure) out(`\nb${level.batch}c${level.clients} failed: ${level.failure.split('\n')[0]}\n`);
  if (result.failure) out(`\nbenchmark failed: ${errorMessage(result.failure)}\n`);
  out(`\nResults: ${file}\n`);
  return exitCode;
});
