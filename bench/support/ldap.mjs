// What the LDAP benchmarks share: a bound ldapts connection for a moment, and the `connection`
// block of the host's ldap connector for a test slapd (the password through BENCH_LDAP_PASSWORD).
import { Client } from 'ldapts';

/** Runs fn(client) on one bound ldapts connection, unbound afterwards. */
export async function withLdap(slapd, timeout, fn) {
  const client = new Client({ url: slapd.url, timeout });
  await client.bind(slapd.bindDn, slapd.bindPassword);
  try {
    return await fn(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/** The connector's `connection:` lines (4-space indent, as bench/support/host.mjs places them). */
export const ldapConnectionYaml = (slapd) => `    connection:
      url: ${slapd.url}
      bindDn: "${slapd.bindDn}"
      bindPassword: \${BENCH_LDAP_PASSWORD}
      baseDn: "${slapd.baseDn}"
`;

/** The environment that fills ldapConnectionYaml's password. */
export const ldapEnv = (slapd) => ({ BENCH_LDAP_PASSWORD: slapd.bindPassword });
