import { ScimError } from '../errors';
import { parseAttributePath, parseFilter } from './filter.parser';
import type { FilterNode } from './filter.types';

/** A compact rendering of the AST, so precedence is visible in one string. */
function show(node: FilterNode): string {
  const path = (p: { uri?: string; attribute: string; subAttribute?: string }) =>
    `${p.uri ? `${p.uri}:` : ''}${p.attribute}${p.subAttribute ? `.${p.subAttribute}` : ''}`;
  switch (node.type) {
    case 'compare':
      return `${path(node.path)} ${node.operator} ${JSON.stringify(node.value)}`;
    case 'present':
      return `${path(node.path)} pr`;
    case 'and':
    case 'or':
      return `(${show(node.left)} ${node.type} ${show(node.right)})`;
    case 'not':
      return `not(${show(node.filter)})`;
    case 'valuePath':
      return `${path(node.path)}[${show(node.filter)}]`;
  }
}

function errorOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('parseFilter: every example filter of RFC 7644 §3.4.2.2', () => {
  const examples: Array<[string, string]> = [
    ['userName eq "bjensen"', 'userName eq "bjensen"'],
    ['name.familyName co "O\'Malley"', 'name.familyName co "O\'Malley"'],
    ['userName sw "J"', 'userName sw "J"'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"', 'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"'],
    ['title pr', 'title pr'],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', 'meta.lastModified gt "2011-05-13T04:42:34Z"'],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', 'meta.lastModified ge "2011-05-13T04:42:34Z"'],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', 'meta.lastModified lt "2011-05-13T04:42:34Z"'],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', 'meta.lastModified le "2011-05-13T04:42:34Z"'],
    ['title pr and userType eq "Employee"', '(title pr and userType eq "Employee")'],
    ['title pr or userType eq "Intern"', '(title pr or userType eq "Intern")'],
    [
      'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
      'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
    ],
    [
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      '(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))',
    ],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      '(userType ne "Employee" and not((emails co "example.com" or emails.value co "example.org")))',
    ],
    ['userType eq "Employee" and (emails.type eq "work")', '(userType eq "Employee" and emails.type eq "work")'],
    [
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      '(userType eq "Employee" and emails[(type eq "work" and value co "@example.com")])',
    ],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      '(emails[(type eq "work" and value co "@example.com")] or ims[(type eq "xmpp" and value co "@foo.com")])',
    ],
  ];

  it.each(examples)('%s', (text, expected) => {
    expect(show(parseFilter(text))).toBe(expected);
  });

  it('splits a URN-qualified path at the last colon', () => {
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"')).toEqual({
      type: 'compare',
      path: { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', attribute: 'userName' },
      operator: 'sw',
      value: 'J',
    });
    expect(parseFilter('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:FirstName eq "x"')).toMatchObject({
      path: { uri: 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User', attribute: 'FirstName' },
    });
    expect(parseFilter('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x"')).toMatchObject({
      path: { uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attribute: 'manager', subAttribute: 'value' },
    });
  });
});

describe('parseFilter: precedence and grouping', () => {
  it('binds and tighter than or, on either side', () => {
    expect(show(parseFilter('a pr or b pr and c pr'))).toBe('(a pr or (b pr and c pr))');
    expect(show(parseFilter('a pr and b pr or c pr'))).toBe('((a pr and b pr) or c pr)');
  });

  it('binds not tighter than and', () => {
    expect(show(parseFilter('not (a pr) and b pr'))).toBe('(not(a pr) and b pr)');
  });

  it('lets parentheses override precedence', () => {
    expect(show(parseFilter('(a pr or b pr) and c pr'))).toBe('((a pr or b pr) and c pr)');
  });

  it('is left-associative', () => {
    expect(show(parseFilter('a pr and b pr and c pr'))).toBe('((a pr and b pr) and c pr)');
    expect(show(parseFilter('a pr or b pr or c pr'))).toBe('((a pr or b pr) or c pr)');
  });

  it('reads operators and keywords in any case', () => {
    expect(show(parseFilter('userName EQ "x" AND title PR OR NOT (a Pr)'))).toBe('((userName eq "x" and title pr) or not(a pr))');
    expect(show(parseFilter('(ActiVe eq TRUE) and meta.lastmodified ge "2021-09-23T19:35:41.8420572Z"'))).toBe(
      '(ActiVe eq true and meta.lastmodified ge "2021-09-23T19:35:41.8420572Z")',
    );
  });

  it('tolerates extra whitespace and parentheses without spaces', () => {
    expect(show(parseFilter('  ( a pr )and(b eq 1)  '))).toBe('(a pr and b eq 1)');
  });

  it('treats an attribute called "not" as an attribute', () => {
    expect(show(parseFilter('not pr'))).toBe('not pr');
  });
});

describe('parseFilter: values', () => {
  it('reads JSON strings with escapes', () => {
    expect(parseFilter('displayName eq "a \\"quoted\\" \\\\ \\u00e9 \\n"')).toMatchObject({ value: 'a "quoted" \\ é \n' });
    expect(parseFilter('displayName eq ""')).toMatchObject({ value: '' });
    expect(parseFilter('displayName eq "a ) ] and or"')).toMatchObject({ value: 'a ) ] and or' });
  });

  it('reads numbers, booleans and null', () => {
    expect(parseFilter('x eq 42')).toMatchObject({ value: 42 });
    expect(parseFilter('x eq -1.5e3')).toMatchObject({ value: -1500 });
    expect(parseFilter('x eq 0')).toMatchObject({ value: 0 });
    expect(parseFilter('x eq true')).toMatchObject({ value: true });
    expect(parseFilter('x eq False')).toMatchObject({ value: false });
    expect(parseFilter('x eq null')).toMatchObject({ value: null });
  });

  it('reads unquoted words as strings by default, as the conformance collections send them', () => {
    expect(show(parseFilter('name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)'))).toBe(
      '(name.FamilyName eq "Employee" and (emails.Value co "example.com" or emails.Value co "example.org"))',
    );
    expect(parseFilter('meta.Created gt 2015-10-10T14:38:21.8617979-07:00')).toMatchObject({ value: '2015-10-10T14:38:21.8617979-07:00' });
    expect(parseFilter('userName sw O')).toMatchObject({ value: 'O' });
  });

  it('refuses unquoted words when bare values are off', () => {
    const error = errorOf(() => parseFilter('userName eq bjensen', { allowBareValues: false }));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toBe(
      'Invalid filter at position 13: expected a value (a quoted string, a number, true, false or null), found "bjensen"',
    );
  });
});

describe('parseFilter: errors say where and what was expected', () => {
  const cases: Array<[string, string]> = [
    ['userName eq', 'Invalid filter at position 12: expected a value (a quoted string, a number, true, false or null), found the end of the input'],
    ['userName xx "a"', 'Invalid filter at position 10: expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr), found "xx"'],
    ['userName eqq "a"', 'Invalid filter at position 10: expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr), found "eqq"'],
    ['userName', 'Invalid filter at position 9: expected a space and then an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr), found the end of the input'],
    ['userName eq "abc', 'Invalid filter at position 17: expected a closing quote for the string that starts at position 13, found the end of the input'],
    ['(userName eq "a"', 'Invalid filter at position 17: expected ")", found the end of the input'],
    ['userName eq "a")', 'Invalid filter at position 16: expected "and", "or" or the end of the filter, found ")"'],
    ['userName eq "a" userType eq "b"', 'Invalid filter at position 17: expected "and", "or" or the end of the filter, found "userType"'],
    ['userName eq "a" and', 'Invalid filter at position 20: expected an attribute path, "not" or "(", found the end of the input'],
    ['and userName eq "a"', 'Invalid filter at position 5: expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr), found "userName"'],
    ['emails[type eq "work"', 'Invalid filter at position 22: expected "]" closing the value filter, found the end of the input'],
    ['emails[type eq "work" and x[y pr]]', 'Invalid filter at position 28: value filters cannot be nested'],
    ['emails.value[type eq "work"]', 'Invalid filter at position 1: a value filter applies to an attribute, not to a sub-attribute'],
    ['name.givenName.x eq "a"', 'Invalid filter at position 15: an attribute path has at most one sub-attribute'],
    ['"bjensen" eq userName', 'Invalid filter at position 1: expected an attribute name, found ""bjensen""'],
    ['urn:ietf:params:scim:schemas:core:2.0:User: eq "a"', 'Invalid filter at position 44: expected an attribute name after the schema URN, found " "'],
    ['displayName eq "bad \\x escape"', 'Invalid filter at position 16: the string is not a valid JSON string (bad escape or control character)'],
    ['', 'The filter is empty'],
    ['   ', 'The filter is empty'],
  ];

  it.each(cases)('%j', (text, detail) => {
    const error = errorOf(() => parseFilter(text));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toBe(detail);
  });

  it('refuses filters longer than the limit', () => {
    const long = `userName eq "${'a'.repeat(5000)}"`;
    expect(errorOf(() => parseFilter(long)).detail).toBe('The filter is longer than 4096 characters');
    expect(() => parseFilter(long, { maxLength: 10_000 })).not.toThrow();
  });

  it('refuses nesting deeper than the limit without exhausting the stack', () => {
    const deep = `${'('.repeat(33)}a pr${')'.repeat(33)}`;
    const error = errorOf(() => parseFilter(deep));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toBe('Invalid filter at position 33: nested deeper than 32 levels');
    expect(() => parseFilter(`${'('.repeat(32)}a pr${')'.repeat(32)}`)).not.toThrow();
    expect(errorOf(() => parseFilter(`${'not ('.repeat(40)}a pr${')'.repeat(40)}`)).detail).toMatch(/nested deeper than 32 levels/);
    const huge = `${'('.repeat(100_000)}a pr${')'.repeat(100_000)}`;
    expect(errorOf(() => parseFilter(huge, { maxLength: 1_000_000 })).scimType).toBe('invalidFilter');
  });

  it('refuses a non-string filter', () => {
    expect(errorOf(() => parseFilter(42 as unknown as string)).scimType).toBe('invalidFilter');
  });
});

describe('parseAttributePath', () => {
  it('reads the path forms PATCH uses', () => {
    expect(parseAttributePath('userName')).toEqual({ attribute: 'userName' });
    expect(parseAttributePath('name.givenName')).toEqual({ attribute: 'name', subAttribute: 'givenName' });
    expect(parseAttributePath('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:FirstName')).toEqual({
      uri: 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User',
      attribute: 'FirstName',
    });
    expect(parseAttributePath('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:-dn-')).toMatchObject({ attribute: '-dn-' });
    expect(parseAttributePath('emails[type eq "work"].value')).toEqual({
      attribute: 'emails',
      subAttribute: 'value',
      filter: { type: 'compare', path: { attribute: 'type' }, operator: 'eq', value: 'work' },
    });
    expect(parseAttributePath('members[value eq "x"]')).toEqual({
      attribute: 'members',
      filter: { type: 'compare', path: { attribute: 'value' }, operator: 'eq', value: 'x' },
    });
    expect(parseAttributePath('urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work" and primary eq true].value')).toMatchObject({
      uri: 'urn:ietf:params:scim:schemas:core:2.0:User',
      attribute: 'emails',
      subAttribute: 'value',
    });
    expect(parseAttributePath('members[value eq "a]b"]')).toMatchObject({ filter: { value: 'a]b' } });
  });

  it('gives invalidPath with a position for broken paths', () => {
    const cases: Array<[string, string]> = [
      ['emails[type eq "work"', 'Invalid path at position 22: expected "]" closing the value filter, found the end of the input'],
      ['emails[type eq "work"].', 'Invalid path at position 24: expected a sub-attribute name after ".", found the end of the input'],
      ['emails[type eq "work"]x', 'Invalid path at position 23: expected the end of the path, found "x"'],
      ['name.', 'Invalid path at position 6: expected a sub-attribute name after ".", found the end of the input'],
      ['a.b.c', 'Invalid path at position 4: an attribute path has at most one sub-attribute'],
      ['user name', 'Invalid path at position 6: expected the end of the path, found "name"'],
      ['', 'Invalid path at position 1: expected an attribute path, found the end of the input'],
      ['emails[type zz "work"]', 'Invalid path at position 13: expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr), found "zz"'],
    ];
    for (const [text, detail] of cases) {
      const error = errorOf(() => parseAttributePath(text));
      expect([text, error.scimType, error.detail]).toEqual([text, 'invalidPath', detail]);
    }
  });
});
