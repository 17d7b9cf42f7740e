import { ConnectorError } from '@connector-host/connector-sdk';
import { compileBody, compileTemplate, renderBody, renderHeader, renderUrl, type TemplateScope } from './template';

function scope(values: Record<string, unknown[]>, multi: string[] = [], changed?: string[]): TemplateScope {
  return {
    values: (name) => (values[name] ?? []) as never,
    multiValued: (name) => multi.includes(name),
    ...(changed ? { takesPart: (name: string) => name.startsWith('$') || changed.includes(name) } : {}),
  };
}

describe('URL templates', () => {
  it('percent-encodes every value as one segment or query value', () => {
    const t = compileTemplate('/orgs/{org}/users/{id}?q={q}');
    expect(renderUrl(t, scope({ org: ['a/b'], id: ['x?y#z'], q: ['1&admin=true'] }))).toBe('/orgs/a%2Fb/users/x%3Fy%23z?q=1%26admin%3Dtrue');
  });

  it('refuses empty values, several values and path navigation in a path', () => {
    const t = compileTemplate('/users/{id}');
    expect(() => renderUrl(t, scope({}))).toThrow(/needs a value for \{id\}/);
    expect(() => renderUrl(t, scope({ id: [''] }))).toThrow(ConnectorError);
    expect(() => renderUrl(t, scope({ id: ['a', 'b'] }))).toThrow(/2 values/);
    expect(() => renderUrl(t, scope({ id: ['..'] }))).toThrow(/cannot name an object/);
    expect(renderUrl(compileTemplate('/users?name={id}'), scope({ id: ['..'] }))).toBe('/users?name=..');
  });

  it('never puts the password in a URL or a header', () => {
    expect(() => renderUrl(compileTemplate('/u?p={$password}'), scope({ $password: ['s3cret'] }))).toThrow(/may not appear in a URL/);
    expect(() => renderHeader(compileTemplate('{$password}'), scope({ $password: ['s3cret'] }))).toThrow(/may not appear in a header/);
  });

  it('refuses header values with line breaks', () => {
    expect(() => renderHeader(compileTemplate('x-{id}'), scope({ id: ['a\r\nX-Admin: 1'] }))).toThrow(/line break/);
    expect(renderHeader(compileTemplate('Tenant {id}'), scope({ id: [7] }))).toBe('Tenant 7');
  });

  it('reads {{ and }} as literal braces and refuses a lone brace', () => {
    expect(renderUrl(compileTemplate('/a{{b}}/{id}'), scope({ id: ['1'] }))).toBe('/a{b}/1');
    expect(() => compileTemplate('/a{b')).toThrow(/lone "\{"/);
  });
});

describe('body templates', () => {
  const template = compileBody({
    kind: 'user',
    userName: '{userName}',
    name: { given: '{givenName}', family: '{familyName}', display: '{givenName} {familyName}' },
    active: '{active}',
    groups: '{groups}',
    secret: '{$password}',
  });

  it('builds the body as values: types kept, lists for multi-valued, absent values left out', () => {
    const body = renderBody(template, scope({ userName: ['a"b\\c'], givenName: ['Ad'], active: [false], groups: ['x', 'y'] }, ['groups']));
    expect(body).toEqual({ kind: 'user', userName: 'a"b\\c', name: { given: 'Ad', display: 'Ad ' }, active: false, groups: ['x', 'y'] });
    // a value is data, never JSON text: quotes and braces stay inside the string
    expect(JSON.parse(JSON.stringify(body)).userName).toBe('a"b\\c');
    expect(renderBody(compileBody({ v: '{v}' }), scope({ v: ['","admin":true,"x":"'] }))).toEqual({ v: '","admin":true,"x":"' });
  });

  it('in changed-attributes mode sends only what changed, clears with null, drops untouched objects', () => {
    const body = renderBody(template, scope({ familyName: [], groups: [] }, ['groups'], ['familyName', 'groups']));
    expect(body).toEqual({ kind: 'user', name: { family: null, display: null }, groups: [] });
    expect(renderBody(template, scope({ active: [true] }, [], ['active']))).toEqual({ kind: 'user', active: true });
    expect(renderBody(template, scope({ $password: ['pw'] }, [], []))).toEqual({ kind: 'user', secret: 'pw' });
  });

  it('refuses several values for a single-valued placeholder', () => {
    expect(() => renderBody(compileBody({ a: '{a}' }), scope({ a: [1, 2] }))).toThrow(/single-valued/);
  });
});
