import { applicationMessage, networkError, parseRetryAfter, reasonOfStatus, scrubSecrets, statusError } from './target-errors';
import { parseValuePath } from './value-path';

describe('target errors', () => {
  it('maps statuses: 429/5xx retryable, 404 notFound, 409 alreadyExists, 400/422 invalidValue, 401/403 permissionDenied', () => {
    const cases: Array<[number, string, boolean]> = [
      [429, 'busy', true],
      [500, 'unavailable', true],
      [502, 'unavailable', true],
      [503, 'unavailable', true],
      [504, 'timeout', true],
      [408, 'timeout', true],
      [404, 'notFound', false],
      [410, 'notFound', false],
      [409, 'alreadyExists', false],
      [400, 'invalidValue', false],
      [422, 'invalidValue', false],
      [401, 'permissionDenied', false],
      [403, 'permissionDenied', false],
      [405, 'unsupported', false],
      [501, 'unsupported', false],
      [412, 'constraintViolation', false],
    ];
    for (const [status, reason, retryable] of cases) {
      const error = statusError({ status, what: 'POST /x', body: '' });
      expect({ status, reason: error.reason, retryable: error.retryable }).toEqual({ status, reason, retryable });
    }
    expect(reasonOfStatus(418)).toBe('constraintViolation');
  });

  it('reads Retry-After as seconds or as an HTTP date, only on 429 and 5xx', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('999999999', now)).toBe(3_600_000);
    expect(statusError({ status: 429, what: 'x', body: '', retryAfter: '3' }).retryAfterMs).toBe(3000);
    expect(statusError({ status: 409, what: 'x', body: '', retryAfter: '3' }).retryAfterMs).toBeUndefined();
  });

  it("carries the application's message from the usual places, one line, bounded", () => {
    expect(applicationMessage('{"detail":"userName taken"}')).toBe('userName taken');
    expect(applicationMessage('{"error":{"message":"bad email"}}')).toBe('bad email');
    expect(applicationMessage('{"errors":[{"message":"first"},{"message":"second"}]}')).toBe('first');
    expect(applicationMessage('{"error":"invalid_client","error_description":"wrong secret"}')).toBe('wrong secret');
    expect(applicationMessage('{"result":{"why":"custom"}}', parseValuePath('/result/why'))).toBe('custom');
    expect(applicationMessage('<html><title>502 Bad Gateway</title><body>…</body></html>')).toBe('502 Bad Gateway');
    expect(applicationMessage('line one\n  line two')).toBe('line one line two');
    expect(applicationMessage('x'.repeat(1000))).toHaveLength(301);
    expect(statusError({ status: 400, what: 'POST /users', body: '{"message":"no"}' }).message).toBe('POST /users answered 400: no');
  });

  it('scrubs known secrets from what the application echoes', () => {
    expect(scrubSecrets('password hunter22 is too weak', ['hunter22'])).toBe('password *** is too weak');
    expect(statusError({ status: 400, what: 'x', body: '{"message":"bad token abcdef123"}', secrets: ['abcdef123'] }).message).not.toContain('abcdef123');
  });

  it('classifies failures below HTTP as retryable', () => {
    expect(networkError('GET x', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).reason).toBe('unavailable');
    expect(networkError('GET x', Object.assign(new Error('no complete answer'), { code: 'TARGET_TIMEOUT' })).reason).toBe('timeout');
    expect(networkError('GET x', Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })).message).toMatch(/TLS failed.*connection\.tls/);
  });
});
