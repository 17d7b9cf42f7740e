import type { ConnectorContext, ConnectorFactory } from '@connector-host/connector-sdk';
import { soapSettingsSchema } from './soap-settings';
import { SoapConnector } from './soap.connector';

/** Connector type `soap`: operations bound to a WSDL, with WS-Security UsernameToken. */
export const soapConnectorFactory: ConnectorFactory = {
  type: 'soap',
  settingsSchema: soapSettingsSchema,
  create: (context: ConnectorContext) => new SoapConnector(context),
};
