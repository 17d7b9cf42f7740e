import { startSlapd, type SlapdServer } from '@connector-host/testing';
import { ldapConnectorSuite } from './testing/ldap-connector.suite';

describe('ldap connector against OpenLDAP (slapd, back-mdb, accesslog)', () => {
  let slapd: SlapdServer;
  ldapConnectorSuite(
    async () => {
      slapd = await startSlapd();
      return {
        vendor: 'openldap',
        anchor: 'entryUUID',
        changeSource: 'accesslog',
        url: slapd.url,
        bindDn: slapd.bindDn,
        bindPassword: slapd.bindPassword,
        baseDn: slapd.baseDn,
        peopleDn: slapd.peopleDn,
      };
    },
    async () => {
      await slapd?.stop();
    },
  );
});
