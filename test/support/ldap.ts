/** What the LDAP end-to-end tests read from the directory itself, with ldapts. */
import type { Client, Entry } from 'ldapts';
import type { SlapdServer } from '@connector-host/testing';

/** The variables examples/openldap*.yaml read, for a test slapd. */
export function ldapEnv(slapd: SlapdServer): Record<string, string> {
  return { LDAP_URL: slapd.url, LDAP_BIND_DN: slapd.bindDn, LDAP_BIND_PASSWORD: slapd.bindPassword, LDAP_BASE_DN: slapd.baseDn };
}

/** The entry at `dn` with its user and operational attributes, or undefined when there is none. */
export async function entryOf(admin: Client, dn: string, attributes: string[] = ['*', '+']): Promise<Entry | undefined> {
  try {
    const { searchEntries } = await admin.search(dn, { scope: 'base', attributes });
    return searchEntries[0];
  } catch {
    return undefined;
  }
}

/** An attribute's values as sorted strings, whatever the case of its name in the entry. */
export function values(entry: Entry | undefined, name: string): string[] {
  if (!entry) return [];
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  if (!key) return [];
  const v = entry[key];
  return (Array.isArray(v) ? v : [v]).map(String).sort();
}
