import type { Redis } from 'ioredis';
import type { ConnectorConfig, HostConfig, ObjectTypeConfig } from '@connector-host/config';
import type { TargetSchema } from '@connector-host/connector-sdk';
import { ConnectorSpace } from '@connector-host/connector-space';
import { ScimError } from '@connector-host/scim';
import { DN_INDEX } from '@connector-host/connector-space';
import { ObjectMapper } from './object-mapper';
import { needsDnIndex, referencesOf } from './references';

interface CatalogEntry {
  config: ConnectorConfig;
  space: ConnectorSpace;
  schema?: TargetSchema;
  mappers: Map<string, ObjectMapper>;
}

/**
 * What every service knows of each configured connector: its config, its connector space and,
 * once a worker has discovered the target's schema (shared through Redis), its object mappers.
 */
export class ConnectorCatalog {
  private readonly entries = new Map<string, CatalogEntry>();

  constructor(
    readonly config: HostConfig,
    redis: Redis,
  ) {
    for (const connector of config.connectors) {
      // references by DN (LDAP member, manager) resolve through an index of every object's DN
      const dnIndex = needsDnIndex(connector.objectTypes) ? [DN_INDEX] : [];
      const space = new ConnectorSpace(
        redis,
        config.redis.prefix,
        connector.name,
        connector.objectTypes.map((type) => ({
          objectType: type.name,
          // indexes are case-insensitive supersets; filters re-check every candidate exactly
          // numbers allocated by a rule are indexed too: the allocator skips the ones held, and a
          // duplicate sent by Entra is a 409
          indexes: [...new Set([type.anchor, ...type.queryAttributes, ...allocatedByRule(type), ...dnIndex])].map((attribute) => ({ attribute, caseExact: false })),
        })),
      );
      this.entries.set(connector.name, { config: connector, space, mappers: new Map() });
    }
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  connector(name: string): ConnectorConfig {
    return this.entry(name).config;
  }

  space(name: string): ConnectorSpace {
    return this.entry(name).space;
  }

  /** Records a freshly discovered schema for every replica, and rebuilds this replica's mappers. */
  async publishSchema(name: string, schema: TargetSchema): Promise<void> {
    const entry = this.entry(name);
    this.useSchema(entry, schema);
    await entry.space.setSchema(schema);
  }

  /** The mapper of one object type; 503 until some worker has discovered the target's schema. */
  async mapper(name: string, objectType: string): Promise<ObjectMapper> {
    const entry = this.entry(name);
    let mapper = entry.mappers.get(objectType);
    if (!mapper) {
      const schema = await entry.space.getSchema();
      if (schema) this.useSchema(entry, schema);
      mapper = entry.mappers.get(objectType);
    }
    if (!mapper) {
      if (!entry.config.objectTypes.some((t) => t.name === objectType)) {
        throw ScimError.notFound(`connector ${name} does not provision ${objectType} objects`);
      }
      // the target answers, but this object type's settings do not fit it (a missing table): say what to fix
      const unavailable = entry.schema?.unavailable?.find((u) => u.objectType === objectType);
      if (unavailable) throw new ScimError(503, unavailable.problem);
      throw new ScimError(503, `the schema of connector ${name} has not been discovered yet; retry shortly`);
    }
    return mapper;
  }

  /** The mapper of an object type whose schema this replica knows, without waiting or throwing. */
  knownMapper(name: string, objectType: string): ObjectMapper | undefined {
    return this.entry(name).mappers.get(objectType);
  }

  /** Object types the target could not serve at the last discovery. */
  unavailable(name: string): Set<string> {
    return new Set((this.entry(name).schema?.unavailable ?? []).map((u) => u.objectType));
  }

  /** Re-reads the shared schema (another replica may have rediscovered it). */
  async refresh(name: string): Promise<void> {
    const entry = this.entry(name);
    const schema = await entry.space.getSchema();
    if (schema) this.useSchema(entry, schema);
  }

  private useSchema(entry: CatalogEntry, schema: TargetSchema): void {
    entry.schema = schema;
    entry.mappers.clear();
    const configured = entry.config.objectTypes.map((type) => type.name);
    for (const type of entry.config.objectTypes) {
      const typeSchema = schema.objectTypes.find((t) => t.name === type.name);
      // `anchor: auto`: the connector chose the anchor for the server it found (entryUUID, nsUniqueId…)
      const config = type.anchor === 'auto' && typeSchema ? { ...type, anchor: typeSchema.anchor } : type;
      if (typeSchema) entry.mappers.set(type.name, new ObjectMapper(config, typeSchema, referencesOf(config, typeSchema, configured)));
    }
  }

  private entry(name: string): CatalogEntry {
    const entry = this.entries.get(name);
    if (!entry) throw ScimError.notFound(`no connector named ${name}`);
    return entry;
  }
}

function allocatedByRule(type: ObjectTypeConfig): string[] {
  return (type.rules ?? []).filter((rule) => rule.kind === 'allocate').map((rule) => rule.attribute);
}
