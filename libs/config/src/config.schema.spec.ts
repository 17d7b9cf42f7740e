import { readFileSync } from 'node:fs';
import { CONFIG_DEFAULTS } from './config.defaults';
import { CONFIG_SCHEMA_PATH, configSchema } from './config.schema';
import { parseByteSize } from './config.shape';

type Schema = Record<string, any>;

describe('published schema', () => {
  const schema = configSchema as Schema;

  it('is the file at CONFIG_SCHEMA_PATH', () => {
    expect(JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, 'utf8'))).toEqual(schema);
  });

  it('documents the same defaults the loader applies', () => {
    const defaultsOf = (properties: Schema) =>
      Object.fromEntries(Object.entries(properties).filter(([, p]) => 'default' in p).map(([k, p]) => [k, p.default]));
    const connector = schema['definitions'].connector.properties;
    const objectType = schema['definitions'].objectType.properties;
    expect(defaultsOf(schema['properties'].server.properties)).toEqual(CONFIG_DEFAULTS.server);
    expect(defaultsOf(schema['properties'].redis.properties)).toEqual(CONFIG_DEFAULTS.redis);
    expect(defaultsOf(schema['properties'].logging.properties)).toEqual(CONFIG_DEFAULTS.logging);
    expect(defaultsOf(schema['properties'].workers.properties)).toEqual(CONFIG_DEFAULTS.workers);
    const { runProfiles, ...scalars } = CONFIG_DEFAULTS.connector;
    expect(defaultsOf(connector)).toEqual({ ...scalars, connection: {} });
    expect(defaultsOf(connector.runProfiles.properties)).toEqual(runProfiles);
    expect(schema['definitions'].dnRule.default).toBe(CONFIG_DEFAULTS.objectType.dn);
    expect(objectType.deprovisioning.properties.disable.default).toBe(CONFIG_DEFAULTS.objectType.disable);
    expect(objectType.deprovisioning.properties.delete.default).toBe(CONFIG_DEFAULTS.objectType.delete);
  });
});

describe('parseByteSize', () => {
  it.each([
    [2048, 2048],
    ['100', 100],
    ['10b', 10],
    ['512kb', 524_288],
    ['1mb', 1_048_576],
    ['1.5MB', 1_572_864],
    ['1gb', 1_073_741_824],
  ])('%p is %p bytes', (size, bytes) => {
    expect(parseByteSize(size)).toBe(bytes);
  });
});
