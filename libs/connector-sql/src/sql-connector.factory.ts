import type { ConnectorContext, ConnectorFactory } from '@connector-host/connector-sdk';
import { sqlSettingsSchema } from './sql-settings';
import { SqlConnector } from './sql.connector';

/** Connector type `sql`: SQLite, PostgreSQL, MySQL / MariaDB and SQL Server tables. */
export const sqlConnectorFactory: ConnectorFactory = {
  type: 'sql',
  settingsSchema: sqlSettingsSchema,
  create: (context: ConnectorContext) => new SqlConnector(context),
};
