import { ConnectorError } from '@connector-host/connector-sdk';
import { parseDn } from './ldap-dn';
import type { VendorId } from './ldap-vendor';

export type ChangeSourceSetting = 'auto' | 'accesslog' | 'retroChangelog' | 'modifyTimestamp';

/** `connection` block of an `ldap` connector. */
export interface LdapConnectionSettings {
  /** `ldap://host:389` or `ldaps://host:636`. */
  url: string;
  /** Upgrade `ldap://` with StartTLS before binding. */
  startTls: boolean;
  /** Simple bind DN; absent with a client certificate: SASL EXTERNAL; absent otherwise: anonymous. */
  bindDn?: string;
  /** Secret. */
  bindPassword?: string;
  /** PEM CA bundle that signs the server's certificate (LDAPS, StartTLS). */
  caFile?: string;
  /** PEM client certificate and key: SASL EXTERNAL bind when no bindDn is given. */
  clientCertFile?: string;
  clientKeyFile?: string;
  /** Name checked against the server certificate; default the URL's host. */
  tlsServerName?: string;
  /** Default true; false accepts any server certificate (tests only). */
  tlsRejectUnauthorized: boolean;
  /** Search base when an object type gives none; default the server's first naming context. */
  baseDn?: string;
  connectTimeoutMs: number;
  operationTimeoutMs: number;
  /** Bound connections kept open; operations are spread over them (LDAP multiplexes each). */
  poolSize: number;
  /** Override the detected server (anchor and delta source follow it). */
  vendor?: VendorId;
  /** Where delta import reads changes; `auto` follows the detected server. */
  changeSource: ChangeSourceSetting;
  /** DN of the change log: `cn=accesslog` (OpenLDAP), `cn=changelog` (389 DS and others). */
  changeLogDn?: string;
  /** Attribute that receives `export_password`. Default `userPassword`. */
  passwordAttribute: string;
  /** With the modifyTimestamp change source (it cannot see deletes): minutes between full imports. Default 1440. */
  fullImportEveryMinutes: number;
  /** After a modDN, rewrite the old DN to the new one in other entries' DN-valued attributes. */
  referentialIntegrity: {
    /** Default true; false leaves it to the server (slapo-refint, 389's Referential Integrity plugin). */
    enabled: boolean;
    /** Attributes to rewrite; default: the DN-valued attributes of every object type, plus member, uniqueMember and manager. */
    attributes?: string[];
  };
}

/** `objectTypes.*.target` block of an `ldap` connector. */
export interface LdapTargetSettings {
  /** Object classes of new entries, the structural one first; the first also selects entries on import. */
  objectClasses: string[];
  /** Where entries of this type live (search base); default the connection's baseDn. */
  base?: string;
  scope: 'one' | 'sub';
  /** Further LDAP filter entries must match on import, e.g. `(employeeType=staff)`. */
  filter?: string;
  /** Multi-valued attributes the host treats as single-valued (Microsoft's "treat as single value"). */
  singleValue: string[];
  /**
   * DN put in the class's required member attribute (`member` of groupOfNames, `uniqueMember` of
   * groupOfUniqueNames) while a group has no real member; never shown to the host.
   */
  emptyGroupPlaceholder?: string;
}

const VENDORS = ['openldap', '389ds', 'adlds', 'ad', 'apacheds', 'ibm', 'isode', 'edirectory', 'opendj', 'opends', 'oracle', 'radiantone', 'unknown'];
const positiveInteger = { type: 'integer', minimum: 1 } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;

/** JSON Schemas the config loader validates `connection` and `target` with. */
export const ldapSettingsSchema = {
  connection: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string', pattern: '^ldaps?://[^/?#]+/?$', description: 'ldap://host:389 or ldaps://host:636.' },
      startTls: { type: 'boolean', default: false, description: 'Upgrade ldap:// with StartTLS before binding.' },
      bindDn: { ...nonEmpty, description: 'Simple bind DN. Absent with clientCertFile: SASL EXTERNAL.' },
      bindPassword: { type: 'string', writeOnly: true, description: 'Secret: use ${ENV} interpolation.' },
      caFile: { ...nonEmpty, description: 'PEM CA bundle for LDAPS / StartTLS.' },
      clientCertFile: { ...nonEmpty, description: 'PEM client certificate (SASL EXTERNAL).' },
      clientKeyFile: { ...nonEmpty, description: 'PEM key of the client certificate.' },
      tlsServerName: { ...nonEmpty, description: 'Name checked against the server certificate.' },
      tlsRejectUnauthorized: { type: 'boolean', default: true },
      baseDn: { ...nonEmpty, description: 'Default search base; default the first naming context.' },
      connectTimeoutMs: { ...positiveInteger, default: 10000 },
      operationTimeoutMs: { ...positiveInteger, default: 30000 },
      pool: { type: 'object', additionalProperties: false, properties: { size: { ...positiveInteger, maximum: 64, default: 4 } } },
      vendor: { enum: VENDORS, description: 'Override the detected directory server.' },
      changeSource: { enum: ['auto', 'accesslog', 'retroChangelog', 'modifyTimestamp'], default: 'auto' },
      changeLogDn: { ...nonEmpty, description: 'cn=accesslog (OpenLDAP) or cn=changelog (389 DS).' },
      passwordAttribute: { ...nonEmpty, default: 'userPassword' },
      fullImportEveryMinutes: { ...positiveInteger, default: 1440, description: 'modifyTimestamp delta import: minutes between full imports.' },
      referentialIntegrity: {
        type: 'object',
        additionalProperties: false,
        description: 'After a modDN (rename) the connector replaces the old DN by the new one in every entry under baseDn that holds it.',
        properties: {
          enabled: {
            type: 'boolean',
            default: true,
            description: 'false: leave it to the server (OpenLDAP slapo-refint, 389 DS Referential Integrity plugin). Harmless to keep on with them.',
          },
          attributes: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: nonEmpty,
            description: 'DN-valued attributes to rewrite. Default: the DN-valued attributes of every object type (member, owner, seeAlso…) plus member, uniqueMember and manager.',
          },
        },
      },
    },
    allOf: [
      { if: { required: ['clientCertFile'] }, then: { required: ['clientKeyFile'] } },
      { if: { required: ['bindDn'] }, then: { required: ['bindPassword'] } },
    ],
  },
  target: {
    type: 'object',
    additionalProperties: false,
    required: ['objectClasses'],
    properties: {
      objectClasses: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: nonEmpty,
        description: 'Object classes of new entries, the structural class first (inetOrgPerson, posixAccount, shadowAccount).',
      },
      base: { ...nonEmpty, description: 'Search base of this object type.' },
      scope: { enum: ['one', 'sub'], default: 'sub' },
      filter: { type: 'string', pattern: '^\\(.*\\)$', description: 'Extra LDAP filter, e.g. (employeeType=staff).' },
      singleValue: { type: 'array', uniqueItems: true, items: nonEmpty, description: 'Attributes treated as single-valued.' },
      emptyGroupPlaceholder: {
        ...nonEmpty,
        description:
          'DN kept in the required member attribute (member of groupOfNames, uniqueMember of groupOfUniqueNames) while a group has no real member, e.g. cn=empty-group-placeholder,dc=contoso,dc=lab. Never shown to the host. Without it, creating an empty group of such a class is refused.',
      },
    },
  },
};

function bad(message: string): ConnectorError {
  return new ConnectorError('invalidValue', `ldap connector settings: ${message}`);
}

function str(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw bad(`${key} must be a non-empty string`);
  return value;
}

function int(raw: unknown, key: string, fallback: number): number {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 1) throw bad(`${key} must be a positive integer`);
  return raw;
}

function bool(raw: unknown, key: string, fallback: boolean): boolean {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'boolean') throw bad(`${key} must be true or false`);
  return raw;
}

/** Shapes the validated `connection` block (the loader validated it; this guards the types). */
export function parseConnectionSettings(raw: Record<string, unknown>): LdapConnectionSettings {
  const url = str(raw, 'url');
  if (!url || !/^ldaps?:\/\/[^/?#]+\/?$/i.test(url)) throw bad('url must be ldap://host:port or ldaps://host:port');
  const startTls = bool(raw.startTls, 'startTls', false);
  if (startTls && url.toLowerCase().startsWith('ldaps:')) throw bad('startTls applies to ldap:// URLs; ldaps:// is TLS already');
  const vendor = raw.vendor;
  if (vendor !== undefined && (typeof vendor !== 'string' || !VENDORS.includes(vendor))) throw bad(`vendor must be one of ${VENDORS.join(', ')}`);
  const changeSource = raw.changeSource ?? 'auto';
  if (!['auto', 'accesslog', 'retroChangelog', 'modifyTimestamp'].includes(String(changeSource))) {
    throw bad('changeSource must be auto, accesslog, retroChangelog or modifyTimestamp');
  }
  const pool = (raw.pool ?? {}) as Record<string, unknown>;
  const settings: LdapConnectionSettings = {
    url: url.replace(/\/$/, ''),
    startTls,
    tlsRejectUnauthorized: bool(raw.tlsRejectUnauthorized, 'tlsRejectUnauthorized', true),
    connectTimeoutMs: int(raw.connectTimeoutMs, 'connectTimeoutMs', 10000),
    operationTimeoutMs: int(raw.operationTimeoutMs, 'operationTimeoutMs', 30000),
    poolSize: int(pool.size, 'pool.size', 4),
    changeSource: changeSource as ChangeSourceSetting,
    passwordAttribute: str(raw, 'passwordAttribute') ?? 'userPassword',
    fullImportEveryMinutes: int(raw.fullImportEveryMinutes, 'fullImportEveryMinutes', 1440),
    referentialIntegrity: parseReferentialIntegrity(raw.referentialIntegrity),
  };
  for (const key of ['bindDn', 'bindPassword', 'caFile', 'clientCertFile', 'clientKeyFile', 'tlsServerName', 'baseDn', 'changeLogDn'] as const) {
    const value = key === 'bindPassword' ? (typeof raw[key] === 'string' ? (raw[key] as string) : undefined) : str(raw, key);
    if (value !== undefined) settings[key] = value;
  }
  if (vendor) settings.vendor = vendor as VendorId;
  if (settings.clientCertFile && !settings.clientKeyFile) throw bad('clientCertFile needs clientKeyFile');
  if (settings.bindDn && settings.bindPassword === undefined) throw bad('bindDn needs bindPassword');
  return settings;
}

export function parseTargetSettings(objectType: string, raw: Record<string, unknown>): LdapTargetSettings {
  const classes = raw.objectClasses;
  if (!Array.isArray(classes) || classes.length === 0 || classes.some((c) => typeof c !== 'string' || c === '')) {
    throw bad(`objectTypes.${objectType}.target.objectClasses must list object classes, the structural one first`);
  }
  const scope = raw.scope ?? 'sub';
  if (scope !== 'one' && scope !== 'sub') throw bad(`objectTypes.${objectType}.target.scope must be one or sub`);
  const singleValue = raw.singleValue ?? [];
  if (!Array.isArray(singleValue) || singleValue.some((c) => typeof c !== 'string')) {
    throw bad(`objectTypes.${objectType}.target.singleValue must list attribute names`);
  }
  const base = str(raw, 'base');
  const filter = str(raw, 'filter');
  const placeholder = str(raw, 'emptyGroupPlaceholder');
  if (placeholder !== undefined && !isDn(placeholder)) throw bad(`objectTypes.${objectType}.target.emptyGroupPlaceholder must be a DN, e.g. cn=empty-group-placeholder,dc=contoso,dc=lab`);
  return {
    objectClasses: classes as string[],
    scope,
    singleValue: singleValue as string[],
    ...(base ? { base } : {}),
    ...(filter ? { filter } : {}),
    ...(placeholder ? { emptyGroupPlaceholder: placeholder } : {}),
  };
}

function isDn(text: string): boolean {
  try {
    return parseDn(text).length > 0;
  } catch {
    return false;
  }
}

function parseReferentialIntegrity(raw: unknown): LdapConnectionSettings['referentialIntegrity'] {
  if (raw === undefined || raw === null) return { enabled: true };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad('referentialIntegrity must be { enabled, attributes }');
  const { enabled, attributes } = raw as Record<string, unknown>;
  if (attributes !== undefined && (!Array.isArray(attributes) || attributes.length === 0 || attributes.some((a) => typeof a !== 'string' || a === ''))) {
    throw bad('referentialIntegrity.attributes must list attribute names');
  }
  return { enabled: bool(enabled, 'referentialIntegrity.enabled', true), ...(attributes ? { attributes: attributes as string[] } : {}) };
}
