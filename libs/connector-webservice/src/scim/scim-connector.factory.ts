import type { ConnectorContext, ConnectorFactory } from '@connector-host/connector-sdk';
import { scimSettingsSchema } from './scim-settings';
import { ScimConnector } from './scim.connector';

/** Connector type `scim`: the target is itself a SCIM 2.0 service. */
export const scimConnectorFactory: ConnectorFactory = {
  type: 'scim',
  settingsSchema: scimSettingsSchema,
  create: (context: ConnectorContext) => new ScimConnector(context),
};
