/** The Enterprise User extension, RFC 7643 §4.3. */
import { ENTERPRISE_USER_URN } from '../urns';
import { attribute, type SchemaDefinition } from './schema.types';

export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = {
  id: ENTERPRISE_USER_URN,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attribute('employeeNumber', 'string', { description: 'Numeric or alphanumeric identifier assigned to a person.' }),
    attribute('costCenter', 'string', { description: 'Identifies the name of a cost center.' }),
    attribute('organization', 'string', { description: 'Identifies the name of an organization.' }),
    attribute('division', 'string', { description: 'Identifies the name of a division.' }),
    attribute('department', 'string', { description: 'Identifies the name of a department.' }),
    attribute('manager', 'complex', {
      description: "The User's manager.",
      subAttributes: [
        attribute('value', 'string', { description: 'The id of the SCIM resource representing the manager.' }),
        attribute('$ref', 'reference', { referenceTypes: ['User'], description: 'The URI of the manager resource.' }),
        attribute('displayName', 'string', { mutability: 'readOnly', description: 'The displayName of the manager.' }),
      ],
    }),
  ],
};
