/**
 * Redis key layout of the connector space. Every key of one connector shares the hash tag
 * `{<connector>}` so the Lua scripts that touch several keys stay valid on Redis Cluster.
 */
export class ConnectorSpaceKeys {
  private readonly base: string;
  constructor(prefix: string, readonly connector: string) {
    this.base = `${prefix}:{${connector}}`;
  }
  /** Hash anchor -> stored object (JSON). */
  objects(objectType: string): string {
    return `${this.base}:cs:${objectType}:objects`;
  }
  /**
   * Hash anchor -> the object's index members (JSON), kept apart from the object so that a commit
   * decodes a few index members in Lua, not a whole 10,000-member group.
   */
  indexEntries(objectType: string): string {
    return `${this.base}:cs:${objectType}:ix`;
  }
  /** Sorted set of `<normalised value>\0<anchor>` members, score 0, for lexicographic lookups. */
  index(objectType: string, attribute: string): string {
    return `${this.base}:cs:${objectType}:idx:${attribute.toLowerCase()}`;
  }
  /** Sorted set anchor -> time of its last export, so an import never overwrites a newer export. */
  exports(objectType: string): string {
    return `${this.base}:cs:${objectType}:exports`;
  }
  staging(objectType: string, generation: string): string {
    return `${this.base}:stage:${generation}:${objectType}:objects`;
  }
  stagingIndexEntries(objectType: string, generation: string): string {
    return `${this.base}:stage:${generation}:${objectType}:ix`;
  }
  stagingIndex(objectType: string, generation: string, attribute: string): string {
    return `${this.base}:stage:${generation}:${objectType}:idx:${attribute.toLowerCase()}`;
  }
  /** Counter of a host-side number allocation rule (uidNumber from a range). */
  allocator(objectType: string, attribute: string): string {
    return `${this.base}:alloc:${objectType}:${attribute.toLowerCase()}`;
  }
  /** Hash of timestamps, watermarks and the discovered schema. */
  meta(): string {
    return `${this.base}:meta`;
  }
}
