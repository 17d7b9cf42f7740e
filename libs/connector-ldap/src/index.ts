export { ldapConnectorFactory } from './ldap-connector.factory';
export { LdapConnector } from './ldap.connector';
export { ldapSettingsSchema } from './ldap-settings';
export type { LdapConnectionSettings, LdapTargetSettings } from './ldap-settings';
export { detectVendor, knownVendors } from './ldap-vendor';
export type { Vendor, VendorId } from './ldap-vendor';
export { canonicalDn, escapeRdnValue, parseDn } from './ldap-dn';
export { escapeFilterValue } from './ldap-filter';
