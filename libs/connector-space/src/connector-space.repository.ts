import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { TargetObject, TargetSchema } from '@connector-host/connector-sdk';
import { ConnectorSpaceKeys } from './keys';
import { ALLOCATE_NUMBER, APPLY_DELTA, COMMIT_EXPORT, FIND_BY_INDEX, SWAP_GENERATION } from './scripts';
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

  async count(objectType: string): Promise<number> {
    return this.redis.hlen(this.keys.objects(objectType));
  }

  /**
   * Records the result of an export: `object` null deletes, `previousAnchor` set when the anchor
   * changed (rename) or for a delete.
   */
  async commitExport(objectType: string, previousAnchor: string | null, object: TargetObject | null, now = Date.now()): Promise<void> {
    const indexes = this.indexes(objectType);
    const stored = object ? JSON.stringify(toStored(object, indexes, 'export', now)) : '';
    await this.script(
      COMMIT_EXPORT,
      [this.keys.objects(objectType), this.keys.exports(objectType), this.keys.meta(), ...indexes.map((spec) => this.keys.index(objectType, spec.attribute))],
      [previousAnchor ?? '', stored, String(now), JSON.stringify(indexes.map((spec) => spec.attribute.toLowerCase()))],
    );
  }

  /** Writes one page of a full import into a staging generation. */
  async stageImportPage(objectType: string, generation: string, objects: TargetObject[], now = Date.now()): Promise<void> {
    if (objects.length === 0) return;
    const indexes = this.indexes(objectType);
    const pipeline = this.redis.multi();
    const hash: Record<string, string> = {};
    // one ZADD per index and page (score, member, score, member, …), not one per object
    const scored = indexes.map(() => [] as Array<string | number>);
    for (const object of objects) {
      const stored = toStored(object, indexes, 'import', now);
      hash[object.anchor] = JSON.stringify(stored);
      indexes.forEach((spec, i) => {
        for (const member of stored.ix[spec.attribute.toLowerCase()]) scored[i].push(0, member);
      });
    }
    indexes.forEach((spec, i) => {
      if (scored[i].length) pipeline.zadd(this.keys.stagingIndex(objectType, generation, spec.attribute), ...scored[i]);
    });
    pipeline.hset(this.keys.staging(objectType, generation), hash);
    // a crashed import leaves no garbage behind for long
    pipeline.expire(this.keys.staging(objectType, generation), 86400);
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
    const payload = changes.map((change) => ({
      anchor: change.anchor,
      ...(change.object ? { object: JSON.stringify(toStored(change.object, indexes, 'import', now)) } : {}),
    }));
    const result = await this.script(
      APPLY_DELTA,
      [this.keys.objects(objectType), this.keys.exports(objectType), this.keys.meta(), ...indexes.map((spec) => this.keys.index(objectType, spec.attribute))],
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
