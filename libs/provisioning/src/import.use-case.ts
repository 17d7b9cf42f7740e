import { randomUUID } from 'node:crypto';
import type { Connector } from '@connector-host/connector-sdk';
import type { CacheJobs, ImportJobs } from '@connector-host/queue';
import type { ConnectorCatalog } from './connector-catalog';

/** Where import pages go: the cache service's queue (or, in a test, straight to the cache use case). */
export interface CachePort {
  send<N extends keyof CacheJobs>(name: N, data: CacheJobs[N]): Promise<void>;
}

export interface ImportSummary {
  connector: string;
  kind: 'full' | 'delta';
  objects: number;
  pages: number;
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

  /** Discovers the target's schema and shares it with every replica. */
  async discover(name: string): Promise<void> {
    const schema = await this.connectorOf(name).discoverSchema();
    await this.catalog.publishSchema(name, schema);
  }

  async full(data: ImportJobs['import.full']): Promise<ImportSummary> {
    await this.discover(data.connector);
    const config = this.catalog.connector(data.connector);
    const connector = this.connectorOf(data.connector);
    const summary: ImportSummary = { connector: data.connector, kind: 'full', objects: 0, pages: 0 };
    for (const type of config.objectTypes) {
      const generation = randomUUID();
      const startedAt = Date.now();
      let watermark: string | undefined;
      for await (const page of connector.fullImport(type.name, { pageSize: config.exportPageSize })) {
        if (page.objects.length) {
          await this.cache.send('cache.import-page', { connector: data.connector, objectType: type.name, generation, objects: page.objects });
        }
        if (page.watermark !== undefined) watermark = page.watermark;
        summary.objects += page.objects.length;
        summary.pages++;
      }
      await this.cache.send('cache.import-commit', {
        connector: data.connector,
        objectType: type.name,
        generation,
        startedAt,
        ...(watermark !== undefined ? { watermark } : {}),
      });
    }
    return summary;
  }

  /** A delta import from the stored watermark; without one it falls back to a full import. */
  async delta(data: ImportJobs['import.delta']): Promise<ImportSummary> {
    const config = this.catalog.connector(data.connector);
    const connector = this.connectorOf(data.connector);
    const space = this.catalog.space(data.connector);
    const summary: ImportSummary = { connector: data.connector, kind: 'delta', objects: 0, pages: 0 };
    for (const type of config.objectTypes) {
      const watermark = await space.getWatermark(type.name);
      if (watermark === null || connector.needsFullImport?.(type.name, watermark)) return this.full({ connector: data.connector, reason: data.reason });
      const readAt = Date.now();
      for await (const page of connector.deltaImport(type.name, watermark, { pageSize: config.exportPageSize })) {
        const changes = page.changes.map((c) =>
          c.kind === 'upsert' ? { anchor: c.object.anchor, object: c.object } : { anchor: c.anchor, object: null },
        );
        await this.cache.send('cache.delta-page', { connector: data.connector, objectType: type.name, readAt, changes, watermark: page.watermark });
        summary.objects += changes.length;
        summary.pages++;
      }
    }
    return summary;
  }
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
