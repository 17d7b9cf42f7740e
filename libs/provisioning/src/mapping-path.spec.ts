import { parseMappingPath, readPath, writePath } from './mapping-path';

describe('mapping paths', () => {
  it('parses the forms config uses, with canonical names', () => {
    expect(parseMappingPath('USERNAME')).toMatchObject({ attribute: 'userName' });
    expect(parseMappingPath('name.givenname')).toMatchObject({ attribute: 'name', subAttribute: 'givenName' });
    expect(parseMappingPath('emails[type eq "work"].value')).toMatchObject({ attribute: 'emails', filter: { attribute: 'type', value: 'work' }, subAttribute: 'value' });
    expect(parseMappingPath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager')).toMatchObject({
      container: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      attribute: 'manager',
      subAttribute: 'value',
    });
    expect(parseMappingPath('urn:ietf:params:scim:schemas:core:2.0:User:title')).toMatchObject({ attribute: 'title', container: undefined });
    expect(() => parseMappingPath('emails[type co "w"]')).toThrow(/unsupported/);
  });

  it('reads and writes filtered elements without disturbing the others', () => {
    const path = parseMappingPath('emails[type eq "work"].value');
    const resource: Record<string, unknown> = { emails: [{ type: 'home', value: 'h@x' }] };
    writePath(resource, path, 'w@x');
    expect(resource.emails).toEqual([{ type: 'home', value: 'h@x' }, { type: 'work', value: 'w@x' }]);
    expect(readPath(resource, path)).toBe('w@x');
    expect(readPath({ Emails: [{ TYPE: 'WORK', Value: 'case@x' }] }, path)).toBe('case@x');
    expect(readPath({}, path)).toBeUndefined();
  });
});
