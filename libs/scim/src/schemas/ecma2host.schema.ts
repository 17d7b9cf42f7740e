/**
 * The ECMA2Host extension: every selected target attribute, exposed as
 * `urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:<ResourceType>:<attribute>`, the way Microsoft's
 * ECMA Connector Host publishes it.
 */
import { ECMA2HOST_URN_PREFIX } from '../urns';
import { attribute, type AttributeDefinition, type Mutability, type Returned, type SchemaDefinition } from './schema.types';

export type Ecma2HostResourceType = 'User' | 'Group';

export interface Ecma2HostAttribute {
  name: string;
  type: 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'binary';
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  description?: string;
  /** The target computes it; a client may not write it. */
  readOnly?: boolean;
  mutability?: Mutability;
  returned?: Returned;
  referenceTypes?: readonly string[];
}

/** The virtual initial-password attribute: write-only and never returned. */
export const EXPORT_PASSWORD_ATTRIBUTE = 'export_password';

export function ecma2HostUrn(resourceType: Ecma2HostResourceType): string {
  return `${ECMA2HOST_URN_PREFIX}${resourceType}`;
}

export function ecma2HostExtension(
  resourceType: Ecma2HostResourceType,
  attributes: readonly Ecma2HostAttribute[],
): SchemaDefinition {
  const seen = new Set<string>();
  const definitions: AttributeDefinition[] = attributes.map((source) => {
    const lower = source.name.toLowerCase();
    if (seen.has(lower)) throw new Error(`ECMA2Host attribute "${source.name}" is listed twice (names are case-insensitive)`);
    seen.add(lower);
    const secret = lower === EXPORT_PASSWORD_ATTRIBUTE;
    return attribute(source.name, source.type, {
      multiValued: source.multiValued,
      required: source.required,
      caseExact: source.caseExact,
      description: source.description ?? '',
      mutability: source.mutability ?? (secret ? 'writeOnly' : source.readOnly ? 'readOnly' : 'readWrite'),
      returned: source.returned ?? (secret ? 'never' : 'default'),
      ...(source.referenceTypes ? { referenceTypes: source.referenceTypes } : {}),
    });
  });
  return {
    id: ecma2HostUrn(resourceType),
    name: `ECMA2Host${resourceType}`,
    description: `Attributes of the connected system's ${resourceType} objects`,
    attributes: definitions,
  };
}
