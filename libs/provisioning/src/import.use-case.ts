import { randomUUID } from 'node:crypto';
import type { Connector, TargetObject, TargetSchema } from '@connector-host/connector-sdk';
import type { CacheJobs, ImportJobs } from '@connector-host/queue';
import type { ConnectorCatalog } from './connector-catalog';
import { ImportedDirectory, ReferenceTranslator, referencesToSpace, type Reference } from './references';

/** Where import pages go: the cache service's queue (or, in a test, straight to the cache use case). */
export interface CachePort {
  send<N extends keyof CacheJobs>(name: N, data: CacheJobs[N]): Promise<void>;
}

export interface ImportSummary {
  connector: string;
  kind: 'full' | 'delta';
  objects: number;
  pages: number;
  /** Object types not read: the target cannot serve them as configured (TargetSchema.unavailable). */
  skipped?: string[];
}

function unavailableOf(schema: TargetSchema): Set<string> {
  return new Set((schema.unavailable ?? []).map((u) => u.objectType));
}

function skipped(unavailable: Set<string>): Pick<ImportSummary, 'skipped'> {
  return unavailable.size ? { skipped: [...unavailable] } : {};
}

/**
 * Reads the target (full import, or delta from the stored watermark) and streams pages to the
 * cache, which swaps a full import in as a new generation. The schema is rediscovered first.
 */
export class ImportUseCase {
  constructor(
    private readonly catalog: ConnectorCatalog,
    private readonly connectorOf: (name: string) => Connector,
    private readonly cache: CachePort,
  ) {}

  /** Discovers the target's schema and shares it with every replica; answers the object types it cannot serve. */
  async discover(name: string): Promise<Set<string>> {
    const schema = await this.connectorOf(name).discoverSchema();
    await this.catalog.publishSchema(name, schema);
    return unavailableOf(schema);
  }

  async full(data: ImportJobs['import.full']): Promise<ImportSummary> {
    const unavailable = await this.discover(data.connector);
    const config = this.catalog.connector(data.connector);
    const connector = this.connectorOf(data.connector);
    const summary: ImportSummary = { connector: data.connector, kind: 'full', objects: 0, pages: 0, ...skipped(unavailable) };
    const plans = await this.referencePlans(data.connector, unavailable);
    // references (members, manager) resolve against this import's objects: types without
    // references stream straight to the cache; the others are held until every type was read
    const directory = new ImportedDirectory(lookupAttributes(plans));
    const anyReferences = [...plans.values()].some((references) => references.length > 0);
    const held: Array<{ type: string; generation: string; startedAt: number; watermark?: string; pages: TargetObject[][] }> = [];
    for (const type of config.objectTypes) {
      // one object type's broken settings (a missing base) never keep the others out of the cache
      if (unavailable.has(type.name)) continue;
      const references = plans.get(type.name) ?? [];
      const generation = randomUUID();
      const startedAt = Date.now();
      let watermark: string | undefined;
      const pages: TargetObject[][] = [];
      for await (const page of connector.fullImport(type.name, { pageSize: config.exportPageSize })) {
        if (anyReferences) directory.add(type.name, page.objects);
        if (references.length) pages.push(page.objects);
        else if (page.objects.length) {
          await this.cache.send('cache.import-page', { connector: data.connector, objectType: type.name, generation, objects: page.objects });
        }
        if (page.watermark !== undefined) watermark = page.watermark;
        summary.objects += page.objects.length;
        summary.pages++;
      }
      const commit = { type: type.name, generation, startedAt, ...(watermark !== undefined ? { watermark } : {}) };
      if (references.length) held.push({ ...commit, pages });
      else await this.commit(data.connector, commit);
    }
    for (const entry of held) {
      const references = plans.get(entry.type) ?? [];
      for (const objects of entry.pages) {
        if (objects.length === 0) continue;
        const translated = await referencesToSpace(objects, references, directory.lookup());
        await this.cache.send('cache.import-page', { connector: data.connector, objectType: entry.type, generation: entry.generation, objects: translated });
      }
      await this.commit(data.connector, entry);
    }
    return summary;
  }

  private async commit(connector: string, entry: { type: string; generation: string; startedAt: number; watermark?: string }): Promise<void> {
    await this.cache.send('cache.import-commit', {
      connector,
      objectType: entry.type,
      generation: entry.generation,
      startedAt: entry.startedAt,
      ...(entry.watermark !== undefined ? { watermark: entry.watermark } : {}),
    });
  }

  /** The reference attributes of each object type, once the schema is known. */
  private async referencePlans(connector: string, unavailable: Set<string>): Promise<Map<string, readonly Reference[]>> {
    const plans = new Map<string, readonly Reference[]>();
    for (const type of this.catalog.connector(connector).objectTypes) {
      if (unavailable.has(type.name)) continue;
      plans.set(type.name, (await this.catalog.mapper(connector, type.name)).references);
    }
    return plans;
  }

  /** A delta import from the stored watermark; without one it falls back to a full import. */
  async delta(data: ImportJobs['import.delta']): Promise<ImportSummary> {
    const config = this.catalog.connector(data.connector);
    const connector = this.connectorOf(data.connector);
    const space = this.catalog.space(data.connector);
    // an object type that could not be served may be fixed by now (its base created): look again
    let unavailable = this.catalog.unavailable(data.connector);
    if (unavailable.size) unavailable = await this.discover(data.connector);
    const summary: ImportSummary = { connector: data.connector, kind: 'delta', objects: 0, pages: 0, ...skipped(unavailable) };
    for (const type of config.objectTypes) {
      if (unavailable.has(type.name)) continue;
      const watermark = await space.getWatermark(type.name);
      if (watermark === null || connector.needsFullImport?.(type.name, watermark)) return this.full({ connector: data.connector, reason: data.reason });
      const readAt = Date.now();
      const references = (await this.catalog.mapper(data.connector, type.name)).references;
      const lookup = new ReferenceTranslator(space).spaceLookup();
      for await (const page of connector.deltaImport(type.name, watermark, { pageSize: config.exportPageSize })) {
        const changes = [];
        for (const c of page.changes) {
          if (c.kind === 'delete') changes.push({ anchor: c.anchor, object: null });
          else changes.push({ anchor: c.object.anchor, object: (await referencesToSpace([c.object], references, lookup))[0] });
        }
        await this.cache.send('cache.delta-page', { connector: data.connector, objectType: type.name, readAt, changes, watermark: page.watermark });
        summary.objects += changes.length;
        summary.pages++;
      }
    }
    return summary;
  }
}

/** Per object type, the attributes of its objects that references name them by (uid for memberUid). */
function lookupAttributes(plans: Map<string, readonly Reference[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const references of plans.values()) {
    for (const reference of references) {
      if (reference.by.kind !== 'attribute') continue;
      for (const type of reference.to) out.set(type, [...new Set([...(out.get(type) ?? []), reference.by.attribute])]);
    }
  }
  return out;
}

/** The cache side: applies import pages and swaps generations in the connector space. */
export class CacheUseCase {
  constructor(private readonly catalog: ConnectorCatalog) {}

  async run<N extends keyof CacheJobs>(name: N, data: CacheJobs[N]): Promise<number> {
    const space = this.catalog.space(data.connector);
    switch (name) {
      case 'cache.import-page': {
        const page = data as CacheJobs['cache.import-page'];
        await space.stageImportPage(page.objectType, page.generation, page.objects);
        return page.objects.length;
      }
      case 'cache.import-commit': {
        const commit = data as CacheJobs['cache.import-commit'];
        const count = await space.swapGeneration(commit.objectType, commit.generation, commit.startedAt);
        if (commit.watermark !== undefined) await space.setWatermark(commit.objectType, commit.watermark);
        return count;
      }
      case 'cache.delta-page': {
        const page = data as CacheJobs['cache.delta-page'];
        const applied = await space.applyDelta(page.objectType, page.changes, page.readAt);
        await space.setWatermark(page.objectType, page.watermark);
        return applied;
      }
      default:
        throw new Error(`unknown cache job ${String(name)}`);
    }
  }
}
