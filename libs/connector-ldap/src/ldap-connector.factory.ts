import type { ConnectorContext, ConnectorFactory } from '@connector-host/connector-sdk';
import { ldapSettingsSchema } from './ldap-settings';
import { LdapConnector } from './ldap.connector';

/** Connector type `ldap`: OpenLDAP, 389 Directory Server, AD LDS and the other LDAP v3 directories. */
export const ldapConnectorFactory: ConnectorFactory = {
  type: 'ldap',
  settingsSchema: ldapSettingsSchema,
  create: (context: ConnectorContext) => new LdapConnector(context),
};
