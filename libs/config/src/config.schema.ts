import * as path from 'node:path';
import schemaJson from '../schema/connector-host.schema.json';

/** Where the published JSON Schema of the config file lives (for editors and the CLI). */
export const CONFIG_SCHEMA_PATH = path.resolve(__dirname, '../schema/connector-host.schema.json');

/** The published JSON Schema (draft-07) of the config file. */
export const configSchema: Readonly<Record<string, unknown>> = schemaJson;

/** Per connector type: the JSON Schemas of its `connection` block and of `objectTypes.*.target`. */
export type ConnectorSettingsSchemas = Readonly<Record<string, { connection: object; target: object }>>;
