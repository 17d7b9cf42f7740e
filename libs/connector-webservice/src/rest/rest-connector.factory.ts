import type { ConnectorContext, ConnectorFactory } from '@connector-host/connector-sdk';
import { restSettingsSchema } from './rest-settings';
import { RestConnector } from './rest.connector';

/** Connector type `rest`: declarative operations against a JSON HTTP API. */
export const restConnectorFactory: ConnectorFactory = {
  type: 'rest',
  settingsSchema: restSettingsSchema,
  create: (context: ConnectorContext) => new RestConnector(context),
};
