import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { attributeKey, type TargetObject, type TargetSchema } from '@connector-host/connector-sdk';
import { ConnectorSpaceKeys } from './keys';
import { ALLOCATE_NUMBER, APPLY_DELTA, COMMIT_EXPORT, FIND_BY_INDEX, REPLACE_IF_UNCHANGED, SWAP_GENERATION } from './scripts';
import {
  anchorOfMember,
  equalityRange,
  type IndexSpec,
  prefixRange,
  type StoredObject,
  toStored,
} from './stored-object';

export interface ConnectorSpaceTimestamps {
  lastSuccessfulImport?: Date;
  lastSuccessfulExport?: Date;
  lastSuccessfulCacheChange?: Date;
}

export interface ObjectTypeIndexes {
  objectType: string;
  indexes: IndexSpec[];
}

/**
 * The connector space of one connector: the cache of its target objects, with lexicographic
 * indexes on the query attributes. All writes go through Lua scripts (atomic per call).
 */
export class ConnectorSpace {
  readonly keys: ConnectorSpaceKeys;
  private readonly indexesByType = new Map<string, IndexSpec[]>();

  constructor(
    private readonly redis: Redis,
    prefix: string,
    readonly connector: string,
    objectTypes: ObjectTypeIndexes[],
  ) {
    this.keys = new ConnectorSpaceKeys(prefix, connector);
    for (const type of objectTypes) this.indexesByType.set(type.objectType, dedupe(type.indexes));
  }

  indexes(objectType: string): IndexSpec[] {
    return this.indexesByType.get(objectType) ?? [];
  }

  isIndexed(objectType: string, attribute: string): IndexSpec | undefined {
    return this.indexes(objectType).find((spec) => spec.attribute.toLowerCase() === attribute.toLowerCase());
  }

  async get(objectType: string, anchor: string): Promise<StoredObject | null> {
    const json = await this.redis.hget(this.keys.objects(objectType), anchor);
    return json ? (JSON.parse(json) as StoredObject) : null;
  }

  async getMany(objectType: string, anchors: string[]): Promise<StoredObject[]> {
    if (anchors.length === 0) return [];
    const values = await this.redis.hmget(this.keys.objects(objectType), ...anchors);
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as StoredObject);
  }

  /**
   * The next free number of [from, to] for `attribute` (which must be indexed): atomic across
   * processes, skipping numbers an object already holds. Null when the range is exhausted.
   */
  async allocateNumber(objectType: string, attribute: string, from: number, to: number): Promise<number | null> {
    if (!this.isIndexed(objectType, attribute)) throw new Error(`attribute ${attribute} of ${objectType} is not indexed`);
    const n = Number(
      await this.script(ALLOCATE_NUMBER, [this.keys.allocator(objectType, attribute), this.keys.index(objectType, attribute)], [String(from), String(to)]),
    );
    return n < 0 ? null : n;
  }

  /** Anchors whose indexed attribute equals `value` (case-insensitively unless caseExact). */
  async findAnchors(objectType: string, attribute: string, value: unknown, limit = 1000): Promise<string[]> {
    const spec = this.isIndexed(objectType, attribute);
    if (!spec) throw new Error(`attribute ${attribute} of ${objectType} is not indexed`);
    const [min, max] = equalityRange(value, spec.caseExact);
    const members = await this.redis.zrangebylex(this.keys.index(objectType, attribute), min, max, 'LIMIT', 0, limit);
    return members.map(anchorOfMember);
  }

  /** The first anchor holding each value (undefined where none), in one pipelined round trip. */
  async findFirstAnchors(objectType: string, attribute: string, values: readonly unknown[]): Promise<Array<string | undefined>> {
    const spec = this.isIndexed(objectType, attribute);
    if (!spec) throw new Error(`attribute ${attribute} of ${objectType} is not indexed`);
    if (values.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const value of values) {
      const [min, max] = equalityRange(value, spec.caseExact);
      pipeline.zrangebylex(this.keys.index(objectType, attribute), min, max, 'LIMIT', 0, 1);
    }
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, members]) => {
      if (error) throw error;
      const [first] = members as string[];
      return first === undefined ? undefined : anchorOfMember(first);
    });
  }

  /** Objects whose indexed attribute equals `value`: lookup and fetch in one round trip. */
  async findObjects(objectType: string, attribute: string, value: unknown, limit = 1000): Promise<StoredObject[]> {
    const spec = this.isIndexed(objectType, attribute);
    if (!spec) throw new Error(`attribute ${attribute} of ${objectType} is not indexed`);
    const [min, max] = equalityRange(value, spec.caseExact);
    const found = (await this.script(FIND_BY_INDEX, [this.keys.index(objectType, attribute), this.keys.objects(objectType)], [min, max, String(limit)])) as Array<string | null>;
    return found.filter((json): json is string => json !== null).map((json) => JSON.parse(json) as StoredObject);
  }

  /** Anchors whose indexed attribute starts with `prefix`. */
  async findAnchorsByPrefix(objectType: string, attribute: string, prefix: unknown, limit = 1000): Promise<string[]> {
    const spec = this.isIndexed(objectType, attribute);
    if (!spec) throw new Error(`attribute ${attribute} of ${objectType} is not indexed`);
    const [min, max] = prefixRange(prefix, spec.caseExact);
    const members = await this.redis.zrangebylex(this.keys.index(objectType, attribute), min, max, 'LIMIT', 0, limit);
    return members.map(anchorOfMember);
  }

  /** Streams every object of a type in batches (HSCAN: no blocking of Redis on large spaces). */
  async *scan(objectType: string, batch = 500): AsyncIterable<StoredObject[]> {
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.keys.objects(objectType), cursor, 'COUNT', batch);
      cursor = next;
      const objects: StoredObject[] = [];
      for (let i = 1; i < flat.length; i += 2) objects.push(JSON.parse(flat[i]) as StoredObject);
      if (objects.length) yield objects;
    } while (cursor !== '0');
  }

  /**
   * Removes `value` from `attribute` of every cached object of `objectType` that holds it: a
   * deleted user leaves the cached groups it was a member of, and the users it managed. The
   * target did the same (foreign keys, referential integrity) or an import will. A scan with a
   * text pre-check (no JSON parse of objects that cannot hold it), then a compare-and-set per
   * object, so a commit that lands in between is never overwritten: that object is read again.
   * Returns the number of objects changed.
   */
  async removeReferenceValue(objectType: string, attribute: string, value: string): Promise<number> {
    const needle = JSON.stringify(value);
    let changed = 0;
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.keys.objects(objectType), cursor, 'COUNT', 500);
      cursor = next;
      for (let i = 0; i < flat.length; i += 2) {
        let json: string | null = flat[i + 1];
        for (let attempt = 0; json !== null && json.includes(needle) && attempt < 10; attempt++) {
          const stored = JSON.parse(json) as StoredObject;
          const key = attributeKey(stored.attributes, attribute);
          if (!key || !stored.attributes[key].some((v) => String(v) === value)) break;
          const remaining = stored.attributes[key].filter((v) => String(v) !== value);
          if (remaining.length) stored.attributes[key] = remaining;
          else delete stored.attributes[key];
          if (Number(await this.script(REPLACE_IF_UNCHANGED, [this.keys.objects(objectType)], [flat[i], json, JSON.stringify(stored)])) === 1) {
            changed++;
            break;
          }
          json = await this.redis.hget(this.keys.objects(objectType), flat[i]);
        }
      }
    } while (cursor !== '0');
    return changed;
  }

  async count(objectType: string): Promise<number> {
    return this.redis.hlen(this.keys.objects(objectType));
  }

  /**
   * Records the result of an export: `object` null deletes, `previousAnchor` set when the anchor
   * changed (rename) or for a delete.
   */
  async commitExport(objectType: string, previousAnchor: string | null, object: TargetObject | null, now = Date.now()): Promise<void> {
    const indexes = this.indexes(objectType);
    const stored = object ? toStored(object, indexes, 'export', now) : undefined;
    await this.script(
      COMMIT_EXPORT,
      [
        this.keys.objects(objectType),
        this.keys.exports(objectType),
        this.keys.meta(),
        this.keys.indexEntries(objectType),
        ...indexes.map((spec) => this.keys.index(objectType, spec.attribute)),
      ],
      [
        previousAnchor ?? '',
        stored ? JSON.stringify(stored.object) : '',
        String(now),
        JSON.stringify(indexes.map((spec) => spec.attribute.toLowerCase())),
        stored?.object.anchor ?? '',
        stored ? JSON.stringify(stored.ix) : '',
      ],
    );
  }

  /** Writes one page of a full import into a staging generation. */
  async stageImportPage(objectType: string, generation: string, objects: TargetObject[], now = Date.now()): Promise<void> {
    if (objects.length === 0) return;
    const indexes = this.indexes(objectType);
    const pipeline = this.redis.multi();
    const hash: Record<string, string> = {};
    const entries: Record<string, string> = {};
    // one ZADD per index and page (score, member, score, member, …), not one per object
    const scored = indexes.map(() => [] as Array<string | number>);
    for (const object of objects) {
      const stored = toStored(object, indexes, 'import', now);
      hash[object.anchor] = JSON.stringify(stored.object);
      entries[object.anchor] = JSON.stringify(stored.ix);
      indexes.forEach((spec, i) => {
        for (const member of stored.ix[spec.attribute.toLowerCase()]) scored[i].push(0, member);
      });
    }
    indexes.forEach((spec, i) => {
      if (scored[i].length) pipeline.zadd(this.keys.stagingIndex(objectType, generation, spec.attribute), ...scored[i]);
    });
    pipeline.hset(this.keys.staging(objectType, generation), hash);
    pipeline.hset(this.keys.stagingIndexEntries(objectType, generation), entries);
    // a crashed import leaves no garbage behind for long
    pipeline.expire(this.keys.staging(objectType, generation), 86400);
    pipeline.expire(this.keys.stagingIndexEntries(objectType, generation), 86400);
    for (const spec of indexes) pipeline.expire(this.keys.stagingIndex(objectType, generation, spec.attribute), 86400);
    await pipeline.exec();
  }

  /** Swaps a staged generation in; returns the number of objects now in the connector space. */
  async swapGeneration(objectType: string, generation: string, importStartedAt: number, now = Date.now()): Promise<number> {
    const indexes = this.indexes(objectType);
    const result = await this.script(
      SWAP_GENERATION,
      [
        this.keys.objects(objectType),
        this.keys.staging(objectType, generation),
        this.keys.exports(objectType),
        this.keys.meta(),
        ...indexes.map((spec) => this.keys.index(objectType, spec.attribute)),
        ...indexes.map((spec) => this.keys.stagingIndex(objectType, generation, spec.attribute)),
        this.keys.indexEntries(objectType),
        this.keys.stagingIndexEntries(objectType, generation),
      ],
      [String(importStartedAt), String(now), JSON.stringify(indexes.map((spec) => spec.attribute.toLowerCase()))],
    );
    return Number(result);
  }

  /** Applies delta-import changes read at `readAt`, never over a newer export. Returns how many applied. */
  async applyDelta(
    objectType: string,
    changes: Array<{ anchor: string; object: TargetObject | null }>,
    readAt: number,
    now = Date.now(),
  ): Promise<number> {
    const indexes = this.indexes(objectType);
    const payload = changes.map((change) => {
      if (!change.object) return { anchor: change.anchor };
      const stored = toStored(change.object, indexes, 'import', now);
      return { anchor: change.anchor, object: JSON.stringify(stored.object), ix: JSON.stringify(stored.ix) };
    });
    const result = await this.script(
      APPLY_DELTA,
      [
        this.keys.objects(objectType),
        this.keys.exports(objectType),
        this.keys.meta(),
        this.keys.indexEntries(objectType),
        ...indexes.map((spec) => this.keys.index(objectType, spec.attribute)),
      ],
      [String(readAt), String(now), JSON.stringify(indexes.map((spec) => spec.attribute.toLowerCase())), JSON.stringify(payload)],
    );
    return Number(result);
  }

  /**
   * Runs a Lua script by its SHA1 (EVALSHA), loading it on first use: the script body is not
   * resent and re-hashed by Redis on every call.
   */
  private async script(body: string, keys: string[], args: string[]): Promise<unknown> {
    let sha = SCRIPT_SHA.get(body);
    if (!sha) {
      sha = createHash('sha1').update(body).digest('hex');
      SCRIPT_SHA.set(body, sha);
    }
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return this.redis.eval(body, keys.length, ...keys, ...args);
    }
  }

  async timestamps(): Promise<ConnectorSpaceTimestamps> {
    const [imp, exp, change] = await this.redis.hmget(
      this.keys.meta(),
      'lastSuccessfulImport',
      'lastSuccessfulExport',
      'lastSuccessfulCacheChange',
    );
    const toDate = (v: string | null) => (v ? new Date(Number(v)) : undefined);
    return { lastSuccessfulImport: toDate(imp), lastSuccessfulExport: toDate(exp), lastSuccessfulCacheChange: toDate(change) };
  }

  async getWatermark(objectType: string): Promise<string | null> {
    return this.redis.hget(this.keys.meta(), `watermark:${objectType}`);
  }

  async setWatermark(objectType: string, watermark: string): Promise<void> {
    await this.redis.hset(this.keys.meta(), `watermark:${objectType}`, watermark);
  }

  /** The target schema as last discovered, shared by every replica of every service. */
  async getSchema(): Promise<TargetSchema | null> {
    const json = await this.redis.hget(this.keys.meta(), 'schema');
    return json ? (JSON.parse(json) as TargetSchema) : null;
  }

  async setSchema(schema: TargetSchema): Promise<void> {
    await this.redis.hset(this.keys.meta(), 'schema', JSON.stringify(schema));
  }
}

const SCRIPT_SHA = new Map<string, string>();

function dedupe(indexes: IndexSpec[]): IndexSpec[] {
  const seen = new Map<string, IndexSpec>();
  for (const spec of indexes) seen.set(spec.attribute.toLowerCase(), spec);
  return [...seen.values()];
}
