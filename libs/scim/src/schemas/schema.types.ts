/** Attribute and schema definitions as data, in the shape RFC 7643 §7 publishes them. */

export type ScimAttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'complex'
  | 'binary';

export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  name: string;
  type: ScimAttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  subAttributes?: readonly AttributeDefinition[];
  canonicalValues?: readonly string[];
  referenceTypes?: readonly string[];
}

export interface SchemaDefinition {
  /** The schema URN, e.g. `urn:ietf:params:scim:schemas:core:2.0:User`. */
  id: string;
  name: string;
  description: string;
  attributes: readonly AttributeDefinition[];
}

type AttributeOptions = Partial<Omit<AttributeDefinition, 'name' | 'type'>>;

/** An attribute with RFC 7643 §2.2 defaults: single-valued, optional, caseExact false, readWrite, default, none. */
export function attribute(name: string, type: ScimAttributeType, options: AttributeOptions = {}): AttributeDefinition {
  const definition: AttributeDefinition = {
    name,
    type,
    multiValued: options.multiValued ?? false,
    description: options.description ?? '',
    required: options.required ?? false,
    caseExact: options.caseExact ?? false,
    mutability: options.mutability ?? 'readWrite',
    returned: options.returned ?? 'default',
    uniqueness: options.uniqueness ?? 'none',
  };
  if (options.subAttributes) definition.subAttributes = options.subAttributes;
  if (options.canonicalValues) definition.canonicalValues = options.canonicalValues;
  if (options.referenceTypes) definition.referenceTypes = options.referenceTypes;
  return definition;
}

export function findSubAttribute(parent: AttributeDefinition, name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return parent.subAttributes?.find((sub) => sub.name.toLowerCase() === lower);
}
