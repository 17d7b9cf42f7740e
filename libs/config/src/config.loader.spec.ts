import * as path from 'node:path';
import { ConfigError, loadConfig, parseConfig, type ParseConfigOptions } from './index';

const TOKEN = 'Tok_3f9a1c77e2b4.Secret';
const env = { DEMO_SECRET_TOKEN: TOKEN };

function configError(yaml: string, options: ParseConfigOptions = {}): ConfigError {
  try {
    parseConfig(yaml, { sourceName: 'config.yaml', env, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    // Invariant 7: no message ever carries the token.
    expect(configError.message).not.toContain(TOKEN);
    return configError;
  }
  throw new Error('expected a ConfigError');
}

/** A minimal valid file; `extra` lines go under the User object type. */
function minimal(extra = '', connector = ''): string {
  return [
    'connectors:',
    '  demo:',
    '    type: sql',
    '    secretToken: ${DEMO_SECRET_TOKEN}',
    ...(connector ? [connector] : []),
    '    objectTypes:',
    '      User:',
    '        anchor: ContosoLogin',
    ...(extra ? [extra] : []),
  ].join('\n');
}

describe('parseConfig', () => {
  it('shapes a full file into HostConfig', () => {
    const yaml = `
server: { host: 127.0.0.1, port: 9000, deadlineSeconds: 20.5, bodyLimit: 512kb }
redis: { url: 'redis://localhost:6380/2', prefix: test }
logging: { level: debug }
workers: { lockSeconds: 5, shutdownSeconds: 2.5 }
connectors:
  hr:
    type: sql
    secretToken: \${DEMO_SECRET_TOKEN}
    autosyncMinutes: 0
    exportPageSize: 500
    exportPartitions: 4
    exportRetries: 2
    maxConcurrentExports: 2
    circuitBreaker: { failures: 3, openSeconds: 1.5 }
    runProfiles: { deltaImport: true }
    connection: { dialect: sqlite, file: hr.sqlite }
    objectTypes:
      User:
        anchor: EmployeeID
        queryAttributes: [EmployeeID, Mail]
        dn: { template: "uid={EmployeeID},ou=People,dc=example,dc=com" }
        attributes: [EmployeeID, Mail, Active]
        scim: { userName: EmployeeID, 'emails[type eq "work"].value': Mail }
        deprovisioning: { disable: delete, delete: none }
        target: { table: People, watermarkColumn: UpdatedAt }
      Group:
        anchor: GroupID
        dn: { attribute: DistinguishedName }
`;
    const config = parseConfig(yaml, { env, baseDir: '/etc/ch' });
    expect(config).toEqual({
      server: { host: '127.0.0.1', port: 9000, deadlineMs: 20500, bodyLimitBytes: 512 * 1024, metricsPort: 9464 },
      redis: { url: 'redis://localhost:6380/2', prefix: 'test' },
      logging: { level: 'debug', provisioningLog: { maxEntries: 10000 } },
      workers: { lockMs: 5000, shutdownMs: 2500 },
      baseDir: '/etc/ch',
      connectors: [
        {
          name: 'hr',
          type: 'sql',
          secretToken: TOKEN,
          autosyncMinutes: 0,
          exportPageSize: 500,
          exportPartitions: 4,
          exportRetries: 2,
          maxConcurrentExports: 2,
          circuitBreaker: { failures: 3, openMs: 1500 },
          runProfiles: { export: true, fullImport: true, deltaImport: true },
          connection: { dialect: 'sqlite', file: 'hr.sqlite' },
          objectTypes: [
            {
              name: 'User',
              anchor: 'EmployeeID',
              queryAttributes: ['EmployeeID', 'Mail'],
              dn: { kind: 'template', template: 'uid={EmployeeID},ou=People,dc=example,dc=com' },
              attributes: ['EmployeeID', 'Mail', 'Active'],
              scimMappings: { userName: 'EmployeeID', 'emails[type eq "work"].value': 'Mail' },
              deprovisioning: { disable: { flow: 'delete' }, delete: { flow: 'none' } },
              references: [],
              target: { table: 'People', watermarkColumn: 'UpdatedAt' },
            },
            {
              name: 'Group',
              anchor: 'GroupID',
              queryAttributes: ['GroupID'],
              dn: { kind: 'attribute', attribute: 'DistinguishedName' },
              scimMappings: {},
              deprovisioning: { disable: { flow: 'none' }, delete: { flow: 'delete' } },
              references: [],
              target: {},
            },
          ],
        },
      ],
    });
  });

  it('applies every default to a minimal file', () => {
    const config = parseConfig(minimal(), { env, baseDir: '/srv' });
    expect(config.server).toEqual({ host: '0.0.0.0', port: 8585, deadlineMs: 50_000, bodyLimitBytes: 1024 * 1024, metricsPort: 9464 });
    expect(config.redis).toEqual({ prefix: 'ch' });
    expect(config.logging).toEqual({ level: 'info', provisioningLog: { maxEntries: 10000 } });
    expect(config.workers).toEqual({ lockMs: 30_000, shutdownMs: 20_000 });
    expect(config.connectors).toEqual([
      {
        name: 'demo',
        type: 'sql',
        secretToken: TOKEN,
        connection: {},
        autosyncMinutes: 120,
        exportPageSize: 100,
        exportPartitions: 8,
        exportRetries: 5,
        maxConcurrentExports: 8,
        circuitBreaker: { failures: 5, openMs: 30_000 },
        runProfiles: { export: true, fullImport: true, deltaImport: false },
        objectTypes: [
          {
            name: 'User',
            anchor: 'ContosoLogin',
            queryAttributes: ['ContosoLogin'],
            dn: { kind: 'autogenerated' },
            scimMappings: {},
            deprovisioning: { disable: { flow: 'none' }, delete: { flow: 'delete' } },
            references: [],
            target: {},
          },
        ],
      },
    ]);
  });

  it('maps the setAttribute disable flow and a numeric body limit', () => {
    const config = parseConfig(
      `server: { bodyLimit: 2048 }\n${minimal('        deprovisioning: { disable: { setAttribute: Enabled } }')}`,
      { env },
    );
    expect(config.server.bodyLimitBytes).toBe(2048);
    expect(config.connectors[0]!.objectTypes[0]!.deprovisioning.disable).toEqual({ flow: 'setAttribute', attribute: 'Enabled' });
  });

  it('treats a key with no value as absent, so commented-out sections stay valid', () => {
    const config = parseConfig(`server:\n  # port: 9000\nredis:\n  url:\n${minimal()}`, { env });
    expect(config.server.port).toBe(8585);
    expect(config.redis.url).toBeUndefined();
  });

  describe('interpolation', () => {
    it('replaces ${NAME} and ${NAME:-default}, and types unquoted values by the schema', () => {
      const yaml = `server: { host: '\${BIND:-127.0.0.1}', port: "\${PORT:-8080}" }\n${minimal('', '    runProfiles:\n      deltaImport: ${DELTA}')}`;
      const config = parseConfig(yaml, { env: { ...env, DELTA: 'true' } });
      expect(config.server.host).toBe('127.0.0.1');
      expect(config.server.port).toBe(8080);
      expect(config.connectors[0]!.secretToken).toBe(TOKEN);
      expect(config.connectors[0]!.runProfiles.deltaImport).toBe(true);
    });

    it('keeps a numeric token a string', () => {
      const config = parseConfig(minimal(), { env: { DEMO_SECRET_TOKEN: '123456789012345' } });
      expect(config.connectors[0]!.secretToken).toBe('123456789012345');
    });

    it('reports a missing variable with its name, the key and the line', () => {
      const error = configError(minimal(), { env: {} });
      expect(error.issues).toEqual([
        { path: 'connectors.demo.secretToken', line: 4, message: expect.stringContaining('DEMO_SECRET_TOKEN is not set') },
      ]);
      expect(error.message).toMatch(/^config\.yaml:4: connectors\.demo\.secretToken: environment variable DEMO_SECRET_TOKEN is not set/);
    });

    it('treats an unquoted value that interpolates to nothing as absent', () => {
      const config = parseConfig(`redis:\n  url: \${REDIS_ADDRESS:-}\n${minimal()}`, { env });
      expect(config.redis.url).toBeUndefined();
    });
  });

  describe('environment overrides', () => {
    it('REDIS_URL fills redis.url only when the file has none; HOST_PORT overrides server.port', () => {
      const overrides = { ...env, REDIS_URL: 'redis://cache:6379', HOST_PORT: '9999' };
      expect(parseConfig(minimal(), { env: overrides }).redis.url).toBe('redis://cache:6379');
      const config = parseConfig(`server: { port: 1234 }\nredis: { url: 'redis://file:6379' }\n${minimal()}`, { env: overrides });
      expect(config.redis.url).toBe('redis://file:6379');
      expect(config.server.port).toBe(9999);
    });

    it('rejects a HOST_PORT that is not a port', () => {
      const error = configError(minimal(), { env: { ...env, HOST_PORT: 'eighty' } });
      expect(error.issues).toEqual([{ path: 'server.port', message: expect.stringContaining('HOST_PORT') }]);
    });

    it('METRICS_PORT overrides server.metricsPort, and must be a port', () => {
      const config = parseConfig(`server: { metricsPort: 9100 }\n${minimal()}`, { env: { ...env, METRICS_PORT: '9200' } });
      expect(config.server.metricsPort).toBe(9200);
      expect(parseConfig(`server: { metricsPort: 9100 }\n${minimal()}`, { env }).server.metricsPort).toBe(9100);
      const error = configError(minimal(), { env: { ...env, METRICS_PORT: '70000' } });
      expect(error.issues).toEqual([{ path: 'server.metricsPort', message: expect.stringContaining('METRICS_PORT') }]);
    });

    it('rejects a provisioning log smaller than 100 entries', () => {
      const error = configError(`logging: { provisioningLog: { maxEntries: 5 } }\n${minimal()}`);
      expect(error.issues).toEqual([expect.objectContaining({ path: 'logging.provisioningLog.maxEntries' })]);
    });
  });

  describe('bad input', () => {
    it('rejects a connector name that is not [A-Za-z0-9]+', () => {
      const error = configError(minimal().replace('  demo:', '  my-conn:'));
      expect(error.issues).toEqual([
        { path: 'connectors.my-conn', line: 2, message: 'is not a valid connector name: use letters and digits only ([A-Za-z0-9]+)' },
      ]);
    });

    it('rejects a short secret token without showing it', () => {
      const error = configError(minimal(), { env: { DEMO_SECRET_TOKEN: 'short-tok' } });
      expect(error.message).toBe('config.yaml:4: connectors.demo.secretToken: must be at least 12 characters long');
      expect(error.message).not.toContain('short-tok');
    });

    it('names an unknown key, its line, and the key it probably meant', () => {
      const error = configError(minimal().replace('anchor:', 'anchr:'));
      expect(error.issues).toEqual([
        {
          path: 'connectors.demo.objectTypes.User.anchr',
          line: 7,
          message: 'unknown key "anchr" (did you mean "anchor"?)',
        },
      ]);
    });

    it('lists the allowed keys when no key is close', () => {
      const error = configError(`colour: blue\n${minimal()}`);
      expect(error.issues[0]).toEqual({
        path: 'colour',
        line: 1,
        message: 'unknown key "colour"; allowed keys: server, redis, workers, logging, connectors',
      });
    });

    it('says what type was expected', () => {
      const error = configError(`server: { port: eighty }\n${minimal()}`);
      expect(error.message).toBe('config.yaml:1: server.port: must be a whole number, not text');
    });

    it('names a reference to an object type the connector does not provision, and a `by` it cannot look up', () => {
      const error = configError(minimal('        queryAttributes: [ContosoLogin]\n        references:\n          Manager: { to: [Group], by: Email }'));
      expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
        'connectors.demo.objectTypes.User.references.Manager.to[0]: refers to Group, which connector demo does not provision',
      ]);
      const by = configError(minimal('        references:\n          Manager: { to: [User], by: Email }'));
      expect(by.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
        'connectors.demo.objectTypes.User.references.Manager.by: "Email" must be dn, anchor, or the anchor or one of the queryAttributes of User (the host finds references by it)',
      ]);
      const shape = configError(minimal('        references:\n          Manager: { to: [Person] }'));
      expect(shape.message).toContain('references.Manager.to[0]');
    });

    it('shapes references', () => {
      const config = parseConfig(minimal('        references:\n          Manager: { to: [User], by: anchor }\n          Buddy: {}'), { env, baseDir: '/srv' });
      expect(config.connectors[0].objectTypes[0].references).toEqual([{ attribute: 'Manager', to: ['User'], by: 'anchor' }, { attribute: 'Buddy' }]);
    });

    it('lists the allowed values of an enum', () => {
      const error = configError(minimal('        deprovisioning: { delete: soft }'));
      expect(error.issues).toEqual([
        {
          path: 'connectors.demo.objectTypes.User.deprovisioning.delete',
          line: 8,
          message: 'must be one of: none, delete, got "soft"',
        },
      ]);
      const disable = configError(minimal('        deprovisioning:\n          disable: disabled'));
      expect(disable.message).toBe(
        'config.yaml:9: connectors.demo.objectTypes.User.deprovisioning.disable: must be none, delete or { setAttribute: <attribute> }, got "disabled"',
      );
    });

    it('explains the dn forms', () => {
      for (const dn of ['dn: generated', 'dn: { attribute: X, template: "cn={X}" }', 'dn: { template: "cn=fixed" }', 'dn: [a]']) {
        const error = configError(minimal(`        ${dn}`));
        expect(error.issues).toEqual([
          { path: 'connectors.demo.objectTypes.User.dn', line: 8, message: expect.stringMatching(/^must be autogenerated, \{ attribute: <attribute> \} or \{ template:/) },
        ]);
      }
    });

    it('reports a YAML syntax error with its line', () => {
      const error = configError('connectors:\n  demo:\n    type: sql\n   secretToken: [unclosed\n');
      expect(error.issues.length).toBeGreaterThan(0);
      expect(error.issues[0]).toMatchObject({ path: '', line: expect.any(Number), message: expect.stringMatching(/^YAML: /) });
      expect(error.message).toMatch(/^config\.yaml:\d+: YAML: /);
    });

    it('suggests quotes when ${...} breaks a flow mapping', () => {
      const error = configError(`redis: { url: \${REDIS_URL} }\n${minimal()}`);
      expect(error.issues).toEqual([{ path: '', line: 1, message: expect.stringContaining('put values that use ${...} in quotes') }]);
    });

    it('never echoes the token, even where a value would be echoed', () => {
      const error = configError(minimal().replace('type: sql', 'type: ${DEMO_SECRET_TOKEN}'));
      expect(error.issues).toEqual([{ path: 'connectors.demo.type', line: 3, message: 'must be a connector type name such as sql, ldap or rest' }]);
    });

    it('never repeats a secret written inline in a broken file', () => {
      const error = configError(`connectors:\n  demo:\n    secretToken: ${TOKEN}\n    type: [sql\n`);
      expect(error.message).not.toContain(TOKEN);
    });

    it('rejects duplicate keys, naming both lines', () => {
      const error = configError(minimal('        anchor: Other'));
      expect(error.issues).toEqual([
        {
          path: 'connectors.demo.objectTypes.User.anchor',
          line: 8,
          message: 'duplicate key "anchor" (first given on line 7)',
        },
      ]);
    });

    it('rejects merge keys, even inside connection', () => {
      const error = configError(minimal('', '    connection:\n      <<: { dialect: sqlite }'));
      expect(error.issues).toEqual([{ path: 'connectors.demo.connection', line: 6, message: expect.stringContaining('merge keys') }]);
    });

    it('reports a missing required key at its parent, and a key left empty at its own line', () => {
      const missing = configError(minimal().replace('    type: sql\n', ''));
      expect(missing.issues).toEqual([{ path: 'connectors.demo.type', line: 2, message: 'is required' }]);
      const empty = configError(minimal().replace('    type: sql', '    type:'));
      expect(empty.issues).toEqual([{ path: 'connectors.demo.type', line: 3, message: 'has no value; it is required' }]);
    });

    it('rejects an empty file and a file without connectors', () => {
      expect(configError('# nothing yet\n').message).toBe('config.yaml:1: the file is empty; it needs at least a connectors: section');
      expect(configError('logging: { level: info }\n').issues).toEqual([{ path: 'connectors', line: 1, message: 'is required' }]);
    });

    it('rejects attributes that are not selected', () => {
      const error = configError(minimal('        attributes: [FirstName]\n        scim: { name.givenName: FirstNme }'));
      expect(error.issues).toEqual([
        {
          path: 'connectors.demo.objectTypes.User.scim["name.givenName"]',
          line: 9,
          message: '"FirstNme" is not among the selected attributes (add it to attributes)',
        },
      ]);
    });

    it('reports every problem at once, sorted by line', () => {
      const error = configError(`logging: { level: verbose }\n${minimal('        anchr: x', '    autosyncMinutes: -1')}`);
      expect(error.issues.map((issue) => [issue.line, issue.path])).toEqual([
        [1, 'logging.level'],
        [6, 'connectors.demo.autosyncMinutes'],
        [10, 'connectors.demo.objectTypes.User.anchr'],
      ]);
      expect(error.message.split('\n')).toHaveLength(3);
    });
  });

  describe('connector settings schemas', () => {
    const schemas = {
      sql: {
        connection: {
          type: 'object',
          additionalProperties: false,
          required: ['dialect'],
          properties: {
            dialect: { enum: ['sqlite', 'postgres'] },
            file: { type: 'string' },
            port: { type: 'integer' },
            password: { type: 'string', minLength: 8 },
          },
        },
        target: { type: 'object', required: ['table'], properties: { table: { type: 'string' } } },
      },
      ldap: { connection: { type: 'object' }, target: { type: 'object' } },
    };

    it('accepts settings that match the type and retypes interpolated values', () => {
      const yaml = minimal('        target: { table: Employees }', '    connection: { dialect: sqlite, port: "${DB_PORT}" }');
      const config = parseConfig(yaml, { env: { ...env, DB_PORT: '5432' }, connectorSettingsSchemas: schemas });
      expect(config.connectors[0]!.connection).toEqual({ dialect: 'sqlite', port: 5432 });
    });

    it('rejects an unknown connector type, listing the known ones', () => {
      const error = configError(minimal().replace('type: sql', 'type: sqll'), { connectorSettingsSchemas: schemas });
      expect(error.message).toBe('config.yaml:3: connectors.demo.type: unknown connector type "sqll"; known types: ldap, sql');
    });

    it('reports violations of the type schema under the connection and target keys', () => {
      const yaml = minimal('        target: { tabel: Employees }', '    connection:\n      dialect: oracle\n      password: hunter2');
      const error = configError(yaml, { connectorSettingsSchemas: schemas, env: { ...env } });
      expect(error.issues).toEqual([
        { path: 'connectors.demo.connection.dialect', line: 6, message: 'must be one of: sqlite, postgres' },
        { path: 'connectors.demo.connection.password', line: 7, message: 'must be at least 8 characters long' },
        { path: 'connectors.demo.objectTypes.User.target.table', line: 11, message: 'is required' },
      ]);
      expect(error.message).not.toContain('hunter2');
    });
  });
});

describe('loadConfig', () => {
  const repoRoot = path.resolve(__dirname, '../../..');

  it('loads the quick-start config/demo.yaml', () => {
    const config = loadConfig(path.join(repoRoot, 'config/demo.yaml'), {
      env,
      connectorSettingsSchemas: { sql: { connection: { type: 'object' }, target: { type: 'object', required: ['table'] } } },
    });
    expect(config.baseDir).toBe(path.join(repoRoot, 'config'));
    expect(config.server.port).toBe(8585);
    const [demo] = config.connectors;
    expect(demo).toMatchObject({
      name: 'demo',
      type: 'sql',
      secretToken: TOKEN,
      connection: { dialect: 'sqlite', file: '../data/demo.sqlite' },
    });
    expect(demo!.objectTypes).toEqual([
      {
        name: 'User',
        anchor: 'ContosoLogin',
        queryAttributes: ['ContosoLogin'],
        dn: { kind: 'autogenerated' },
        attributes: ['ContosoLogin', 'FirstName', 'LastName', 'Email', 'AzureID', 'textID', 'Enabled'],
        scimMappings: {
          userName: 'ContosoLogin',
          'name.givenName': 'FirstName',
          'name.familyName': 'LastName',
          'emails[type eq "work"].value': 'Email',
          externalId: 'AzureID',
          active: 'Enabled',
        },
        deprovisioning: { disable: { flow: 'setAttribute', attribute: 'Enabled' }, delete: { flow: 'delete' } },
        references: [],
        target: { table: 'Employees' },
      },
      {
        name: 'Group',
        anchor: 'GroupId',
        queryAttributes: ['DisplayName'],
        dn: { kind: 'autogenerated' },
        attributes: ['GroupId', 'DisplayName', 'members'],
        scimMappings: { displayName: 'DisplayName', members: 'members' },
        deprovisioning: { disable: { flow: 'none' }, delete: { flow: 'delete' } },
        references: [],
        target: { table: 'Groups', members: { table: 'GroupMembers', groupColumn: 'GroupId', memberColumn: 'MemberLogin' } },
      },
    ]);
    expect(path.resolve(config.baseDir, String(demo!.connection['file']))).toBe(path.join(repoRoot, 'data/demo.sqlite'));
  });

  it('names the file it cannot read', () => {
    expect(() => loadConfig('/nonexistent/config.yaml', { env })).toThrow('/nonexistent/config.yaml: cannot read the config file (ENOENT)');
  });
});
