import { createHash } from 'node:crypto';
import { configSchema, type ConnectorConfig } from '@connector-host/config';
import { createConnectorAuthenticator } from './connector-authenticator';
import { hashToken, parseTokenHash, TOKEN_HASH_PATTERN, verifyTokenHash } from './token-hash';

const TOKEN = 'Tok_3f9a1c77e2b4.Secret';

function connector(auth: Partial<ConnectorConfig>): ConnectorConfig {
  return { name: 'hr', type: 'sql', connection: {}, objectTypes: [], runProfiles: { export: true, fullImport: true, deltaImport: false }, autosyncMinutes: 0, exportPageSize: 1, exportPartitions: 1, exportRetries: 0, ...auth };
}

describe('token hashes', () => {
  it('sha256: the lower-case hex digest, verified only by the same token', async () => {
    const hash = await hashToken(TOKEN);
    expect(hash).toBe('sha256:' + createHash('sha256').update(TOKEN).digest('hex'));
    const parsed = parseTokenHash(hash)!;
    expect(await verifyTokenHash(TOKEN, parsed)).toBe(true);
    expect(await verifyTokenHash(`${TOKEN} `, parsed)).toBe(false);
    expect(await verifyTokenHash('', parsed)).toBe(false);
  });

  it('scrypt: salted, so the same token hashes differently each time, and both verify', async () => {
    const [first, second] = [await hashToken(TOKEN, 'scrypt'), await hashToken(TOKEN, 'scrypt')];
    expect(first).toMatch(/^scrypt:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{43}$/);
    expect(first).not.toBe(second);
    expect(await verifyTokenHash(TOKEN, parseTokenHash(first)!)).toBe(true);
    expect(await verifyTokenHash(TOKEN, parseTokenHash(second)!)).toBe(true);
    expect(await verifyTokenHash('Tok_3f9a1c77e2b4.SecreT', parseTokenHash(first)!)).toBe(false);
  }, 30000); // scrypt

  it.each(['sha256:ABC', `sha256:${'A'.repeat(64)}`, `sha256:${'0'.repeat(63)}`, 'md5:0123', `scrypt:${'a'.repeat(22)}`, `scrypt:${'a'.repeat(22)}:${'b'.repeat(42)}`, TOKEN])(
    'rejects the malformed hash %p',
    (text) => {
      expect(parseTokenHash(text)).toBeUndefined();
    },
  );

  it('has the same shapes as the config schema accepts', async () => {
    const schemaPattern = new RegExp((configSchema as any).definitions.connector.properties.secretTokenHash.pattern);
    expect(schemaPattern.source).toBe(TOKEN_HASH_PATTERN.source);
    expect(await hashToken(TOKEN, 'sha256')).toMatch(schemaPattern);
    expect(await hashToken(TOKEN, 'scrypt')).toMatch(schemaPattern);
  });
});

describe('createConnectorAuthenticator', () => {
  it('a plain secretToken opens with exactly that token', async () => {
    const check = createConnectorAuthenticator(connector({ secretToken: TOKEN }));
    expect(await check(TOKEN)).toEqual({ ok: true });
    expect(await check(TOKEN.slice(0, -1))).toEqual({ ok: false, reason: 'token does not match secretToken' });
    expect(await check('')).toMatchObject({ ok: false });
  });

  it.each(['sha256', 'scrypt'] as const)('a %s secretTokenHash opens with the token, not with the hash itself', async (algorithm) => {
    const hash = await hashToken(TOKEN, algorithm);
    const check = createConnectorAuthenticator(connector({ secretTokenHash: hash }));
    expect(await check(TOKEN)).toEqual({ ok: true });
    expect(await check(TOKEN)).toEqual({ ok: true }); // scrypt: the remembered digest
    expect(await check(hash)).toEqual({ ok: false, reason: 'token does not match secretTokenHash' });
    expect(await check('wrong-token-0123456789')).toEqual({ ok: false, reason: 'token does not match secretTokenHash' });
  }, 30000); // scrypt

  it('refuses a connector without a way to authenticate, or with a hand-made malformed hash', () => {
    expect(() => createConnectorAuthenticator(connector({}))).toThrow('connector hr has no secretToken, secretTokenHash or jwt');
    expect(() => createConnectorAuthenticator(connector({ secretTokenHash: 'sha256:xyz' }))).toThrow('connectors.hr.secretTokenHash');
  });
});
