import { start389ds, type DirsrvServer } from '@connector-host/testing';
import { ldapConnectorSuite } from './testing/ldap-connector.suite';

describe('ldap connector against 389 Directory Server (dscontainer, retro changelog)', () => {
  let ds: DirsrvServer;
  ldapConnectorSuite(
    async () => {
      ds = await start389ds();
      return {
        vendor: '389ds',
        anchor: 'nsUniqueId',
        changeSource: 'retroChangelog',
        url: ds.url,
        bindDn: ds.bindDn,
        bindPassword: ds.bindPassword,
        baseDn: ds.baseDn,
        peopleDn: ds.peopleDn,
      };
    },
    async () => {
      await ds?.stop();
    },
  );
});
