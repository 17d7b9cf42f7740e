/**
 * The attributes every resource has (RFC 7643 §3.1). They are not part of any schema's published
 * attribute list, but paths, filters and projections resolve them like core attributes.
 */
import { attribute, type AttributeDefinition } from './schema.types';

export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  attribute('schemas', 'reference', {
    multiValued: true,
    required: true,
    caseExact: false,
    mutability: 'readOnly',
    returned: 'always',
    description: 'The schema URIs the resource conforms to; set by the server from the data it holds.',
    referenceTypes: ['uri'],
  }),
  attribute('id', 'string', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
    description: 'Unique identifier of the resource, issued by the service provider (the anchor).',
  }),
  attribute('externalId', 'string', {
    caseExact: true,
    description: 'Identifier of the resource as defined by the provisioning client.',
  }),
  attribute('meta', 'complex', {
    mutability: 'readOnly',
    returned: 'always',
    description: 'Resource metadata.',
    subAttributes: [
      attribute('resourceType', 'string', { caseExact: true, mutability: 'readOnly', description: 'The resource type.' }),
      attribute('created', 'dateTime', { mutability: 'readOnly', description: 'When the resource was added.' }),
      attribute('lastModified', 'dateTime', { mutability: 'readOnly', description: 'When the resource was last changed.' }),
      attribute('location', 'reference', {
        caseExact: true,
        mutability: 'readOnly',
        referenceTypes: ['uri'],
        description: 'The URI of the resource.',
      }),
      attribute('version', 'string', { caseExact: true, mutability: 'readOnly', description: 'The version (ETag) of the resource.' }),
    ],
  }),
];
