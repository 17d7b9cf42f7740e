/**
 * Lua scripts: each change to the connector space is one atomic step, so an export commit and an
 * import generation swap can never interleave half-way.
 */

/**
 * Lua: the index members of a stored object, from the index-entries hash; objects written before
 * that hash existed carry them inside their JSON (decoded only then). nil when there is no object.
 */
const INDEX_ENTRIES_OF = `
local function indexEntriesOf(objectsKey, entriesKey, anchor)
  local entries = redis.call('HGET', entriesKey, anchor)
  if entries then return cjson.decode(entries) end
  local old = redis.call('HGET', objectsKey, anchor)
  if not old then return nil end
  local o = cjson.decode(old)
  return o.ix or {}
end
`;

/**
 * Writes (or deletes) one object after an export.
 * KEYS[1] objects, KEYS[2] exports, KEYS[3] meta, KEYS[4] index entries, KEYS[5..] index keys
 * (in `ARGV[4]` order)
 * ARGV[1] old anchor ('' if none), ARGV[2] new object JSON ('' to delete), ARGV[3] now (ms),
 * ARGV[4] JSON array of lower-cased index attribute names, parallel to KEYS[5..],
 * ARGV[5] the new object's anchor, ARGV[6] its index members JSON ({ attribute: [member] })
 */
export const COMMIT_EXPORT = `
local attrs = cjson.decode(ARGV[4])
${INDEX_ENTRIES_OF}
local function unindex(anchor)
  local ix = indexEntriesOf(KEYS[1], KEYS[4], anchor)
  if ix then
    for i, a in ipairs(attrs) do
      local members = ix[a]
      if members and type(members) == 'table' then
        for _, m in ipairs(members) do redis.call('ZREM', KEYS[4 + i], m) end
      end
    end
    redis.call('HDEL', KEYS[1], anchor)
    redis.call('HDEL', KEYS[4], anchor)
  end
end
if ARGV[1] ~= '' then
  unindex(ARGV[1])
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
end
if ARGV[2] ~= '' then
  local anchor = ARGV[5]
  unindex(anchor)
  redis.call('HSET', KEYS[1], anchor, ARGV[2])
  redis.call('HSET', KEYS[4], anchor, ARGV[6])
  local ix = cjson.decode(ARGV[6])
  for i, a in ipairs(attrs) do
    local members = ix[a]
    if members and type(members) == 'table' then
      for _, m in ipairs(members) do redis.call('ZADD', KEYS[4 + i], 0, m) end
    end
  end
  redis.call('ZADD', KEYS[2], ARGV[3], anchor)
end
redis.call('HSET', KEYS[3], 'lastSuccessfulExport', ARGV[3], 'lastSuccessfulCacheChange', ARGV[3])
return 1
`;

/**
 * Swaps a fully imported generation in. Objects exported since the import started keep their
 * exported version (or stay deleted): an import never overwrites a newer export.
 * KEYS[1] live objects, KEYS[2] staging objects, KEYS[3] exports, KEYS[4] meta,
 * KEYS[5..4+n] live index keys, KEYS[5+n..4+2n] staging index keys,
 * KEYS[5+2n] live index entries, KEYS[6+2n] staging index entries
 * ARGV[1] import start (ms), ARGV[2] now (ms), ARGV[3] JSON array of index attribute names (n)
 */
export const SWAP_GENERATION = `
local attrs = cjson.decode(ARGV[3])
local n = #attrs
local liveEntries = KEYS[5 + 2 * n]
local stagingEntries = KEYS[6 + 2 * n]
${INDEX_ENTRIES_OF}
local function reindex(ix, fromOffset, cmd)
  for i, a in ipairs(attrs) do
    local members = ix[a]
    if members and type(members) == 'table' then
      for _, m in ipairs(members) do
        if cmd == 'ZADD' then redis.call('ZADD', KEYS[fromOffset + i], 0, m) else redis.call('ZREM', KEYS[fromOffset + i], m) end
      end
    end
  end
end
local recent = redis.call('ZRANGEBYSCORE', KEYS[3], ARGV[1], '+inf')
for _, anchor in ipairs(recent) do
  local staged = indexEntriesOf(KEYS[2], stagingEntries, anchor)
  if staged then
    reindex(staged, 4 + n, 'ZREM')
    redis.call('HDEL', KEYS[2], anchor)
    redis.call('HDEL', stagingEntries, anchor)
  end
  local live = redis.call('HGET', KEYS[1], anchor)
  if live then
    local ix = indexEntriesOf(KEYS[1], liveEntries, anchor)
    redis.call('HSET', KEYS[2], anchor, live)
    redis.call('HSET', stagingEntries, anchor, cjson.encode(ix))
    reindex(ix, 4 + n, 'ZADD')
  end
end
local count = redis.call('HLEN', KEYS[2])
if count > 0 then
  redis.call('RENAME', KEYS[2], KEYS[1])
  redis.call('PERSIST', KEYS[1])
else
  redis.call('DEL', KEYS[1])
end
if redis.call('EXISTS', stagingEntries) == 1 then
  redis.call('RENAME', stagingEntries, liveEntries)
  redis.call('PERSIST', liveEntries)
else
  redis.call('DEL', liveEntries)
end
for i = 1, n do
  if redis.call('EXISTS', KEYS[4 + n + i]) == 1 then
    redis.call('RENAME', KEYS[4 + n + i], KEYS[4 + i])
    redis.call('PERSIST', KEYS[4 + i])
  else
    redis.call('DEL', KEYS[4 + i])
  end
end
-- exports older than the import are now reflected by the target data itself
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[1])
redis.call('HSET', KEYS[4], 'lastSuccessfulImport', ARGV[2], 'lastSuccessfulCacheChange', ARGV[2])
return count
`;

/**
 * Applies delta-import changes, skipping objects exported after the page was read.
 * KEYS[1] objects, KEYS[2] exports, KEYS[3] meta, KEYS[4] index entries, KEYS[5..] index keys
 * ARGV[1] page read time (ms), ARGV[2] now, ARGV[3] index attribute names JSON,
 * ARGV[4] JSON array of { anchor, object?, ix? } (object JSON string and its index members JSON
 * string; absent = delete)
 */
export const APPLY_DELTA = `
local attrs = cjson.decode(ARGV[3])
local changes = cjson.decode(ARGV[4])
local applied = 0
${INDEX_ENTRIES_OF}
local function setIndex(ix, cmd)
  for i, a in ipairs(attrs) do
    local members = ix[a]
    if members and type(members) == 'table' then
      for _, m in ipairs(members) do
        if cmd == 'ZADD' then redis.call('ZADD', KEYS[4 + i], 0, m) else redis.call('ZREM', KEYS[4 + i], m) end
      end
    end
  end
end
for _, c in ipairs(changes) do
  local exportedAt = redis.call('ZSCORE', KEYS[2], c.anchor)
  if not exportedAt or tonumber(exportedAt) < tonumber(ARGV[1]) then
    local old = indexEntriesOf(KEYS[1], KEYS[4], c.anchor)
    if old then
      setIndex(old, 'ZREM')
      redis.call('HDEL', KEYS[1], c.anchor)
      redis.call('HDEL', KEYS[4], c.anchor)
    end
    if c.object then
      redis.call('HSET', KEYS[1], c.anchor, c.object)
      redis.call('HSET', KEYS[4], c.anchor, c.ix)
      setIndex(cjson.decode(c.ix), 'ZADD')
    end
    applied = applied + 1
  end
end
redis.call('HSET', KEYS[3], 'lastSuccessfulImport', ARGV[2], 'lastSuccessfulCacheChange', ARGV[2])
return applied
`;

/**
 * Hands out the next number of [from, to] that no object in the connector space holds: INCR on the
 * counter is atomic, so concurrent export workers (any process, any replica) never get the same
 * number; a number already held (seen by an import, or written by Entra) is skipped through the
 * attribute's index; past `to` the counter wraps to `from`. -1 when every number is held.
 * KEYS: counter, index of the attribute. ARGV: from, to.
 */
export const ALLOCATE_NUMBER = `
local from = tonumber(ARGV[1])
local to = tonumber(ARGV[2])
for i = 1, to - from + 1 do
  local n = redis.call('INCR', KEYS[1])
  if n < from or n > to then
    n = from
    redis.call('SET', KEYS[1], n)
  end
  local v = tostring(n)
  local held = redis.call('ZRANGEBYLEX', KEYS[2], '[' .. v .. '\\0', '(' .. v .. '\\1', 'LIMIT', 0, 1)
  if #held == 0 then return n end
end
return -1
`;

/**
 * The objects whose indexed attribute falls in [min, max]: index lookup and fetch in one round trip.
 * KEYS[1] index, KEYS[2] objects; ARGV min, max, limit. Returns object JSON strings (nil if gone).
 */
export const FIND_BY_INDEX = `
local members = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
if #members == 0 then return {} end
local anchors = {}
for i, member in ipairs(members) do
  local sep = string.find(member, '\\0', 1, true)
  anchors[i] = string.sub(member, sep + 1)
end
return redis.call('HMGET', KEYS[2], unpack(anchors))
`;

/**
 * Compare-and-set of one stored object: writes ARGV[3] only when the object is still exactly
 * ARGV[2] (nobody committed it in between). KEYS[1] objects; ARGV[1] anchor. Returns 1 when written.
 */
export const REPLACE_IF_UNCHANGED = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end
return 0
`;
