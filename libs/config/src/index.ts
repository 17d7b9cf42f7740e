export * from './config.types';
export { loadConfig, parseConfig, type LoadConfigOptions, type ParseConfigOptions } from './config.loader';
export { ConfigError, type ConfigIssue } from './config.error';
export { redactConfig, isSecretKey, REDACTED } from './config.redaction';
export { CONFIG_SCHEMA_PATH, configSchema, type ConnectorSettingsSchemas } from './config.schema';
export { CONFIG_DEFAULTS } from './config.defaults';
export type { Environment } from './config.interpolation';
