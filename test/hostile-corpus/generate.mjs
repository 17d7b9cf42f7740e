// Generates test/hostile-corpus/corpus.json: the hostile-input corpus of issue 14, the same every run
// (no randomness, no clock). `node test/hostile-corpus/generate.mjs` rewrites the file;
// `--check` exits 1 when the committed file is not what this script makes (a unit test runs it).
//
// Each entry is one HTTP request and what the host must answer. Placeholders the e2e test fills
// per connector: {tenant} = ecma2host_<name>; {user} / {group} = the seeded objects' ids, URL-encoded
// (in paths) and {userRaw} / {groupRaw} raw (in bodies); {extAttr} = a string attribute of the
// connector's ECMA2Host User extension, as a full URN path; {seq} = a number unique to the entry (so a
// create the host wrongly accepts makes a new object, which the before/after snapshot shows).
// `[[repeat N "text"]]` in a path or body is expanded to "text" N times (keeps the file small).
//
// `expect`: `status` (exact), `scimType` (a string: must be it; null: must be absent; missing: not
// checked), or `empty: true` (200, a ListResponse with no resources: a filter whose value cannot
// match). `positive` entries are valid creates whose values are injection strings: the test checks
// each is stored literally and found by an equality filter literally.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ECMA_USER_URN = 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User';
const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SCIM = '/{tenant}/scim';
const JSON_TYPE = 'application/scim+json';

const entries = [];
let seq = 0;
/** Adds one request; `body` is a string (sent as is) or a JSON value (serialised). */
function add(category, method, path, body, expect, extra = {}) {
  // a read's third argument is its expectation: add('…', 'GET', path, { status: 404 })
  if (expect === undefined) [body, expect] = [undefined, body];
  seq += 1;
  const raw = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const entry = { n: seq, category, method, path, expect };
  if (raw !== undefined) {
    entry.body = raw.replaceAll('{seq}', String(seq));
    entry.contentType = JSON_TYPE;
  }
  Object.assign(entry, extra);
  if ('contentType' in extra && extra.contentType === null) delete entry.contentType;
  entries.push(entry);
}
const repeat = (times, text) => `[[repeat ${times} ${JSON.stringify(text)}]]`;
const err = (status, scimType) => (scimType === undefined ? { status } : { status, scimType });
const enc = encodeURIComponent;

/** A valid user create but for what `override` breaks; unique per entry. */
// (cn: what inetOrgPerson needs beyond the core attributes; the SQL demo has no such column and ignores it)
const user = (override = {}) => ({ schemas: [USER_URN], userName: 'hc-{seq}', name: { givenName: 'Hostile', familyName: 'Corpus' }, [ECMA_USER_URN]: { cn: 'hc-{seq}' }, ...override });
const group = (override = {}) => ({ schemas: [GROUP_URN], displayName: 'hc-group-{seq}', ...override });
const patch = (operations) => ({ schemas: [PATCH_URN], Operations: operations });

const WRITE_ROUTES = [
  { method: 'POST', path: `${SCIM}/Users` },
  { method: 'POST', path: `${SCIM}/Groups` },
  { method: 'PUT', path: `${SCIM}/Users/{user}` },
  { method: 'PUT', path: `${SCIM}/Groups/{group}` },
  { method: 'PATCH', path: `${SCIM}/Users/{user}` },
  { method: 'PATCH', path: `${SCIM}/Groups/{group}` },
];

// --- broken JSON -------------------------------------------------------------------------------
const BROKEN = [
  '{',
  '}',
  '{"schemas": ["urn:x", ',
  '{"userName": "eve"',
  "{'userName': 'eve'}",
  '{userName: "eve"}',
  '{"userName": alice}',
  '{"userName": "eve",}',
  '{"a":1}{"b":2}',
  '{"userName": "eve"} trailing',
  '[1, 2,]',
  '{"userName": "\\x41"}',
  '{"userName": "\\u12"}',
  '{"userName": "tab\there"}',
  '{"n": 01}',
  '{"n": NaN}',
  '{"n": Infinity}',
  '{"n": 1e}',
  '// comment\n{}',
  '{"a": undefined}',
  '\u00ef\u00bb\u00bf{}',
  '<?xml version="1.0"?><User/>',
  'userName=eve',
  '{"Operations": [}',
  '"unterminated',
];
for (const route of WRITE_ROUTES) for (const text of BROKEN) add('broken-json', route.method, route.path, text, err(400, 'invalidSyntax'));

// --- a body that is JSON but not an object ----------------------------------------------------
for (const route of WRITE_ROUTES) {
  for (const text of ['[]', '[{}]', '"eve"', '42', '-0.5', 'true', 'false', 'null', '[null]']) {
    add('not-an-object', route.method, route.path, text, err(400, 'invalidSyntax'));
  }
}

// --- deeply nested JSON --------------------------------------------------------------------------
// Deeper than the parser's limit (32 levels): 400 invalidSyntax before anything walks it; a body over
// the e2e host's 64 KiB limit is 413 first.
const BODY_LIMIT = 64 * 1024;
const expandedLength = (text) => text.replace(/\[\[repeat (\d+) ("(?:[^"\\]|\\.)*")\]\]/g, (_, n, json) => JSON.parse(json).repeat(Number(n))).length;
for (const depth of [33, 64, 1000, 10000, 30000]) {
  const arrays = `${repeat(depth, '[')}"x"${repeat(depth, ']')}`;
  const objects = `${repeat(depth, '{"a":')}"x"${repeat(depth, '}')}`;
  const addDeep = (method, path, body) => add('deep-json', method, path, body, expandedLength(body) > BODY_LIMIT ? err(413) : err(400, 'invalidSyntax'));
  const u = (key, value) => `{"schemas":["${USER_URN}"],"userName":"hc-{seq}",${key}:${value}}`;
  addDeep('POST', `${SCIM}/Users`, `{"schemas":["${USER_URN}"],"userName":${arrays}}`);
  addDeep('POST', `${SCIM}/Users`, u('"name"', `{"givenName":${arrays}}`));
  addDeep('POST', `${SCIM}/Users`, u('"name"', objects));
  addDeep('POST', `${SCIM}/Users`, u('"emails"', arrays));
  addDeep('POST', `${SCIM}/Users`, `{"schemas":["${USER_URN}"],"userName":${objects}}`);
  addDeep('PUT', `${SCIM}/Users/{user}`, `{"schemas":["${USER_URN}"],"userName":${arrays}}`);
  addDeep('POST', `${SCIM}/Groups`, `{"schemas":["${GROUP_URN}"],"displayName":"hc-{seq}","members":${arrays}}`);
  addDeep('POST', `${SCIM}/Groups`, `{"schemas":["${GROUP_URN}"],"displayName":${objects}}`);
  addDeep('PATCH', `${SCIM}/Users/{user}`, `{"schemas":["${PATCH_URN}"],"Operations":[{"op":"replace","path":"name.givenName","value":${arrays}}]}`);
  addDeep('PATCH', `${SCIM}/Users/{user}`, `{"schemas":["${PATCH_URN}"],"Operations":[{"op":"replace","value":${objects}}]}`);
  addDeep('PATCH', `${SCIM}/Groups/{group}`, `{"schemas":["${PATCH_URN}"],"Operations":[{"op":"add","path":"members","value":${arrays}}]}`);
  addDeep('PATCH', `${SCIM}/Groups/{group}`, `{"schemas":["${PATCH_URN}"],"Operations":${arrays}}`);
}

// --- values of the wrong JSON type ---------------------------------------------------------------
// A number or boolean where the schema says string is refused (it used to be coerced and stored).
const NOT_A_STRING = [42, 0, -1.5, 1e21, true, false, { a: 'x' }, ['one', 'two'], [42], [true], [{ value: 'x' }, { value: 'y' }]];
const USER_STRINGS = ['userName', 'name.givenName', 'name.familyName', 'emails[type eq "work"].value', '{extAttr}'];
/** A user create/replace whose `path` holds `value`, built so the rest stays valid. */
function userWith(path, value) {
  const body = user();
  if (path === 'userName') body.userName = value;
  else if (path.startsWith('name.')) body.name = { ...body.name, [path.slice(5)]: value };
  else if (path.startsWith('emails')) body.emails = [{ type: 'work', value }];
  else body[path] = value;
  return body;
}
for (const path of USER_STRINGS) {
  for (const value of NOT_A_STRING) {
    add('wrong-type', 'POST', `${SCIM}/Users`, userWith(path, value), err(400, 'invalidValue'));
    add('wrong-type', 'PUT', `${SCIM}/Users/{user}`, { ...userWith(path, value), userName: path === 'userName' ? value : '{userRaw}' }, err(400, 'invalidValue'));
    add('wrong-type', 'PATCH', `${SCIM}/Users/{user}`, patch([{ op: 'replace', path, value }]), err(400, 'invalidValue'));
    add('wrong-type', 'PATCH', `${SCIM}/Users/{user}`, patch([{ op: 'add', path, value }]), err(400, 'invalidValue'));
  }
}
for (const value of NOT_A_STRING) {
  add('wrong-type', 'POST', `${SCIM}/Groups`, group({ displayName: value }), err(400, 'invalidValue'));
  add('wrong-type', 'PATCH', `${SCIM}/Groups/{group}`, patch([{ op: 'replace', path: 'displayName', value }]), err(400, 'invalidValue'));
  add('wrong-type', 'PATCH', `${SCIM}/Groups/{group}`, patch([{ op: 'replace', value: { displayName: value } }]), err(400, 'invalidValue'));
}
for (const value of [42, true, [[{ value: '{userRaw}' }]], [{ value: 42 }], [{ value: true }], [{ value: { value: '{userRaw}' } }], { value: ['a', 'b'] }]) {
  add('wrong-type', 'POST', `${SCIM}/Groups`, group({ members: value }), err(400, 'invalidValue'));
  add('wrong-type', 'PATCH', `${SCIM}/Groups/{group}`, patch([{ op: 'add', path: 'members', value }]), err(400, 'invalidValue'));
}
for (const value of ['maybe', 'yes', 1, 0, 1.5, { a: true }, [true, false]]) {
  add('wrong-type', 'PATCH', `${SCIM}/Users/{user}`, patch([{ op: 'replace', path: 'active', value }]), err(400, 'invalidValue'));
}

// --- oversized values and bodies -----------------------------------------------------------------
// Over server.bodyLimit (the e2e host runs with 64kb): 413 on every write route, whatever the body.
for (const route of WRITE_ROUTES) {
  add('oversized', route.method, route.path, `{"schemas":["${USER_URN}"],"userName":"${repeat(70000, 'a')}"}`, err(413));
  add('oversized', route.method, route.path, `{"schemas":["${PATCH_URN}"],"Operations":[${repeat(9000, '{"op":"add","path":"x"},')}{}]}`, err(413));
  add('oversized', route.method, route.path, `${repeat(70000, ' ')}{}`, err(413));
}
// attribute names, URNs and paths far longer than any schema's; 2,001 members, one of them no string
// (members that do not exist yet are no error on a target that keeps them by anchor: DESIGN)
add('oversized', 'PATCH', `${SCIM}/Users/{user}`, `{"schemas":["${PATCH_URN}"],"Operations":[{"op":"replace","path":"${repeat(20000, 'a')}","value":"x"}]}`, err(400, 'invalidPath'));
add('oversized', 'PATCH', `${SCIM}/Users/{user}`, `{"schemas":["${PATCH_URN}"],"Operations":[{"op":"replace","path":"urn:${repeat(5000, 'x:')}name","value":"x"}]}`, err(400, 'invalidPath'));
add('oversized', 'PATCH', `${SCIM}/Users/{user}`, `{"schemas":["${PATCH_URN}"],"Operations":[{"op":"replace","path":"emails[${repeat(2000, 'type eq \\"w\\" and ')}type eq \\"w\\"].value","value":"x"}]}`, err(400, 'invalidPath'));
add('oversized', 'PATCH', `${SCIM}/Users/{user}`, `{"schemas":["${PATCH_URN}"],"Operations":[${repeat(1000, '{"op":"replace","path":"shoeSize","value":"x"},')}{"op":"replace","path":"shoeSize","value":"x"}]}`, err(400, 'invalidPath'));
add('oversized', 'PATCH', `${SCIM}/Groups/{group}`, `{"schemas":["${PATCH_URN}"],"Operations":[{"op":"add","path":"members","value":[${repeat(2000, '{"value":"nobody-hc"},')}{"value":42}]}]}`, err(400, 'invalidValue'));
for (const resource of ['Users', 'Groups']) {
  add('oversized', 'GET', `${SCIM}/${resource}?filter=${enc(`displayName eq "${'a'.repeat(6000)}"`)}`, err(400, 'invalidFilter'));
  add('oversized', 'GET', `${SCIM}/${resource}?filter=${enc(Array.from({ length: 300 }, (_, i) => `displayName eq "n${i}"`).join(' or '))}`, err(400, 'invalidFilter'));
  add('oversized', 'GET', `${SCIM}/${resource}?count=${'9'.repeat(400)}`, { status: 200 });
  add('oversized', 'GET', `${SCIM}/${resource}?startIndex=${'9'.repeat(400)}`, { status: 200 });
  add('oversized', 'GET', `${SCIM}/${resource}?attributes=${'displayName,'.repeat(800)}id`, { status: 200 });
  add('oversized', 'GET', `${SCIM}/${resource}?excludedAttributes=${'x'.repeat(8000)}`, { status: 200 });
}

// --- ids and query strings beyond the HTTP server's limits -------------------------------------
for (const resource of ['Users', 'Groups']) {
  // longer than any anchor (2,048 characters): 414; longer than the header limit (16 KiB): 431
  for (const [length, status] of [[2100, 414], [8000, 414], [17000, 431], [70000, 431]]) {
    for (const method of ['GET', 'DELETE', 'PATCH', 'PUT']) {
      const body = method === 'PATCH' ? patch([{ op: 'replace', path: 'name.givenName', value: 'x' }]) : method === 'PUT' ? user() : undefined;
      add('over-limit', method, `${SCIM}/${resource}/${repeat(length, 'a')}`, body, err(status));
    }
  }
  add('over-limit', 'GET', `${SCIM}/${resource}?filter=${repeat(17000, 'a')}`, err(431));
  add('over-limit', 'GET', `${SCIM}/${resource}?${repeat(3000, 'count=1&')}count=1`, err(431));
  add('over-limit', 'POST', `${SCIM}/${resource}?x=${repeat(20000, 'y')}`, resource === 'Users' ? user() : group(), err(431));
  // a header over the limit, on an otherwise valid read
  add('over-limit', 'GET', `${SCIM}/${resource}`, undefined, err(431), { headers: { 'x-padding': repeat(20000, 'p') } });
}
// just under the id limit: an unknown id
add('over-limit', 'GET', `${SCIM}/Users/${repeat(2000, 'a')}`, undefined, err(404, null));
add('over-limit', 'GET', `${SCIM}/Groups/${repeat(2000, 'a')}`, undefined, err(404, null));

// --- unknown and misspelled URNs -----------------------------------------------------------------
const BAD_URNS = [
  'urn:ietf:params:scim:schemas:core:2.0:Usr',
  'urn:ietf:params:scim:schemas:core:2.0:user:',
  'urn:ietf:params:scim:schemas:core:1.0:User',
  'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:Usr',
  'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0',
  'urn:ietf:params:scim:schemas:extension:ECMA2Hosts:2.0:User',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:Usr',
  'urn:evil:schema',
  'urn:',
  'urn::::',
];
for (const urn of BAD_URNS) {
  // a path under a schema the resource does not have is tolerated, as Entra needs (DESIGN.md: unknown
  // schema URNs tolerated): 2xx and nothing written, which the before/after snapshot checks
  add('bad-urn', 'PATCH', `${SCIM}/Users/{user}`, patch([{ op: 'replace', path: `${urn}:sn`, value: 'x' }]), { status: 200 });
  add('bad-urn', 'PATCH', `${SCIM}/Groups/{group}`, patch([{ op: 'replace', path: `${urn}:displayName`, value: 'x' }]), { status: 204 });
  // a PATCH message under a wrong schema URN is no PATCH
  add('bad-urn', 'PATCH', `${SCIM}/Users/{user}`, { schemas: [urn], Operations: [{ op: 'replace', path: 'name.givenName', value: 'x' }] }, err(400, 'invalidSyntax'));
  // unknown schemas are tolerated (Entra), so a create whose only data is under one lacks its name
  add('bad-urn', 'POST', `${SCIM}/Users`, { schemas: [urn], [urn]: { userName: 'hc-{seq}' } }, err(400, 'invalidValue'));
  add('bad-urn', 'POST', `${SCIM}/Groups`, { schemas: [urn], [urn]: { displayName: 'hc-{seq}' } }, err(400, 'invalidValue'));
  add('bad-urn', 'GET', `${SCIM}/Schemas/${enc(urn)}`, undefined, err(404, null));
  add('bad-urn', 'GET', `${SCIM}/Users?filter=${enc(`${urn}:userName eq "x"`)}`, { empty: true });
}
for (const name of ['Usr', 'User ', 'Users2', 'Groups', 'urn:ietf:params:scim:schemas:core:2.0:User', '..', '%2e%2e']) {
  add('bad-urn', 'GET', `${SCIM}/ResourceTypes/${enc(name)}`, undefined, err(404, null));
}

// --- invalid and hostile filters -----------------------------------------------------------------
const INVALID_FILTERS = [
  'userName eq',
  'eq "x"',
  'userName xx "a"',
  'userName eq "a" or',
  'and userName eq "a"',
  '(userName eq "a"',
  'userName eq "a")',
  '()',
  'userName eq "a',
  'userName eq "a" "b"',
  'userName eq "\\q"',
  'userName eq "\\u00"',
  'not userName eq "a"',
  'userName[',
  'emails[type eq "work"',
  'emails[type eq "work" and value eq "a"',
  'emails[]',
  'emails[type eq "work"]]',
  'userName eq "x" or 1 eq 1',
  'userName eq "x" or "1" eq "1"',
  'userName eq "x";DROP TABLE Employees',
  'userName eq "x" -- comment',
  '*)(uid=*',
  '(&(uid=*))',
  '(|(objectClass=*)(uid=admin))',
  "' OR '1'='1",
  '1=1',
  'userName eq true false',
  'userName pr "x"',
  'userName gt',
  'userName eq "a" and and userName eq "b"',
  '.userName eq "a"',
  'userName. eq "a"',
  'user name eq "a"',
  'userName eq "a" \u0000',
  'userName\u0000 eq "a"',
  `${'('.repeat(500)}userName eq "a"${')'.repeat(500)}`,
  `${'not ('.repeat(200)}userName eq "a"${')'.repeat(200)}`,
  'urn:ietf:params:scim:schemas:core:2.0:User: eq "a"',
  'userName eq "a" or not',
  '[userName eq "a"]',
];
// lenient on purpose: an empty filter is no filter; unquoted words are values (userName eq bjensen)
for (const filter of ['', ' ', 'userName eq a"', "userName eq 'a'"]) add('invalid-filter', 'GET', `${SCIM}/Users?filter=${enc(filter)}`, { status: 200 });
for (const resource of ['Users', 'Groups']) {
  for (const filter of INVALID_FILTERS) add('invalid-filter', 'GET', `${SCIM}/${resource}?filter=${enc(filter)}`, err(400, 'invalidFilter'));
}
// values that try to break out of their string, or that LDAP / SQL / regex treat as wildcards or
// syntax: each is a literal that matches nothing
const HOSTILE_VALUES = [
  '*',
  '**',
  '*)(uid=*',
  '*)(|(objectClass=*',
  ')(cn=*))(|(cn=*',
  '\\2a',
  '\\',
  '\\\\',
  'x\\29',
  'admin)(&)',
  '(objectClass=*)',
  'cn=admin,dc=example,dc=com',
  'uid=hc,ou=People,dc=example,dc=com',
  '%',
  '_',
  '%%',
  '[a-z]%',
  '.*',
  '^.*$',
  "'",
  "''",
  "x' OR '1'='1",
  "x' OR 1=1 --",
  "'; DROP TABLE Employees; --",
  "'; DELETE FROM Users; --",
  '"; DROP TABLE "Groups"; --',
  'x/**/OR/**/1=1',
  'x` OR `1`=`1',
  '1; SELECT pg_sleep(5)',
  "x'||(SELECT password FROM users)||'",
  '$where: 1',
  '{"$gt": ""}',
  '../../../../etc/passwd',
  '/',
  '%00',
  '\u0000',
  'x\u0000y',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\u202Ehcseed',
  'hcseed\u0301',
  '\uFEFFhcseed',
  '\u200Bhcseed',
  '\uFFFF',
  '\uFFFD',
  'ｈｃｓｅｅｄ',
  'hcs\u0435ed',
  '🙂',
  ' ',
  '\t',
  '\n',
  '\r\n',
  'a'.repeat(1000),
];
/** A filter string literal (JSON string syntax): lone surrogates and control characters as \\uXXXX escapes. */
const quote = (value) => JSON.stringify(value);
for (const value of HOSTILE_VALUES) {
  for (const [resource, attribute] of [['Users', 'userName'], ['Users', 'name.givenName'], ['Users', 'emails[type eq "work"].value'], ['Groups', 'displayName']]) {
    if (attribute.startsWith('emails') && value.length > 3) continue;
    const filter = attribute.startsWith('emails') ? `emails[type eq "work" and value eq ${quote(value)}]` : `${attribute} eq ${quote(value)}`;
    add('hostile-filter', 'GET', `${SCIM}/${resource}?filter=${enc(filter)}`, { empty: true });
  }
  add('hostile-filter', 'GET', `${SCIM}/Users?filter=${enc(`userName co ${quote(value)}`)}`, { empty: true });
  add('hostile-filter', 'GET', `${SCIM}/Groups?filter=${enc(`displayName sw ${quote(value)}`)}`, { empty: true });
}

// --- PATCH paths that do not exist or point at the wrong type -------------------------------------
const NO_SUCH_PATHS = [
  'shoeSize',
  'userName.value',
  'name.givenName.first',
  'name.middle.x',
  'name..givenName',
  '.name',
  'name.',
  'emails[type eq',
  'emails[type eq "work"',
  'emails[type eq "work"].nope',
  'emails[nope eq "work"].value',
  'emails[type eq "work"].value.x',
  'emails[type eq "work" and value eq "x"',
  'members[value eq "x"].display.x',
  '{extAttr}x',
  '{extAttr}.value',
  'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:NoSuchColumn',
  'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:',
  'urn:ietf:params:scim:schemas:core:2.0:User:nope',
  'urn:ietf:params:scim:schemas:core:2.0:User:',
  'meta.nope',
  '*',
  '*)(uid=*',
  "'; DROP TABLE Employees; --",
  'userName; DROP TABLE Employees',
  'cn=admin',
  '../id',
  '\u0000',
  'userNam\u0435',
  'ｕｓｅｒＮａｍｅ',
  '\ud800',
];
for (const path of NO_SUCH_PATHS) {
  for (const op of ['replace', 'add', 'remove']) {
    add('bad-patch-path', 'PATCH', `${SCIM}/Users/{user}`, patch([{ op, path, value: 'x' }]), err(400, 'invalidPath'));
  }
  // (a Group ignores a path under the User schemas, as any unknown schema)
  if (!path.includes('{extAttr}') && !path.startsWith('urn:')) add('bad-patch-path', 'PATCH', `${SCIM}/Groups/{group}`, patch([{ op: 'replace', path, value: 'x' }]), err(400, 'invalidPath'));
}
// paths that exist but whose value has the wrong shape
for (const [path, value] of [
  ['name', 'Hostile'],
  ['name', ['a', 'b']],
  ['emails', [['x@example.com']]],
  ['emails[type eq "work"].value', { value: 'x@example.com' }],
  ['name.givenName', { givenName: 'x' }],
  ['userName', ['a', 'b']],
]) {
  add('bad-patch-path', 'PATCH', `${SCIM}/Users/{user}`, patch([{ op: 'replace', path, value }]), err(400, 'invalidValue'));
}
for (const [path, value] of [
  ['displayName', { value: 'x' }],
  ['displayName', ['a', 'b']],
  ['members', [['x']]],
]) {
  add('bad-patch-path', 'PATCH', `${SCIM}/Groups/{group}`, patch([{ op: 'replace', path, value }]), err(400, 'invalidValue'));
}
// the read-only id, by every route to it
for (const resource of ['Users', 'Groups']) {
  const id = `${SCIM}/${resource}/{${resource === 'Users' ? 'user' : 'group'}}`;
  add('bad-patch-path', 'PATCH', id, patch([{ op: 'replace', path: 'id', value: 'hc-mallory' }]), err(400, 'mutability'));
  add('bad-patch-path', 'PATCH', id, patch([{ op: 'replace', value: { id: 'hc-mallory' } }]), err(400, 'mutability'));
  add('bad-patch-path', 'PATCH', id, patch([{ op: 'remove', path: 'id' }]), err(400, 'mutability'));
}

// --- hostile ids ------------------------------------------------------------------------------
// (already percent-encoded: they are put into the path as they are)
const HOSTILE_IDS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2E%2F%2E%2E',
  '..%2F..%2Fetc%2Fpasswd',
  '%2F',
  'a%2Fb',
  '%2Fetc%2Fpasswd',
  '%5C..%5C',
  '%00',
  'hcseed%00',
  '%00hcseed',
  '*',
  '%2A',
  '*)(uid=*',
  enc('*)(|(objectClass=*'),
  enc('uid=hcseed,ou=People,dc=example,dc=com'),
  enc('cn=admin,dc=example,dc=com'),
  enc('\\2a'),
  enc('a,b=c+d"e<f>g;h#i'),
  enc("' OR '1'='1"),
  enc("1' OR 1=1 --"),
  enc('1 OR 1=1'),
  enc('1; DROP TABLE Employees; --'),
  enc('/**/'),
  enc('1.0'),
  '01',
  enc('+1'),
  enc(' 1'),
  enc('1 '),
  '-1',
  '0x1',
  '1e0',
  enc('%'),
  enc('_'),
  enc('\u202Ehcseed'),
  enc('hcseed\u0301'),
  enc('\uFEFF'),
  enc('🙂'),
  enc('ｈｃｓｅｅｄ'),
  '%20',
  '%0D%0ASet-Cookie:%20x=y',
  enc('{"$ne": null}'),
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'hasOwnProperty',
];
for (const id of HOSTILE_IDS) {
  for (const resource of ['Users', 'Groups']) {
    const path = `${SCIM}/${resource}/${id}`;
    add('hostile-id', 'GET', path, undefined, err(404, null));
    add('hostile-id', 'DELETE', path, undefined, err(404, null));
    add('hostile-id', 'PATCH', path, patch([{ op: 'replace', path: resource === 'Users' ? 'name.givenName' : 'displayName', value: 'hc-{seq}' }]), err(404, null));
    add('hostile-id', 'PUT', path, resource === 'Users' ? user() : group(), err(404, null));
  }
}
// ids that are no valid URL component: 400
for (const id of ['%', '%zz', '%E0%A4%A', 'a%', '%ED%A0%80', '%C0%AF', '%FF%FE']) {
  add('hostile-id', 'GET', `${SCIM}/Users/${id}`, undefined, err(400));
  add('hostile-id', 'DELETE', `${SCIM}/Groups/${id}`, undefined, err(400));
}

// --- query strings ------------------------------------------------------------------------------
const BAD_QUERIES = [
  ['count=ten', 400, 'invalidValue'],
  ['count=-1', 200],
  ['count=1.5', 400, 'invalidValue'],
  ['count=1e3', 400, 'invalidValue'],
  ['count=', 200],
  ['count=0x10', 400, 'invalidValue'],
  ['startIndex=abc', 400, 'invalidValue'],
  ['startIndex=0', 200],
  ['startIndex=-5', 200],
  ['startIndex=1;DROP', 400, 'invalidValue'],
  ['count=1&count=2', 200],
  ['filter=displayName%20eq%20%22a%22&filter=displayName%20eq%20%22b%22', 200],
  ['count[]=1', 200],
  ['filter[]=x', 200],
  ['filter[userName]=x', 200],
  ['attributes=*', 200],
  ['attributes=..', 200],
  ['attributes=%00', 200],
  ['excludedAttributes=id', 200],
  ['sortBy=%27;DROP%20TABLE', 200],
  ['sortOrder=sideways', 200],
  ['__proto__[x]=1', 200],
  ['constructor[prototype][x]=1', 200],
  ['%00=%00', 200],
  ['%zz=1', 200],
  ['filter=%zz', 400, 'invalidFilter'],
  ['&&&=&', 200],
];
for (const resource of ['Users', 'Groups']) {
  for (const [query, status, scimType] of BAD_QUERIES) add('query', 'GET', `${SCIM}/${resource}?${query}`, status === 200 ? { status } : err(status, scimType));
}

// --- missing and wrong content types ----------------------------------------------------------
const CONTENT_TYPES = [
  null,
  '',
  'text/plain',
  'text/html',
  'text/json',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/jsonp',
  'application/json-patch+json',
  'application/scim+json+evil',
  'application/scim',
  'json',
  '*/*',
  'application/*',
  ';',
  'application/json\u0000',
];
for (const route of WRITE_ROUTES) {
  const valid = route.method === 'PATCH' ? patch([{ op: 'replace', path: 'name.givenName', value: 'hc-{seq}' }]) : route.path.includes('Users') ? user() : group();
  for (const contentType of CONTENT_TYPES) {
    if (contentType?.includes('\u0000')) continue; // not sendable: the HTTP client refuses it
    // no Content-Type at all is read as JSON (RFC 9110 §8.3; scim-body-parser.ts): broken JSON is 400 then
    if (contentType === null) add('content-type', route.method, route.path, '{"userName": ', err(400, 'invalidSyntax'), { contentType });
    else add('content-type', route.method, route.path, valid, err(415), { contentType });
  }
  // declared JSON but not JSON
  add('content-type', route.method, route.path, 'userName=eve', err(400, 'invalidSyntax'), { contentType: 'application/json' });
  add('content-type', route.method, route.path, '<User/>', err(400, 'invalidSyntax'), { contentType: 'application/scim+json; charset=utf-8' });
}

// --- methods a route does not take, and routes that do not exist -------------------------------
const ROUTES = [
  { path: `${SCIM}/Users`, allowed: ['GET', 'POST'] },
  { path: `${SCIM}/Groups`, allowed: ['GET', 'POST'] },
  { path: `${SCIM}/Users/{user}`, allowed: ['GET', 'PUT', 'PATCH', 'DELETE'] },
  { path: `${SCIM}/Groups/{group}`, allowed: ['GET', 'PUT', 'PATCH', 'DELETE'] },
  { path: `${SCIM}/Schemas`, allowed: ['GET'], readOnly: true },
  { path: `${SCIM}/Schemas/${enc(USER_URN)}`, allowed: ['GET'], readOnly: true },
  { path: `${SCIM}/ResourceTypes`, allowed: ['GET'], readOnly: true },
  { path: `${SCIM}/ResourceTypes/User`, allowed: ['GET'], readOnly: true },
  { path: `${SCIM}/ServiceProviderConfig`, allowed: ['GET'], readOnly: true },
  { path: '/{tenant}/cache', allowed: ['GET'] },
  { path: '/{tenant}/log', allowed: ['GET'] },
];
for (const route of ROUTES) {
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
    if (route.allowed.includes(method)) continue;
    const body = method === 'POST' || method === 'PUT' ? user() : method === 'PATCH' ? patch([{ op: 'replace', path: 'name.givenName', value: 'x' }]) : undefined;
    add('method', method, route.path, body, err(405));
  }
}
for (const method of ['POST', 'PUT', 'DELETE']) {
  add('method', method, '/healthz', undefined, err(405));
  add('method', method, '/readyz', undefined, err(405));
}
const UNKNOWN_ROUTES = [
  `${SCIM}/Widgets`,
  `${SCIM}/Bulk`,
  `${SCIM}/Me`,
  `${SCIM}/.search`,
  `${SCIM}/Users/.search`,
  `${SCIM}/Users/{user}/manager`,
  `${SCIM}/Users/{user}/{user}`,
  `${SCIM}/Groups/{group}/members`,
  `${SCIM}/v2/Users`,
  `${SCIM}/Schemas/${enc(USER_URN)}/attributes`,
  '/{tenant}/scim',
  '/{tenant}',
  '/{tenant}/',
  '/{tenant}/cache/x',
  '/{tenant}/log/x',
  '/{tenant}/Users',
  '/',
  '/scim/Users',
  '/scim/v2/Users',
  '/ecma2host_/scim/Users',
  '/ecma2host_de-mo/scim/Users',
  '/ecma2host_%00/scim/Users',
  '/ecma2host_..%2F/scim/Users',
  '/..%2F..%2Fetc%2Fpasswd',
  '/metrics',
  '/favicon.ico',
  '/.env',
  '/%2e%2e/%2e%2e/etc/passwd',
];
/** The server's route patterns and their methods: a path one of them has answers 405 for another method. */
const PATTERNS = [
  ['/:tenant/scim/:resource', ['GET', 'POST']],
  ['/:tenant/scim/:resource/:id', ['GET', 'PUT', 'PATCH', 'DELETE']],
  ['/:tenant/cache', ['GET']],
  ['/:tenant/log', ['GET']],
  ['/healthz', ['GET']],
  ['/readyz', ['GET']],
];
function routeTakes(path, method) {
  const segments = path.split('?')[0].replace(/\/+$/, '').split('/');
  const matching = PATTERNS.filter(([pattern]) => {
    const parts = pattern.split('/');
    return parts.length === segments.length && parts.every((part, i) => (part.startsWith(':') ? segments[i] !== '' : part === segments[i]));
  });
  return matching.length === 0 ? 'none' : matching.some(([, methods]) => methods.includes(method)) ? 'yes' : 'no';
}
for (const path of UNKNOWN_ROUTES) {
  for (const method of ['GET', 'POST', 'DELETE']) {
    add('unknown-route', method, path, method === 'POST' ? user() : undefined, routeTakes(path.replaceAll('{tenant}', 'ecma2host_x').replaceAll('{user}', 'u').replaceAll('{group}', 'g'), method) === 'no' ? err(405) : err(404, null));
  }
}

// --- Unicode edge cases in values ----------------------------------------------------------------
// NUL and lone surrogates cannot be stored by LDAP or PostgreSQL, nor round-trip through UTF-8: refused.
const UNSTORABLE = ['\u0000', 'hc\u0000seed', 'hc\ud800', '\udc00hc', 'hc\ud83d', 'x\ud800\ud800'];
for (const value of UNSTORABLE) {
  for (const path of USER_STRINGS) {
    add('unicode', 'POST', `${SCIM}/Users`, userWith(path, path === 'userName' ? value : value), err(400, 'invalidValue'));
    add('unicode', 'PATCH', `${SCIM}/Users/{user}`, patch([{ op: 'replace', path, value }]), err(400, 'invalidValue'));
  }
  add('unicode', 'POST', `${SCIM}/Groups`, group({ displayName: value }), err(400, 'invalidValue'));
  add('unicode', 'PATCH', `${SCIM}/Groups/{group}`, patch([{ op: 'replace', path: 'displayName', value }]), err(400, 'invalidValue'));
  add('unicode', 'PATCH', `${SCIM}/Groups/{group}`, patch([{ op: 'add', path: 'members', value: [{ value }] }]), err(400, 'invalidValue'));
}
// in attribute names (body keys): an unknown name is ignored, so the create lacks its name
for (const key of ['userNam\u0435', 'ｕｓｅｒＮａｍｅ', 'user\u0000Name', 'userName\u200B', '\u202EemaNresu', 'userName\ud800']) {
  add('unicode', 'POST', `${SCIM}/Users`, { schemas: [USER_URN], [key]: 'hc-{seq}' }, err(400, 'invalidValue'));
}
for (const key of ['displayNam\u0435', 'display\u0000Name', 'ｄｉｓｐｌａｙＮａｍｅ']) {
  add('unicode', 'POST', `${SCIM}/Groups`, { schemas: [GROUP_URN], [key]: 'hc-{seq}' }, err(400, 'invalidValue'));
}

// --- positive cases: injection strings that reach a target are stored and matched literally ------
const POSITIVE_NAMES = [
  "o'brien\"; DROP TABLE Employees; --",
  "x' OR '1'='1",
  'robert); DELETE FROM Users WHERE (1=1',
  '/* comment */ -- dash',
  '*)(uid=*',
  ')(|(objectClass=*',
  '\\2a\\00',
  'a,b=c+d"e<f>g;h#i',
  ' #leading-hash',
  '%_[]^',
  '\u202Ertl-override',
  'e\u0301\u0301combining',
  '🙂 emoji',
];
for (const value of POSITIVE_NAMES) {
  add('positive', 'POST', `${SCIM}/Users`, { schemas: [USER_URN], userName: value, name: { givenName: value, familyName: "Sm'th*)(" } }, { status: 201 }, { positive: { resource: 'Users', name: value } });
}
for (const value of POSITIVE_NAMES.slice(0, 8)) {
  add('positive', 'POST', `${SCIM}/Groups`, { schemas: [GROUP_URN], displayName: `g ${value}` }, { status: 201 }, { positive: { resource: 'Groups', name: `g ${value}` } });
}

const here = dirname(fileURLToPath(import.meta.url));
const file = join(here, 'corpus.json');
const text = `${JSON.stringify({ generatedBy: 'test/hostile-corpus/generate.mjs', size: entries.length, entries }, null, 0).replace(/\},\{"n"/g, '},\n{"n"')}\n`;
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // missing: reported below
  }
  if (committed !== text) {
    console.error('test/hostile-corpus/corpus.json is not what generate.mjs makes: run `node test/hostile-corpus/generate.mjs` and commit it');
    process.exit(1);
  }
  console.log(`corpus.json is current (${entries.length} requests)`);
} else {
  writeFileSync(file, text);
  const counts = {};
  for (const entry of entries) counts[entry.category] = (counts[entry.category] ?? 0) + 1;
  console.log(`wrote ${file}: ${entries.length} requests`, counts);
}
