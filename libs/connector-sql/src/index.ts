export { sqlConnectorFactory } from './sql-connector.factory';
export { SqlConnector } from './sql.connector';
export { sqlSettingsSchema, SQL_DIALECTS } from './sql-settings';
export type { SqlConnectionSettings, SqlDialect, SqlTargetSettings } from './sql-settings';
export { classifySqlError } from './sql-errors';
