import { ScimError } from '../errors';
import { bjensen, tourGuides } from '../fixtures/resources.fixture';
import { GROUP, USER } from '../fixtures/resource-schemas.fixture';
import { conformanceFilters, } from '../fixtures/conformance-requests.fixture';
import { compileFilter, compileValueFilter, evaluateFilter } from './filter.evaluator';
import { parseFilter } from './filter.parser';
import { CORE_USER_SCHEMA } from '../schemas/core-user.schema';

const matches = (text: string, resource: Record<string, unknown> = bjensen()) => evaluateFilter(parseFilter(text), resource, USER);

function errorOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('evaluateFilter', () => {
  it('evaluates the RFC 7644 §3.4.2.2 examples against RFC 7643 §8.2 bjensen', () => {
    const expectations: Array<[string, boolean]> = [
      ['userName eq "bjensen@example.com"', true],
      ['name.familyName co "O\'Malley"', true],
      ['userName sw "J"', false],
      ['userName sw "B"', true],
      ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bj"', true],
      ['title pr', true],
      ['meta.lastModified gt "2011-05-13T04:42:34Z"', false],
      ['meta.lastModified ge "2011-05-13T04:42:34Z"', true],
      ['meta.lastModified lt "2011-05-13T04:42:34Z"', false],
      ['meta.lastModified le "2011-05-13T04:42:34Z"', true],
      ['title pr and userType eq "Employee"', true],
      ['title pr or userType eq "Intern"', true],
      ['schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"', true],
      ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', true],
      ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', false],
      ['userType eq "Employee" and (emails.type eq "work")', true],
      ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', true],
      ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', true],
    ];
    for (const [text, expected] of expectations) expect([text, matches(text)]).toEqual([text, expected]);
  });

  it('matches attribute names case-insensitively', () => {
    expect(matches('USERNAME eq "bjensen@example.com"')).toBe(true);
    expect(matches('Name.FamilyName eq "o\'malley"')).toBe(true);
    expect(matches('urn:ietf:params:scim:schemas:extension:ecma2host:2.0:user:firstname eq "barbara"')).toBe(true);
  });

  it('compares strings case-insensitively unless the attribute is caseExact', () => {
    expect(matches('userName eq "BJENSEN@EXAMPLE.COM"')).toBe(true);
    expect(matches('displayName ew "JENSEN"')).toBe(true);
    // id, externalId and ECMA2Host AccountName are caseExact.
    expect(matches('id eq "2819C223-7F76-453A-919D-413861904646"')).toBe(false);
    expect(matches('id eq "2819c223-7f76-453a-919d-413861904646"')).toBe(true);
    expect(matches('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:AccountName eq "bjensen"')).toBe(false);
    expect(matches('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:AccountName eq "BJensen"')).toBe(true);
  });

  it('matches a multi-valued attribute when any value matches', () => {
    expect(matches('emails.value eq "babs@jensen.org"')).toBe(true);
    expect(matches('emails.type eq "home"')).toBe(true);
    expect(matches('emails.type eq "other"')).toBe(false);
    expect(matches('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:objectClass eq "INETORGPERSON"')).toBe(true);
    expect(matches('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:objectClass[value sw "inet"]')).toBe(true);
  });

  it('requires one value to satisfy the whole value filter', () => {
    // A work email exists and a jensen.org email exists, but not in the same value.
    expect(matches('emails[type eq "work" and value ew "@jensen.org"]')).toBe(false);
    expect(matches('emails[type eq "work"] and emails[value ew "@jensen.org"]')).toBe(true);
    expect(matches('emails[not (type eq "work")]')).toBe(true);
    expect(matches('emails[primary eq true and type eq "work"]')).toBe(true);
  });

  it('compares dateTimes as instants, whatever the offset or precision', () => {
    expect(matches('meta.lastModified eq "2011-05-13T06:42:34+02:00"')).toBe(true);
    expect(matches('meta.lastModified gt "2011-05-13T04:42:33.9999999Z"')).toBe(true);
    expect(matches('meta.lastModified lt "2011-05-13T04:42:34.0000001Z"')).toBe(true);
    expect(matches('meta.created gt 2009-10-10T14:38:21.8617979-07:00')).toBe(true);
    expect(matches('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:HireDate eq "2009-03-01T08:00:00.1234567Z"')).toBe(true);
    expect(matches('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:HireDate gt "2009-03-01T08:00:00.1234566Z"')).toBe(true);
    expect(matches('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:HireDate gt "2009-03-01T08:00:00.1234567Z"')).toBe(false);
    expect(matches('meta.lastModified ge "0001-01-03T00:00:00.0000000Z"')).toBe(true);
  });

  it('compares numbers numerically and booleans as booleans', () => {
    expect(matches('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:EmployeeId gt 9999')).toBe(true);
    expect(matches('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:EmployeeId eq "701984"')).toBe(true);
    expect(matches('urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:Salary le 1234.5')).toBe(true);
    expect(matches('active eq true')).toBe(true);
    expect(matches('active eq "True"')).toBe(true);
    expect(matches('active ne true')).toBe(false);
    expect(matches('active eq false', { ...bjensen(), active: false })).toBe(true);
  });

  it('compares a complex attribute by its value sub-attribute', () => {
    expect(matches('emails co "jensen.org"')).toBe(true);
    expect(matches('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "26118915-6090-4610-87e4-49d8ca9f808d"')).toBe(true);
    expect(matches('manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"')).toBe(true);
  });

  it('makes pr false for absent, null and empty values', () => {
    expect(matches('nickName pr')).toBe(true);
    expect(matches('locale pr')).toBe(false);
    expect(matches('nickName pr', { ...bjensen(), nickName: null })).toBe(false);
    expect(matches('nickName pr', { ...bjensen(), nickName: '' })).toBe(false);
    expect(matches('emails pr', { ...bjensen(), emails: [] })).toBe(false);
    expect(matches('name pr', { ...bjensen(), name: { givenName: null } })).toBe(false);
    expect(matches('name pr')).toBe(true);
    expect(matches('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division pr')).toBe(false);
  });

  it('treats eq null as "unassigned" and ne as the negation of eq', () => {
    expect(matches('locale eq null')).toBe(true);
    expect(matches('title eq null')).toBe(false);
    expect(matches('title ne null')).toBe(true);
    expect(matches('locale ne "en-US"')).toBe(true);
    expect(matches('emails.type ne "home"')).toBe(false);
  });

  it('matches nothing for a URN the resource type does not know', () => {
    expect(matches('urn:example:unknown:2.0:User:thing eq "x"')).toBe(false);
    expect(matches('not (urn:example:unknown:2.0:User:thing eq "x")')).toBe(true);
  });

  it('refuses unknown attributes by default, or matches nothing when asked', () => {
    const error = errorOf(() => matches('usrName eq "bjensen@example.com"'));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toBe('Unknown attribute "usrName" in filter');
    expect(errorOf(() => matches('emails[kind eq "work"]')).detail).toBe('Unknown sub-attribute "emails.kind" in filter');
    expect(evaluateFilter(parseFilter('usrName eq "x"'), bjensen(), USER, { unknownAttributes: 'noMatch' })).toBe(false);
  });

  it('refuses comparisons the attribute type does not support', () => {
    const cases: Array<[string, string]> = [
      ['active gt true', '"gt" is not supported for the boolean attribute "active"'],
      ['active eq "yes"', '"active" is boolean: compare it with true or false'],
      ['meta.created gt "yesterday"', '"meta.created" is a dateTime: compare it with a dateTime string'],
      ['name eq "x"', '"name" is a complex attribute: compare one of its sub-attributes or use pr'],
      ['urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:EmployeeId co 1', '"co" is not supported for the numeric attribute "urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User:EmployeeId"'],
      ['x509Certificates.value gt "a"', '"gt" is not supported for the binary attribute "x509Certificates.value"'],
      ['title gt null', '"gt" cannot compare "title" with null'],
      ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User eq "x"', '"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User" names a schema, not an attribute'],
    ];
    for (const [text, detail] of cases) {
      const error = errorOf(() => compileFilter(parseFilter(text), USER));
      expect([text, error.scimType, error.detail]).toEqual([text, 'invalidFilter', detail]);
    }
  });

  it('finds enterprise and ECMA2Host attributes without their URN', () => {
    expect(matches('employeeNumber eq "701984"')).toBe(true);
    expect(matches('FirstName eq "Barbara"')).toBe(true);
  });

  it('reads the Microsoft and Okta conformance filters', () => {
    const employee = { ...bjensen(), name: { familyName: 'Employee' }, emails: [{ value: 'anna33@example.com', type: 'work' }] };
    expect(matches(conformanceFilters.familyNameAndEmails, employee)).toBe(true);
    expect(matches(conformanceFilters.familyNameAndEmails)).toBe(false);
    expect(matches(conformanceFilters.userNameStartsWith, { ...bjensen(), userName: 'OMalley' })).toBe(true);
    expect(matches(conformanceFilters.createdAfter)).toBe(false);
    expect(matches(conformanceFilters.createdAfter, { ...bjensen(), meta: { created: '2019-09-18T18:15:26.5788954+00:00' } })).toBe(true);
    expect(matches(conformanceFilters.fullSync)).toBe(true);
    expect(matches(conformanceFilters.deltaSync)).toBe(false);
    expect(matches(conformanceFilters.deltaSync, { ...bjensen(), meta: { lastModified: '2021-09-23T19:35:41.8420573Z' } })).toBe(true);
    expect(matches(conformanceFilters.displayNameMixedCase, { ...bjensen(), displayName: 'BobIsAmazing' })).toBe(true);
    expect(matches(conformanceFilters.oktaUnquoted, { ...bjensen(), userName: 'Okta.User@example.com' })).toBe(true);
  });

  it('evaluates group filters', () => {
    const group = tourGuides();
    expect(evaluateFilter(parseFilter('displayName eq "tour guides"'), group, GROUP)).toBe(true);
    expect(evaluateFilter(parseFilter('members[value eq "902c246b-6245-4190-8e05-00816be7344a"]'), group, GROUP)).toBe(true);
    expect(evaluateFilter(parseFilter('members eq "902c246b-6245-4190-8e05-00816be7344a"'), group, GROUP)).toBe(true);
    expect(evaluateFilter(parseFilter('members eq "nobody"'), group, GROUP)).toBe(false);
  });

  it('compiles once for many resources', () => {
    const predicate = compileFilter(parseFilter('userType eq "Employee"'), USER);
    expect([bjensen(), { ...bjensen(), userType: 'Contractor' }, {}].map(predicate)).toEqual([true, false, false]);
  });
});

describe('compileValueFilter', () => {
  it('matches the values of one attribute', () => {
    const emails = CORE_USER_SCHEMA.attributes.find((attribute) => attribute.name === 'emails')!;
    const work = compileValueFilter(parseFilter('type eq "WORK"'), emails);
    expect(work({ type: 'work', value: 'a' })).toBe(true);
    expect(work({ type: 'home', value: 'a' })).toBe(false);
  });
});
