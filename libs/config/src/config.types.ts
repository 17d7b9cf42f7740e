/**
 * The typed configuration every service reads, shaped once from the validated YAML file.
 * Nothing else in the code reads `process.env` (the loader does, for `${NAME}` and the
 * variables listed in the README).
 */
import type { DnRule } from '@connector-host/connector-sdk';

export type ServiceName = 'scim-api' | 'export-worker' | 'import-worker' | 'cache';
export const SERVICE_NAMES: readonly ServiceName[] = ['scim-api', 'export-worker', 'import-worker', 'cache'];

/** Disable flow: what `active: false` does. */
export type DisableFlow =
  | { flow: 'none' }
  | { flow: 'delete' }
  /** Copy the SCIM `active` value into this boolean target attribute. */
  | { flow: 'setAttribute'; attribute: string };

/** Delete flow: what a SCIM DELETE does. */
export type DeleteFlow = { flow: 'none' } | { flow: 'delete' };

export interface ObjectTypeConfig {
  /** Host-side name, the SCIM resource type: `User` (and `Group` later). */
  name: string;
  /** Target attribute holding the anchor; the SCIM `id` is its value. */
  anchor: string;
  /** Target attributes Entra may filter on (matching attributes); answered from indexes. */
  queryAttributes: string[];
  dn: DnRule;
  /** Selected target attributes; undefined = every discovered attribute. */
  attributes?: string[];
  /**
   * SCIM core and enterprise attribute paths mapped to target attributes, e.g.
   * `{ userName: 'ContosoLogin', 'name.givenName': 'FirstName', 'emails[type eq "work"].value': 'Email' }`.
   * Every selected attribute is also exposed under the ECMA2Host extension.
   */
  scimMappings: Record<string, string>;
  deprovisioning: { disable: DisableFlow; delete: DeleteFlow };
  /** Connector-type-specific settings (table, watermark column, object classes...). */
  target: Record<string, unknown>;
}

export interface RunProfiles {
  export: boolean;
  fullImport: boolean;
  deltaImport: boolean;
}

export interface ConnectorConfig {
  /** `[A-Za-z0-9]+`, case-sensitive; appears in the URL as `/ecma2host_<name>/scim`. */
  name: string;
  /** Connector type: `sql` (later `ldap`, `rest`, `soap`, `scim`). */
  type: string;
  /** Bearer token Entra sends. 12+ characters. Secret: never logged. */
  secretToken: string;
  connection: Record<string, unknown>;
  objectTypes: ObjectTypeConfig[];
  runProfiles: RunProfiles;
  /** Minutes between automatic imports; 0 disables the timer. Default 120. */
  autosyncMinutes: number;
  /** Import page size. Default 100 (the Microsoft host's export page size default). */
  exportPageSize: number;
  /**
   * Export partitions: operations on one object always go to the same partition and run in
   * order; partitions run in parallel. Default 8.
   */
  exportPartitions: number;
  /** Retries of a retryable target error within the request deadline. Default 5. */
  exportRetries: number;
}

export interface ServerConfig {
  host: string;
  port: number;
  /** Longest a SCIM request waits for its export, in milliseconds. Default 50 000. */
  deadlineMs: number;
  /** Largest accepted request body, in bytes. Default 1 MiB. */
  bodyLimitBytes: number;
}

export interface RedisConfig {
  /** `redis://host:port/db`; undefined = the host starts a private redis-server. */
  url?: string;
  /** Prefix of every key and queue, so that several installations can share one Redis. */
  prefix: string;
}

export interface LoggingConfig {
  level: 'debug' | 'info' | 'warn' | 'error';
}

export interface HostConfig {
  server: ServerConfig;
  redis: RedisConfig;
  logging: LoggingConfig;
  connectors: ConnectorConfig[];
  /** Directory the config file lives in; relative paths (SQLite files) resolve against it. */
  baseDir: string;
}
