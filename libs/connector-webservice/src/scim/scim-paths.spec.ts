import { equalityFilter, parseScimPath, patchOperations, pathText, readScimPath, writeScimPath, type ScimPath } from './scim-paths';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const path = (text: string, kind: ScimPath['kind']): ScimPath => ({ ...parseScimPath(text), kind });

describe('SCIM paths of flat attributes', () => {
  const resource = {
    userName: 'adele',
    name: { givenName: 'Adele', familyName: 'Vance' },
    emails: [
      { type: 'work', value: 'a@work' },
      { type: 'home', value: 'a@home' },
    ],
    groups: [{ value: 'g1' }, { value: 'g2' }],
    [ENTERPRISE]: { manager: { value: 'boss', displayName: 'Boss' }, employeeNumber: '7' },
  };

  it('parses and prints paths', () => {
    expect(parseScimPath('emails[type eq "work"].value')).toEqual({ attribute: 'emails', filter: { attribute: 'type', value: 'work' }, sub: 'value' });
    expect(parseScimPath(`${ENTERPRISE}:manager`)).toEqual({ schema: ENTERPRISE, attribute: 'manager' });
    expect(pathText(path('name.givenName', 'subAttribute'))).toBe('name.givenName');
    expect(pathText(path('emails[type eq "work"].value', 'filtered'))).toBe('emails[type eq "work"].value');
    expect(() => parseScimPath('emails[type co "x"]')).toThrow(/not a SCIM attribute path/);
  });

  it('reads values', () => {
    expect(readScimPath(resource, path('userName', 'simple'))).toEqual(['adele']);
    expect(readScimPath(resource, path('name.familyName', 'subAttribute'))).toEqual(['Vance']);
    expect(readScimPath(resource, path('emails[type eq "home"].value', 'filtered'))).toEqual(['a@home']);
    expect(readScimPath(resource, path('groups', 'multiValue'))).toEqual(['g1', 'g2']);
    expect(readScimPath(resource, path(`${ENTERPRISE}:manager`, 'complexValue'))).toEqual(['boss']);
    expect(readScimPath(resource, path(`${ENTERPRISE}:employeeNumber`, 'simple'))).toEqual(['7']);
    expect(readScimPath(resource, path('USERNAME', 'simple'))).toEqual(['adele']);
  });

  it('writes values and keeps siblings', () => {
    const out: Record<string, unknown> = JSON.parse(JSON.stringify(resource));
    writeScimPath(out, path('emails[type eq "work"].value', 'filtered'), ['new@work'], false);
    writeScimPath(out, path('name.givenName', 'subAttribute'), [], false);
    writeScimPath(out, path(`${ENTERPRISE}:manager`, 'complexValue'), ['boss2'], false);
    expect(out.emails).toEqual([{ type: 'home', value: 'a@home' }, { type: 'work', value: 'new@work' }]);
    expect(out.name).toEqual({ familyName: 'Vance' });
    expect((out[ENTERPRISE] as Record<string, unknown>).manager).toEqual({ value: 'boss2' });
  });

  it('turns value-level deltas into PATCH operations', () => {
    expect(patchOperations(path('name.familyName', 'subAttribute'), { op: 'replace', values: ['X'] }, false)).toEqual([{ op: 'replace', path: 'name.familyName', value: 'X' }]);
    expect(patchOperations(path('emails[type eq "work"].value', 'filtered'), { op: 'replace', values: [] }, false)).toEqual([{ op: 'remove', path: 'emails[type eq "work"]' }]);
    expect(patchOperations(path(`${ENTERPRISE}:manager`, 'complexValue'), { op: 'replace', values: ['m'] }, false)).toEqual([{ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'm' } }]);
    expect(patchOperations(path('groups', 'multiValue'), { op: 'add', values: ['g3'] }, true)).toEqual([{ op: 'add', path: 'groups', value: [{ value: 'g3' }] }]);
    expect(patchOperations(path('groups', 'multiValue'), { op: 'remove', values: ['g"1'] }, true)).toEqual([{ op: 'remove', path: 'groups[value eq "g\\"1"]' }]);
    expect(patchOperations(path('x', 'simple'), { op: 'remove', values: ['a', 'b'] }, true)).toEqual([{ op: 'remove', path: 'x', value: ['a', 'b'] }]);
  });

  it('escapes filter values (no filter injection)', () => {
    expect(equalityFilter(path('userName', 'simple'), 'x" or userName pr "')).toBe('userName eq "x\\" or userName pr \\""');
    expect(equalityFilter(path('active', 'simple'), true)).toBe('active eq true');
  });
});
