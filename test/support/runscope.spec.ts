import { compare, propertyAt, substitute } from './runscope';

describe('Runscope replay semantics', () => {
  const json = { schemas: ['urn:a'], active: true, totalResults: 0, emails: [{ value: 'x@y' }], etag: { supported: false }, empty: {} };

  it('resolves dot and bracket paths; a name on an array names nothing', () => {
    expect(propertyAt(json, 'emails[0].value')).toBe('x@y');
    expect(propertyAt(json, 'emails.value')).toBeUndefined();
    expect(propertyAt(json, 'etag.supported')).toBe(false);
    expect(propertyAt(json, 'missing.deeper')).toBeUndefined();
  });

  it('compares as Runscope documents', () => {
    expect(compare('equal', true, 'true')).toBe(true);
    expect(compare('equal', 0, '0')).toBe(true);
    expect(compare('equal', undefined, 'undefined')).toBe(false);
    expect(compare('equal_number', '201', '201')).toBe(true);
    expect(compare('equal_number', 200, '201')).toBe(false);
    expect(compare('not_empty', false, null)).toBe(true);
    expect(compare('not_empty', {}, null)).toBe(false);
    expect(compare('not_empty', [], null)).toBe(false);
    expect(compare('not_empty', undefined, null)).toBe(false);
    expect(compare('has_value', ['urn:a'], 'urn:a')).toBe(true);
    expect(compare('has_value', 'urn:a', 'urn:a')).toBe(false);
    expect(compare('contains', ['urn:a', 'urn:b'], 'urn:b')).toBe(true);
    expect(compare('is_a_number', 3, null)).toBe(true);
    expect(compare('is_a_number', '3', null)).toBe(false);
    expect(() => compare('matches_regex', 'a', 'a')).toThrow('does not know');
  });

  it('substitutes variables and refuses an undefined one, as Runscope fails such a step', () => {
    expect(substitute('{{a}}/{{ b }}', { a: '1', b: '2' })).toBe('1/2');
    expect(() => substitute('{{idUserOne}}', {})).toThrow("Variable 'idUserOne' was not defined");
  });
});
