import type { AttributeType } from '@connector-host/connector-sdk';
import {
  CORE_GROUP_SCHEMA,
  CORE_USER_SCHEMA,
  ecma2HostExtension,
  ENTERPRISE_USER_SCHEMA,
  ResourceSchema,
  type Ecma2HostAttribute,
} from '@connector-host/scim';
import { DN_ATTRIBUTE, PASSWORD_ATTRIBUTE, type ObjectMapper } from './object-mapper';

const cache = new WeakMap<ObjectMapper, ResourceSchema>();

const SCIM_TYPE: Record<AttributeType, Ecma2HostAttribute['type']> = {
  string: 'string',
  integer: 'integer',
  decimal: 'decimal',
  boolean: 'boolean',
  dateTime: 'dateTime',
  binary: 'binary',
  reference: 'reference',
};

/**
 * The SCIM resource schema of one object type: core User (or Group), the enterprise extension
 * for users, and the ECMA2Host extension with every selected target attribute plus the virtual
 * `-dn-` and write-only `export_password`.
 */
export function resourceSchemaOf(mapper: ObjectMapper): ResourceSchema {
  let schema = cache.get(mapper);
  if (schema) return schema;
  const type = mapper.config.name === 'Group' ? 'Group' : 'User';
  const attributes: Ecma2HostAttribute[] = mapper.selected.map((a) => ({
    name: a.name,
    type: SCIM_TYPE[a.type],
    multiValued: a.multiValued,
    required: a.required && !a.readOnly,
    caseExact: a.caseExact,
    readOnly: a.readOnly,
  }));
  attributes.push({ name: DN_ATTRIBUTE, type: 'string', multiValued: false, required: false, caseExact: false, description: 'Distinguished name' });
  attributes.push({ name: PASSWORD_ATTRIBUTE, type: 'string', multiValued: false, required: false, caseExact: true, description: 'Initial password (write-only)' });
  schema = new ResourceSchema({
    resourceType: type,
    endpoint: type === 'Group' ? '/Groups' : '/Users',
    core: type === 'Group' ? CORE_GROUP_SCHEMA : CORE_USER_SCHEMA,
    extensions: [
      ...(type === 'User' ? [{ schema: ENTERPRISE_USER_SCHEMA, required: false }] : []),
      { schema: ecma2HostExtension(type, attributes), required: false },
    ],
  });
  cache.set(mapper, schema);
  return schema;
}
