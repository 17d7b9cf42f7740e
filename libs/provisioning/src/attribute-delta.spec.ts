import type { ObjectTypeSchema } from '@connector-host/connector-sdk';
import { applyDeltas } from '@connector-host/connector-sdk';
import { diffAttributes } from './attribute-delta';

const schema: ObjectTypeSchema = {
  name: 'User',
  targetName: 'Employees',
  anchor: 'login',
  attributes: [
    { name: 'login', type: 'string', multiValued: false, required: true, readOnly: false, caseExact: false },
    { name: 'mail', type: 'string', multiValued: false, required: false, readOnly: false, caseExact: false },
    { name: 'phones', type: 'string', multiValued: true, required: false, readOnly: false, caseExact: false },
    { name: 'created', type: 'dateTime', multiValued: false, required: false, readOnly: true, caseExact: false },
  ],
};

describe('diffAttributes', () => {
  it('replaces changed single values and leaves equal ones alone', () => {
    const deltas = diffAttributes({ login: ['a'], mail: ['a@x'] }, { login: ['a'], mail: ['b@x'] }, schema);
    expect(deltas).toEqual([{ attribute: 'mail', op: 'replace', values: ['b@x'] }]);
  });

  it('clears a single value that disappeared', () => {
    expect(diffAttributes({ mail: ['a@x'] }, { mail: [] }, schema)).toEqual([{ attribute: 'mail', op: 'replace', values: [] }]);
  });

  it('gives value-level adds and removes for multi-valued attributes', () => {
    const deltas = diffAttributes({ phones: ['1', '2'] }, { phones: ['2', '3'] }, schema);
    expect(deltas).toEqual([
      { attribute: 'phones', op: 'add', values: ['3'] },
      { attribute: 'phones', op: 'remove', values: ['1'] },
    ]);
  });

  it('never writes read-only or unknown attributes, and matches names case-insensitively', () => {
    expect(diffAttributes({ MAIL: ['a'] }, { mail: ['a'], created: ['2020'], bogus: ['x'] }, schema)).toEqual([]);
  });

  it('round-trips with applyDeltas', () => {
    const before = { login: ['a'], phones: ['1', '2'], mail: ['m'] };
    const after = { login: ['a'], phones: ['2', '3'], mail: [] };
    expect(applyDeltas(before, diffAttributes(before, after, schema))).toEqual({ login: ['a'], phones: ['2', '3'] });
  });
});
