import { USER, GROUP } from '../fixtures/resource-schemas.fixture';
import { parseFilter } from './filter.parser';
import { simpleEquality } from './simple-equality';

describe('simpleEquality', () => {
  it('answers a lone path eq value, with canonical names', () => {
    expect(simpleEquality(parseFilter('USERNAME eq "Test_User"'), USER)).toEqual({
      path: 'userName',
      schemaUrn: 'urn:ietf:params:scim:schemas:core:2.0:User',
      attribute: 'userName',
      value: 'Test_User',
      caseExact: false,
      whole: true,
    });
    expect(simpleEquality(parseFilter('externalId eq "0a21f0f2"'), USER)).toMatchObject({ attribute: 'externalId', caseExact: true, whole: true });
    expect(simpleEquality(parseFilter('displayName eq "displayName"'), GROUP)).toMatchObject({ path: 'displayName', whole: true });
  });

  it('resolves URN-qualified extension attributes', () => {
    expect(simpleEquality(parseFilter('urn:ietf:params:scim:schemas:extension:ecma2host:2.0:User:accountname eq "BJensen"'), USER)).toEqual({
      path: 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:AccountName',
      schemaUrn: 'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User',
      attribute: 'AccountName',
      value: 'BJensen',
      caseExact: true,
      whole: true,
    });
  });

  it('reads a complex attribute as its value sub-attribute', () => {
    expect(simpleEquality(parseFilter('emails eq "a@b.c"'), USER)).toMatchObject({ path: 'emails.value', attribute: 'emails', subAttribute: 'value' });
    expect(simpleEquality(parseFilter('emails.Value eq "a@b.c"'), USER)).toMatchObject({ path: 'emails.value', subAttribute: 'value' });
  });

  it('finds a term inside an and, and says the filter is more than that term', () => {
    expect(simpleEquality(parseFilter('active eq true and userName eq "x"'), USER)).toMatchObject({ attribute: 'active', value: true, whole: false });
    expect(simpleEquality(parseFilter('title pr and (userName eq "x" and nickName co "y")'), USER)).toMatchObject({ attribute: 'userName', value: 'x', whole: false });
  });

  it('gives nothing for filters an index cannot answer', () => {
    for (const text of [
      'userName ne "x"',
      'userName co "x"',
      'userName eq "x" or userName eq "y"',
      'not (userName eq "x")',
      'emails[type eq "work"]',
      'title eq null',
      'title pr',
    ]) {
      expect([text, simpleEquality(parseFilter(text), USER)]).toEqual([text, undefined]);
    }
    expect(simpleEquality(parseFilter('usrName eq "x"'), USER)).toBeUndefined();
  });

  it('works without a schema, as written', () => {
    expect(simpleEquality(parseFilter('Name.GivenName eq "x"'))).toEqual({
      path: 'Name.GivenName',
      attribute: 'Name',
      subAttribute: 'GivenName',
      value: 'x',
      caseExact: false,
      whole: true,
    });
  });
});
