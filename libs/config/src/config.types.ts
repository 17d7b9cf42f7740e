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
  /** Host-side name, the SCIM resource type: `User` or `Group`. */
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
  /**
   * Target attributes that refer to other objects of the connector (explicitly configured; the
   * host adds the defaults for `members` and `manager` mappings when it knows the target's schema).
   */
  references: ReferenceConfig[];
  /**
   * Host-side attribute rules applied on create, for what Entra cannot provide (absent: none). A
   * value Entra sends wins over a rule.
   */
  rules?: AttributeRule[];
  /** Connector-type-specific settings (table, watermark column, object classes...). */
  target: Record<string, unknown>;
}

/** `objectTypes.<type>.references.<attribute>`: an attribute holding other objects. */
export interface ReferenceConfig {
  attribute: string;
  /** Object types it refers to; undefined = the default for its SCIM mapping. */
  to?: string[];
  /** `dn`, `anchor` or an attribute of the referenced types; undefined = what the connector reports. */
  by?: string;
}

/** One host-side attribute rule (`objectTypes.<type>.rules.<attribute>`). */
export type AttributeRule =
  /** Always these values. */
  | { attribute: string; kind: 'constant'; values: Array<string | number | boolean> }
  /** `/home/{uid}`: placeholders are other attributes of the new object (first value). */
  | { attribute: string; kind: 'template'; template: string }
  /** The next number of [from, to] that no object holds, unique across export workers. */
  | { attribute: string; kind: 'allocate'; from: number; to: number };

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
  /**
   * How Entra authenticates: exactly one of `secretToken`, `secretTokenHash` and `jwt` is set.
   * Bearer token Entra sends. 12+ characters. Secret: never logged.
   */
  secretToken?: string;
  /** The token stored as `sha256:<hex>` or `scrypt:<salt>:<hash>` (`connector-host token hash`). */
  secretTokenHash?: string;
  /** Entra-issued JWTs validated instead of a shared secret. */
  jwt?: JwtAuthConfig;
  /** Requests per second with a burst, shared by every scim-api replica; undefined = no limit. */
  rateLimit?: RateLimitConfig;
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
  /**
   * Most target operations of this connector at once, across every export-worker replica; above
   * it, exports wait in the queue. Default (and when unset): `exportPartitions` (each partition runs one at a time).
   */
  maxConcurrentExports?: number;
  /** The target's circuit breaker, shared by every replica through Redis. */
  circuitBreaker?: CircuitBreakerConfig;
}

export interface CircuitBreakerConfig {
  /** Consecutive operations that failed for good (retries spent on retryable errors) that open it; 0 = no breaker. Default 5. */
  failures: number;
  /** How long it stays open before one call probes the target. Default 30 000 ms. */
  openMs: number;
}

/** Worker processes: how jobs are held and handed back. */
export interface WorkersConfig {
  /** A job's lock: a killed worker's job goes back to the queue within about this long. Default 30 000 ms. */
  lockMs: number;
  /** On SIGTERM, how long in-flight jobs may finish before they are handed back. Default 20 000 ms. */
  shutdownMs: number;
}

/**
 * Validation of the JWT Entra sends when the provisioning job has no Secret Token: signature
 * (RS256, keys from `jwksUrl`), `iss`, `tid`, `aud`, `azp`/`appid`, `exp`/`nbf`.
 */
export interface JwtAuthConfig {
  /** `iss`; default `https://sts.windows.net/<tenantId>/`, what Entra's provisioning tokens carry. */
  issuer: string;
  /** `tid`: the Entra tenant (directory) id. */
  tenantId: string;
  /** `aud`: exactly this one audience. */
  audience: string;
  /** `azp` (v2 tokens) or `appid` (v1 tokens): the application the token was issued to. */
  appId: string;
  /** Signing keys; default Microsoft's keys of the tenant for an Entra issuer. */
  jwksUrl: string;
  /** Clock skew allowed on `exp` and `nbf`. Default 60. */
  clockToleranceSeconds: number;
}

export interface RateLimitConfig {
  /** Sustained rate: tokens added to the connector's bucket per second. */
  requestsPerSecond: number;
  /** Bucket size: requests accepted at once after a quiet spell. Default: one second's worth (at least 1). */
  burst: number;
}

/** HTTPS for scim-api; files are watched and a replaced pair is served without a restart. */
export interface TlsConfig {
  /** Absolute path of the PEM certificate (intermediates may follow it). */
  certFile: string;
  /** Absolute path of the PEM private key. */
  keyFile: string;
  /** Absolute path of further PEM CA certificates sent after the certificate (the chain). */
  caFile?: string;
  /** Oldest protocol accepted. Default TLSv1.2; nothing older is allowed. */
  minVersion: 'TLSv1.2' | 'TLSv1.3';
}

export interface ServerConfig {
  host: string;
  port: number;
  /** Longest a SCIM request waits for its export, in milliseconds. Default 50 000. */
  deadlineMs: number;
  /** Largest accepted request body, in bytes. Default 1 MiB. */
  bodyLimitBytes: number;
  /**
   * Port of the operations endpoint every process serves on `host` (`/metrics`, `/healthz`,
   * `/readyz`), apart from the SCIM port so that it stays off the Internet. Default 9464; 0 = any.
   */
  metricsPort: number;
  /** HTTPS when set; plain HTTP (with a warning at start) when not. */
  tls?: TlsConfig;
}

export interface RedisConfig {
  /** `redis://host:port/db`; undefined = the host starts a private redis-server. */
  url?: string;
  /** Prefix of every key and queue, so that several installations can share one Redis. */
  prefix: string;
}

export interface LoggingConfig {
  level: 'debug' | 'info' | 'warn' | 'error';
  /** The provisioning log: one capped Redis stream per connector. */
  provisioningLog: {
    /** Entries kept per connector (approximately: Redis trims in whole blocks). Default 10 000. */
    maxEntries: number;
  };
}

export interface HostConfig {
  server: ServerConfig;
  redis: RedisConfig;
  logging: LoggingConfig;
  workers?: WorkersConfig;
  connectors: ConnectorConfig[];
  /** Directory the config file lives in; relative paths (SQLite files) resolve against it. */
  baseDir: string;
}
