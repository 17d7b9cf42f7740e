import { isAbsolute, resolve } from 'node:path';
import type { ConnectorConfig } from '@connector-host/config';
import type { Connector, ConnectorFactory, ConnectorLogger } from '@connector-host/connector-sdk';
import { sqlConnectorFactory } from '@connector-host/connector-sql';
import { ldapConnectorFactory } from '@connector-host/connector-ldap';
import { restConnectorFactory, scimConnectorFactory, soapConnectorFactory } from '@connector-host/connector-webservice';

/** Every connector type the host knows. Later issues add ldap, rest, soap and scim here. */
export const CONNECTOR_FACTORIES: Readonly<Record<string, ConnectorFactory>> = {
  [sqlConnectorFactory.type]: sqlConnectorFactory,
  [ldapConnectorFactory.type]: ldapConnectorFactory,
  [restConnectorFactory.type]: restConnectorFactory,
  [scimConnectorFactory.type]: scimConnectorFactory,
  [soapConnectorFactory.type]: soapConnectorFactory,
};

export function connectorTypes(): string[] {
  return Object.keys(CONNECTOR_FACTORIES);
}

/** Settings schemas by type, for the config loader to validate `connection` and `target` blocks. */
export function connectorSettingsSchemas(): Record<string, { connection: object; target: object }> {
  return Object.fromEntries(Object.values(CONNECTOR_FACTORIES).map((f) => [f.type, f.settingsSchema]));
}

/** Connection keys holding file paths (`file`, `caFile`, `keyPath`...) resolve against the config's folder. */
const PATH_KEY = /^(file|.*File|.*Path)$/;

export function createConnector(config: ConnectorConfig, baseDir: string, logger: ConnectorLogger): Connector {
  const factory = CONNECTOR_FACTORIES[config.type];
  if (!factory) throw new Error(`connector ${config.name}: unknown type "${config.type}" (known: ${connectorTypes().join(', ')})`);
  const connection = Object.fromEntries(
    Object.entries(config.connection).map(([key, value]) => [
      key,
      PATH_KEY.test(key) && typeof value === 'string' && value !== ':memory:' && !isAbsolute(value) ? resolve(baseDir, value) : value,
    ]),
  );
  return factory.create({
    name: config.name,
    connection,
    objectTypes: config.objectTypes.map((type) => ({
      name: type.name,
      anchor: type.anchor,
      dn: type.dn,
      ...(type.attributes ? { attributes: type.attributes } : {}),
      target: type.target,
    })),
    logger,
  });
}
