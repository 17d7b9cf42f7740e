#!/usr/bin/env node
// Demo traffic for the dashboards: Entra's request sequence against one or more connectors, in a
// bounded loop (ops per second for a number of minutes), with a few mistakes on purpose so that
// the error panels move too. Uses only Node's fetch.
//
//   node scripts/demo-traffic.mjs --url http://localhost:8585 --token change-me-demo-token \
//     [--connector demo] [--rate 5] [--minutes 10]
//
// `docker compose --profile traffic up` runs it against the demo connectors.

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const values = [];
  for (let i = 0; i < args.length; i++) if (args[i] === `--${name}`) values.push(args[i + 1]);
  return values.length ? values : fallback;
};
const base = option('url', ['http://127.0.0.1:8585'])[0].replace(/\/+$/, '');
const connectors = option('connector', ['demo']);
const tokens = option('token', []);
const rate = Math.max(0.1, Number(option('rate', ['5'])[0]));
const minutes = Math.max(0.05, Number(option('minutes', ['10'])[0]));
if (tokens.length !== connectors.length) {
  process.stderr.write('give one --token per --connector (in the same order)\n');
  process.exit(2);
}

const EXT = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const FIRST = ['Adele', 'Alex', 'Diego', 'Grady', 'Isaiah', 'Johanna', 'Lee', 'Lynne', 'Megan', 'Nestor', 'Patti', 'Pradeep'];
const LAST = ['Vance', 'Wilber', 'Siciliani', 'Archie', 'Langer', 'Lauer', 'Gu', 'Robbins', 'Bowen', 'Wilke', 'Fernandez', 'Gupta'];
const counts = new Map();

async function call(connector, token, method, path, body) {
  try {
    const response = await fetch(`${base}/ecma2host_${connector}/scim${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60000),
    });
    await response.arrayBuffer();
    const key = `${connector} ${method} ${response.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return response.status;
  } catch {
    const key = `${connector} ${method} error`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return 0;
  }
}

/** One user's life, as Entra drives it: match, create, update, sometimes disable or delete. */
async function lifecycle(connector, token, n) {
  const login = `demo${Date.now().toString(36)}${n}`;
  const first = FIRST[n % FIRST.length];
  const last = LAST[(n * 7) % LAST.length];
  await call(connector, token, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${login}"`)}`);
  // an LDAP directory (the `directory` connector) takes inetOrgPerson attributes; SQL the Employees columns
  const ldap = connector === 'directory';
  const created = await call(connector, token, 'POST', '/Users', {
    schemas: [CORE, EXT],
    active: true,
    userName: login,
    ...(ldap
      ? { name: { givenName: first, familyName: last }, displayName: `${first} ${last}`, [EXT]: { cn: `${first} ${last}` } }
      : { [EXT]: { ContosoLogin: login, FirstName: first, LastName: last, Email: `${login}@contoso.com`, AzureID: `aad-${login}` } }),
  });
  // the LDAP anchor is entryUUID, not the login: the rest of the sequence is the SQL connectors'
  if (created !== 201 || ldap) return;
  const id = login;
  await call(connector, token, 'PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: `${EXT}:LastName`, value: `${last}-${n}` }] });
  if (n % 5 === 0) await call(connector, token, 'POST', '/Users', { schemas: [CORE, EXT], [EXT]: { ContosoLogin: login } }); // a retried create: 409
  if (n % 7 === 0) await call(connector, token, 'PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'frobnicate' }] }); // bad input: 400
  if (n % 3 === 0) await call(connector, token, 'PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
  if (n % 4 === 0) await call(connector, token, 'DELETE', `/Users/${id}`);
}

const until = Date.now() + minutes * 60000;
const intervalMs = 1000 / rate;
let n = 0;
const inflight = new Set();
process.stdout.write(`sending ${rate}/s for ${minutes} min to ${connectors.map((c) => `${base}/ecma2host_${c}/scim`).join(', ')}\n`);
const report = setInterval(() => {
  process.stdout.write(`${new Date().toISOString()} ${[...counts].map(([k, v]) => `${k}: ${v}`).join(', ')}\n`);
}, 10000);
while (Date.now() < until) {
  const i = n % connectors.length;
  const run = lifecycle(connectors[i], tokens[i], n++).finally(() => inflight.delete(run));
  inflight.add(run);
  // never more than 50 users in flight: a slow target slows this loop instead of piling up
  while (inflight.size >= 50) await Promise.race(inflight);
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
await Promise.all(inflight);
clearInterval(report);
process.stdout.write(`done: ${[...counts].map(([k, v]) => `${k}: ${v}`).join(', ')}\n`);
