/** The core Group schema, RFC 7643 §4.2 and §8.7.1. */
import { CORE_GROUP_URN } from '../urns';
import { attribute, type SchemaDefinition } from './schema.types';

export const CORE_GROUP_SCHEMA: SchemaDefinition = {
  id: CORE_GROUP_URN,
  name: 'Group',
  description: 'Group',
  attributes: [
    // RFC 7643 §4.2 calls displayName REQUIRED, though the §8.7.1 listing says otherwise.
    attribute('displayName', 'string', { required: true, description: 'A human-readable name for the Group.' }),
    attribute('members', 'complex', {
      multiValued: true,
      description: 'A list of members of the Group.',
      subAttributes: [
        attribute('value', 'string', { mutability: 'immutable', description: 'Identifier of the member.' }),
        attribute('$ref', 'reference', {
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
          description: 'The URI of the member resource.',
        }),
        attribute('display', 'string', { mutability: 'immutable', description: 'A human-readable name of the member.' }),
        attribute('type', 'string', {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
          description: 'The type of the member: User or Group.',
        }),
      ],
    }),
  ],
};
