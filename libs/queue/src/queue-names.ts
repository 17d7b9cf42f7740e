/**
 * Every queue name, from one place. Names are kebab-case and never contain `:` (BullMQ uses it
 * as its key separator). Connector names are `[A-Za-z0-9]+`, so these stay valid.
 */
export enum QueueKind {
  /** Per connector and partition: SCIM writes, applied in order per object. */
  Export = 'export',
  /** Per connector: full and delta imports, one at a time. */
  Import = 'import',
  /** Per connector: import pages and generation swaps applied to the connector space. */
  Cache = 'cache',
}

export function exportQueueName(connector: string, partition: number): string {
  return `${QueueKind.Export}-${connector}-${partition}`;
}

export function importQueueName(connector: string): string {
  return `${QueueKind.Import}-${connector}`;
}

export function cacheQueueName(connector: string): string {
  return `${QueueKind.Cache}-${connector}`;
}

/**
 * The export partition of an object: FNV-1a of its key. Operations on one object always land in
 * the same partition, whose global concurrency is 1, so they run in the order they were accepted.
 */
export function partitionOf(objectKey: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < objectKey.length; i++) {
    hash ^= objectKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
