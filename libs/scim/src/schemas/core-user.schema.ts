/** The core User schema, RFC 7643 §4.1 and §8.7.1, with its full attribute list. */
import { CORE_USER_URN } from '../urns';
import { attribute, type AttributeDefinition, type SchemaDefinition } from './schema.types';

/** The value/display/type/primary shape shared by emails, phoneNumbers, ims, photos, entitlements, roles, x509Certificates. */
function plural(
  name: string,
  description: string,
  options: { valueType?: 'string' | 'reference' | 'binary'; canonicalTypes?: string[]; referenceTypes?: string[] } = {},
): AttributeDefinition {
  const value = attribute('value', options.valueType ?? 'string', {
    description: `The value of the ${name} entry.`,
    ...(options.referenceTypes ? { referenceTypes: options.referenceTypes } : {}),
  });
  return attribute(name, 'complex', {
    multiValued: true,
    description,
    subAttributes: [
      value,
      attribute('display', 'string', { description: 'A human-readable name, primarily used for display purposes.' }),
      attribute('type', 'string', {
        description: 'A label indicating the function of the value.',
        ...(options.canonicalTypes ? { canonicalValues: options.canonicalTypes } : {}),
      }),
      attribute('primary', 'boolean', {
        description: 'Whether this is the preferred value; at most one value is primary.',
      }),
    ],
  });
}

export const CORE_USER_SCHEMA: SchemaDefinition = {
  id: CORE_USER_URN,
  name: 'User',
  description: 'User Account',
  attributes: [
    attribute('userName', 'string', {
      required: true,
      uniqueness: 'server',
      description: 'Unique identifier for the User, typically used to authenticate directly to the service provider.',
    }),
    attribute('name', 'complex', {
      description: "The components of the user's real name.",
      subAttributes: [
        attribute('formatted', 'string', { description: 'The full name, formatted for display.' }),
        attribute('familyName', 'string', { description: 'The family name (last name).' }),
        attribute('givenName', 'string', { description: 'The given name (first name).' }),
        attribute('middleName', 'string', { description: 'The middle name(s).' }),
        attribute('honorificPrefix', 'string', { description: 'The honorific prefix(es), e.g. "Ms.".' }),
        attribute('honorificSuffix', 'string', { description: 'The honorific suffix(es), e.g. "III".' }),
      ],
    }),
    attribute('displayName', 'string', { description: 'The name of the User, suitable for display to end-users.' }),
    attribute('nickName', 'string', { description: 'The casual way to address the user.' }),
    attribute('profileUrl', 'reference', {
      referenceTypes: ['external'],
      description: "A fully qualified URL pointing to a page representing the User's online profile.",
    }),
    attribute('title', 'string', { description: "The user's title, such as \"Vice President\"." }),
    attribute('userType', 'string', {
      description: 'The relationship between the organization and the user, e.g. "Employee" or "Contractor".',
    }),
    attribute('preferredLanguage', 'string', {
      description: "The User's preferred written or spoken language (RFC 7231 Accept-Language format).",
    }),
    attribute('locale', 'string', { description: "The User's default location, e.g. \"en-US\"." }),
    attribute('timezone', 'string', { description: "The User's time zone in the IANA format, e.g. \"America/Los_Angeles\"." }),
    attribute('active', 'boolean', { description: "The User's administrative status." }),
    attribute('password', 'string', {
      mutability: 'writeOnly',
      returned: 'never',
      description: "The User's cleartext password; write-only, never returned.",
    }),
    plural('emails', 'Email addresses for the user.', { canonicalTypes: ['work', 'home', 'other'] }),
    plural('phoneNumbers', 'Phone numbers for the User.', {
      canonicalTypes: ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    }),
    plural('ims', 'Instant messaging addresses for the User.', {
      canonicalTypes: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    }),
    plural('photos', 'URLs of photos of the User.', {
      valueType: 'reference',
      referenceTypes: ['external'],
      canonicalTypes: ['photo', 'thumbnail'],
    }),
    attribute('addresses', 'complex', {
      multiValued: true,
      description: 'A physical mailing address for this User.',
      subAttributes: [
        attribute('formatted', 'string', { description: 'The full mailing address, formatted for display.' }),
        attribute('streetAddress', 'string', { description: 'The full street address component.' }),
        attribute('locality', 'string', { description: 'The city or locality component.' }),
        attribute('region', 'string', { description: 'The state or region component.' }),
        attribute('postalCode', 'string', { description: 'The zip code or postal code component.' }),
        attribute('country', 'string', { description: 'The country name component (ISO 3166-1 alpha-2).' }),
        attribute('type', 'string', {
          canonicalValues: ['work', 'home', 'other'],
          description: 'A label indicating the function of the address.',
        }),
        attribute('primary', 'boolean', { description: 'Whether this is the preferred address.' }),
      ],
    }),
    attribute('groups', 'complex', {
      multiValued: true,
      mutability: 'readOnly',
      description: 'The groups the user belongs to, directly or indirectly; read-only, changed through the Group resource.',
      subAttributes: [
        attribute('value', 'string', { mutability: 'readOnly', description: 'The identifier of the Group.' }),
        attribute('$ref', 'reference', {
          mutability: 'readOnly',
          referenceTypes: ['User', 'Group'],
          description: 'The URI of the Group.',
        }),
        attribute('display', 'string', { mutability: 'readOnly', description: 'The display name of the Group.' }),
        attribute('type', 'string', {
          mutability: 'readOnly',
          canonicalValues: ['direct', 'indirect'],
          description: 'Whether the membership is direct or indirect.',
        }),
      ],
    }),
    plural('entitlements', 'A list of entitlements for the User.'),
    plural('roles', 'A list of roles for the User.'),
    plural('x509Certificates', 'A list of certificates issued to the User.', { valueType: 'binary' }),
  ],
};
