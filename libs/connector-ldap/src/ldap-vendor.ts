/**
 * Which directory server this is, from its root DSE: `vendorName` / `vendorVersion` (RFC 3045)
 * where published, otherwise the marks each server leaves (object classes, capability and
 * extension OIDs, attributes only it has). Covers every server of Microsoft's generic LDAP
 * connector list. The vendor decides the default anchor and the delta-import source.
 */

export type VendorId =
  | 'openldap'
  | '389ds'
  | 'adlds'
  | 'ad'
  | 'apacheds'
  | 'ibm'
  | 'isode'
  | 'edirectory'
  | 'opendj'
  | 'opends'
  | 'oracle'
  | 'radiantone'
  | 'unknown';

export interface Vendor {
  id: VendorId;
  /** Human name, e.g. `389 Directory Server`. */
  name: string;
  /** The server's version text when it publishes one. */
  version?: string;
  /** The attribute the connector anchors objects on unless configured otherwise. */
  anchor: string;
  /** Where changes are read from for delta import, unless configured otherwise. */
  changeSource: 'accesslog' | 'retroChangelog' | 'modifyTimestamp';
}

/** The root DSE as plain attribute → values (names lower-cased). */
export type RootDse = Record<string, string[]>;

const NAMES: Record<VendorId, string> = {
  openldap: 'OpenLDAP',
  '389ds': '389 Directory Server',
  adlds: 'Active Directory Lightweight Directory Services',
  ad: 'Active Directory Domain Services',
  apacheds: 'Apache Directory Server',
  ibm: 'IBM Tivoli Directory Server',
  isode: 'Isode Directory',
  edirectory: 'NetIQ / Novell eDirectory',
  opendj: 'OpenDJ',
  opends: 'OpenDS',
  oracle: 'Oracle (Sun ONE) Directory Server Enterprise Edition',
  radiantone: 'RadiantOne Virtual Directory Server',
  unknown: 'LDAP directory',
};

/** The anchor per server: a stable, single-valued identifier where the server has one, else the DN. */
const ANCHORS: Record<VendorId, string> = {
  openldap: 'entryUUID',
  '389ds': 'nsUniqueId',
  adlds: 'objectGUID',
  ad: 'objectGUID',
  apacheds: 'entryUUID',
  ibm: 'ibm-entryUUID',
  isode: 'dn',
  edirectory: 'GUID',
  opendj: 'entryUUID',
  opends: 'entryUUID',
  oracle: 'nsUniqueId',
  radiantone: 'dn',
  unknown: 'dn',
};

const first = (dse: RootDse, name: string): string => dse[name.toLowerCase()]?.[0] ?? '';
const has = (dse: RootDse, name: string, value: string): boolean =>
  (dse[name.toLowerCase()] ?? []).some((v) => v.toLowerCase() === value.toLowerCase());

export function detectVendor(dse: RootDse): Vendor {
  const vendorName = first(dse, 'vendorName');
  const vendorVersion = first(dse, 'vendorVersion');
  const text = `${vendorName} ${vendorVersion}`.toLowerCase();
  let id: VendorId = 'unknown';
  if (has(dse, 'supportedCapabilities', '1.2.840.113556.1.4.1851')) id = 'adlds';
  else if (has(dse, 'supportedCapabilities', '1.2.840.113556.1.4.800') || first(dse, 'domainControllerFunctionality')) id = 'ad';
  else if (text.includes('389') || (text.includes('fedora') && text.includes('directory'))) id = '389ds';
  else if (text.includes('apache')) id = 'apacheds';
  else if (text.includes('opendj') || text.includes('forgerock') || text.includes('ping identity')) id = 'opendj';
  else if (text.includes('opends')) id = 'opends';
  else if (text.includes('radiant')) id = 'radiantone';
  else if (text.includes('isode')) id = 'isode';
  else if (text.includes('edirectory') || text.includes('novell') || text.includes('netiq')) id = 'edirectory';
  else if (text.includes('ibm') || text.includes('international business machines') || first(dse, 'ibm-slapdVersion')) id = 'ibm';
  else if (text.includes('sun') || text.includes('oracle') || text.includes('iplanet') || text.includes('netscape')) id = 'oracle';
  else if (
    has(dse, 'objectClass', 'OpenLDAProotDSE') ||
    has(dse, 'structuralObjectClass', 'OpenLDAProotDSE') ||
    (dse['supportedextension'] ?? []).some((oid) => oid.startsWith('1.3.6.1.4.1.4203.'))
  ) id = 'openldap';
  return vendorById(id, vendorVersion || undefined);
}

/** The vendor record of a known id (the `vendor` setting overrides detection with it). */
export function vendorById(id: VendorId, version?: string): Vendor {
  return {
    id,
    name: NAMES[id],
    ...(version ? { version } : {}),
    anchor: ANCHORS[id],
    changeSource: id === 'openldap' ? 'accesslog' : id === '389ds' || id === 'oracle' || id === 'opends' || id === 'opendj' || id === 'ibm' ? 'retroChangelog' : 'modifyTimestamp',
  };
}

/** Every vendor the detection knows, with its default anchor (for the README and tests). */
export function knownVendors(): Array<{ id: VendorId; name: string; anchor: string }> {
  return (Object.keys(NAMES) as VendorId[]).map((id) => ({ id, name: NAMES[id], anchor: ANCHORS[id] }));
}
