import { parseConfig } from './config.loader';
import { redactConfig } from './config.redaction';

describe('redactConfig', () => {
  const config = parseConfig(
    `
redis: { url: 'redis://:r3dis-pass@cache:6379' }
connectors:
  hr:
    type: sql
    secretToken: 0123456789abcdef
    connection:
      host: db
      password: hunter2hunter2
      auth: { clientSecret: abc, apiKey: xyz }
      url: 'postgres://ch:pg-pass@db/hr'
      connectionString: 'Server=db;User Id=ch;Password=mssql-pass;'
    objectTypes:
      User: { anchor: Id, target: { table: People, token: t0k } }
`,
    { env: {} },
  );

  it('replaces tokens, secret-looking keys and URL credentials with ***', () => {
    const redacted = redactConfig(config);
    const connector = redacted.connectors[0]!;
    expect(connector.secretToken).toBe('***');
    expect(connector.connection).toEqual({
      host: 'db',
      password: '***',
      auth: { clientSecret: '***', apiKey: '***' },
      url: 'postgres://ch:***@db/hr',
      connectionString: 'Server=db;User Id=ch;Password=***;',
    });
    expect(connector.objectTypes[0]!.target).toEqual({ table: 'People', token: '***' });
    expect(redacted.redis.url).toBe('redis://:***@cache:6379');
    const text = JSON.stringify(redacted);
    for (const secret of ['0123456789abcdef', 'hunter2', 'r3dis-pass', 'pg-pass', 'mssql-pass', 't0k']) {
      expect(text).not.toContain(secret);
    }
  });

  it('leaves the original untouched', () => {
    redactConfig(config);
    expect(config.connectors[0]!.secretToken).toBe('0123456789abcdef');
    expect(config.connectors[0]!.connection['password']).toBe('hunter2hunter2');
  });
});
