import { ScimError, isScimError } from './errors';

describe('ScimError', () => {
  it('renders the RFC 7644 §3.12 body with the status as a string', () => {
    const error = ScimError.invalidFilter('Invalid filter at position 3');
    expect(error).toBeInstanceOf(Error);
    expect(isScimError(error)).toBe(true);
    expect(error.status).toBe(400);
    expect(error.message).toBe('Invalid filter at position 3');
    expect(error.toBody()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'Invalid filter at position 3',
    });
  });

  it('leaves scimType out where none applies', () => {
    const body = ScimError.notFound('User 42 not found').toBody();
    expect(body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'User 42 not found' });
    expect('scimType' in body).toBe(false);
  });

  it('maps each helper to its status and scimType', () => {
    const cases: Array<[ScimError, number, string | undefined]> = [
      [ScimError.tooMany('x'), 400, 'tooMany'],
      [ScimError.uniqueness('x'), 409, 'uniqueness'],
      [ScimError.mutability('x'), 400, 'mutability'],
      [ScimError.invalidSyntax('x'), 400, 'invalidSyntax'],
      [ScimError.invalidPath('x'), 400, 'invalidPath'],
      [ScimError.noTarget('x'), 400, 'noTarget'],
      [ScimError.invalidValue('x'), 400, 'invalidValue'],
      [ScimError.invalidVersion('x'), 400, 'invalidVers'],
      [ScimError.sensitive('x'), 403, 'sensitive'],
      [ScimError.badRequest('x'), 400, undefined],
      [ScimError.unauthorized('x'), 401, undefined],
      [ScimError.forbidden('x'), 403, undefined],
      [ScimError.conflict('x'), 409, undefined],
      [ScimError.preconditionFailed('x'), 412, undefined],
      [ScimError.payloadTooLarge('x'), 413, undefined],
      [ScimError.internal('x'), 500, undefined],
      [ScimError.notImplemented('x'), 501, undefined],
    ];
    for (const [error, status, scimType] of cases) expect([error.status, error.scimType]).toEqual([status, scimType]);
  });

  it('is not confused with other errors', () => {
    expect(isScimError(new Error('x'))).toBe(false);
    expect(isScimError({ status: 400, detail: 'x' })).toBe(false);
  });
});
