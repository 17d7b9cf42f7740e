import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import type { ConnectorCatalog } from '@connector-host/provisioning';
import { ScimError } from '@connector-host/scim';
import { CATALOG } from '../core/tokens';
import { ConnectorAuthGuard, connectorFromParam } from './connector-auth.guard';

/**
 * The troubleshooting view of a connector's cache, as Microsoft's host offers it, but behind the
 * connector's token: object counts, last import and export, and a page of cached objects.
 */
@Controller(':tenant/cache')
@UseGuards(ConnectorAuthGuard)
export class CacheViewController {
  constructor(@Inject(CATALOG) private readonly catalog: ConnectorCatalog) {}

  @Get()
  async view(@Param('tenant') tenant: string, @Query() query: Record<string, string>) {
    const connector = connectorFromParam(tenant);
    const config = this.catalog.connector(connector);
    const space = this.catalog.space(connector);
    const objectType = query.objectType ?? config.objectTypes[0].name;
    if (!config.objectTypes.some((t) => t.name === objectType)) throw ScimError.invalidValue(`objectType ${objectType} is not configured`);
    const startIndex = toInt(query.startIndex, 1, 'startIndex');
    const count = Math.min(toInt(query.count, 100, 'count'), 1000);
    const all: Array<{ anchor: string }> = [];
    for await (const batch of space.scan(objectType)) all.push(...batch);
    all.sort((a, b) => a.anchor.localeCompare(b.anchor));
    const stamps = await space.timestamps();
    return {
      connector,
      type: config.type,
      objectTypes: await Promise.all(config.objectTypes.map(async (t) => ({ name: t.name, count: await space.count(t.name) }))),
      lastSuccessfulImport: stamps.lastSuccessfulImport?.toISOString() ?? null,
      lastSuccessfulExport: stamps.lastSuccessfulExport?.toISOString() ?? null,
      lastSuccessfulCacheChange: stamps.lastSuccessfulCacheChange?.toISOString() ?? null,
      objectType,
      totalResults: all.length,
      startIndex,
      objects: all.slice(startIndex - 1, startIndex - 1 + count),
    };
  }
}

function toInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw ScimError.invalidValue(`${name} must be a non-negative integer`);
  return Math.max(1, Number(value));
}
