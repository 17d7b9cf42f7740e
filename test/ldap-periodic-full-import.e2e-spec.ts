/**
 * Issue 11 item 4, through the host: on the modifyTimestamp change feed (which cannot see deletes)
 * the host must turn a delta import into a full import once `fullImportEveryMinutes` has passed,
 * so an entry deleted in the directory leaves the cache. Every connector the host runs is wrapped
 * (InstrumentedConnector); the wrapper once dropped `needsFullImport`, and deleted entries then
 * stayed cached until a restart.
 */
import { Client } from 'ldapts';
import { Redis } from 'ioredis';
import { ConnectorSpace } from '@connector-host/connector-space';
import { startSlapd, type SlapdServer } from '@connector-host/testing';
import { ldapEnv } from './support/ldap';
import { E2eHost, ECMA_USER_URN, expectStatus, waitFor, type ScimClient } from './support/host';

const CONNECTORS_YAML = `
connectors:
  feed:
    type: ldap
    secretToken: \${FEED_SECRET_TOKEN}
    autosyncMinutes: 0
    runProfiles: { deltaImport: true }
    connection:
      url: \${LDAP_URL}
      bindDn: \${LDAP_BIND_DN}
      bindPassword: \${LDAP_BIND_PASSWORD}
      baseDn: \${LDAP_BASE_DN}
      changeSource: modifyTimestamp
      fullImportEveryMinutes: 60
    objectTypes:
      User:
        anchor: entryUUID
        queryAttributes: [uid]
        dn: { template: "uid={uid},ou=People,\${LDAP_BASE_DN}" }
        attributes: [uid, cn, sn, objectClass]
        scim: { userName: uid }
        deprovisioning: { disable: delete, delete: delete }
        target: { objectClasses: [inetOrgPerson], base: "ou=People,\${LDAP_BASE_DN}", singleValue: [uid, cn, sn] }
`;

describe('periodic full import on the modifyTimestamp feed, through the host', () => {
  let slapd: SlapdServer;
  let admin: Client;
  let host: E2eHost;
  let scim: ScimClient;
  let redis: Redis;

  beforeAll(async () => {
    slapd = await startSlapd({ accesslog: false });
    admin = new Client({ url: slapd.url, timeout: 20000 });
    await admin.bind(slapd.bindDn, slapd.bindPassword);
    for (const uid of ['stays', 'leaves']) {
      await admin.add(`uid=${uid},${slapd.peopleDn}`, { objectClass: ['inetOrgPerson'], uid, cn: uid, sn: 'Feed' });
    }
    host = await E2eHost.start({ connectors: ['feed'], connectorsYaml: { text: CONNECTORS_YAML, env: ldapEnv(slapd) } });
    scim = host.scim('feed');
    redis = new Redis(host.redisUrl, { maxRetriesPerRequest: 3 });
  });
  afterAll(async () => {
    redis?.disconnect();
    await admin?.unbind().catch(() => undefined);
    await host?.close();
    await slapd?.stop();
  });

  const count = async (uid: string): Promise<number> => {
    const response = await scim.filter(`${ECMA_USER_URN}:uid eq "${uid}"`);
    expectStatus(response, 200);
    return response.body.totalResults as number;
  };

  it('an entry deleted in the directory leaves the cache at the first delta import after the full-import period', async () => {
    expect(await count('leaves')).toBe(1);
    await admin.del(`uid=leaves,${slapd.peopleDn}`);
    // as if the host had run for a day: the watermark's full import is older than fullImportEveryMinutes
    const space = new ConnectorSpace(redis, host.config.redis.prefix, 'feed', []);
    const watermark = await space.getWatermark('User');
    expect(watermark).toMatch(/^timestamp:[^@]*@\d+$/);
    await space.setWatermark('User', watermark!.replace(/@\d+$/, `@${Date.now() - 24 * 3600_000}`));
    await host.requestDeltaImport('feed');
    await waitFor('the deleted entry to leave the cache', 60000, async () => (await count('leaves')) === 0);
    expect(await count('stays')).toBe(1);
    // the full import started a new chain: its watermark is fresh
    const after = await space.getWatermark('User');
    expect(Number(/@(\d+)$/.exec(after!)![1])).toBeGreaterThan(Date.now() - 3600_000);
  });
});
