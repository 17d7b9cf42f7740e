import { ConnectorError } from '@connector-host/connector-sdk';
import { httpConnectionProperties, httpUrlSchema, parseHttpConnection, type HttpConnection } from '../common/connection-settings';

/** `connection` of a scim connector: the target SCIM service. */
export interface ScimConnectionSettings extends HttpConnection {
  /** The SCIM base URL: `<base>/Users`, `<base>/Schemas`… */
  baseUrl: URL;
}

/** `objectTypes.*.target` of a scim connector. */
export interface ScimTargetSettings {
  /** The target's resource type; default: the object type's name (User, Group). */
  resourceType: string;
  /** Its endpoint (`/Users`); default: what the target's /ResourceTypes says. */
  endpoint?: string;
  /** Flat attribute name → SCIM path; default: every attribute of the target's schemas. */
  attributes?: Record<string, string>;
  /** How updates go: PATCH with value-level operations (default) or PUT of the whole resource. */
  update: 'patch' | 'put';
  /** The attribute a lost add is looked up by; default userName when the target has one. */
  matchAttribute?: string;
  /** Resources per list page; default: the connector's exportPageSize. */
  pageSize?: number;
}

export const scimSettingsSchema = {
  connection: {
    type: 'object',
    additionalProperties: false,
    required: ['baseUrl'],
    properties: {
      baseUrl: { ...httpUrlSchema, description: 'The target SCIM service base URL (…/scim): /Users, /Schemas and /ResourceTypes are under it.' },
      ...httpConnectionProperties,
    },
  },
  target: {
    type: 'object',
    additionalProperties: false,
    properties: {
      resourceType: { type: 'string', minLength: 1, description: "The target's resource type (default: the object type, User or Group)." },
      endpoint: { type: 'string', pattern: '^/[^?#]*$', description: 'Endpoint under baseUrl (default: from the target /ResourceTypes).' },
      attributes: {
        type: 'object',
        description: 'Flat attribute name → target SCIM path (userName, name.givenName, emails[type eq "work"].value, urn:…:attr). Default: every attribute the target publishes.',
        propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_-]*$', errorMessage: 'is not an attribute name (letters, digits, _ and -, starting with a letter)' },
        additionalProperties: { type: 'string', minLength: 1 },
      },
      update: { enum: ['patch', 'put'], description: 'patch (value-level PatchOp, default) or put (the whole resource).' },
      matchAttribute: { type: 'string', minLength: 1, description: 'Attribute to look a lost add up by (default userName).' },
      pageSize: { type: 'integer', minimum: 1, description: 'Resources per list page.' },
    },
  },
};

export function parseScimConnection(raw: Record<string, unknown>): ScimConnectionSettings {
  const text = raw.baseUrl;
  if (typeof text !== 'string') throw new ConnectorError('invalidValue', 'scim connector settings: connection.baseUrl is required');
  let baseUrl: URL;
  try {
    baseUrl = new URL(text.replace(/\/+$/, ''));
  } catch {
    throw new ConnectorError('invalidValue', 'scim connector settings: connection.baseUrl is not a URL');
  }
  if (baseUrl.search || baseUrl.hash) throw new ConnectorError('invalidValue', 'scim connector settings: connection.baseUrl may not hold a query or a fragment');
  return { ...parseHttpConnection('scim', raw), baseUrl };
}

export function parseScimTarget(objectType: string, raw: Record<string, unknown>): ScimTargetSettings {
  return {
    resourceType: typeof raw.resourceType === 'string' ? raw.resourceType : objectType,
    update: raw.update === 'put' ? 'put' : 'patch',
    ...(typeof raw.endpoint === 'string' ? { endpoint: raw.endpoint.replace(/\/+$/, '') } : {}),
    ...(raw.attributes && typeof raw.attributes === 'object' ? { attributes: raw.attributes as Record<string, string> } : {}),
    ...(typeof raw.matchAttribute === 'string' ? { matchAttribute: raw.matchAttribute } : {}),
    ...(typeof raw.pageSize === 'number' ? { pageSize: raw.pageSize } : {}),
  };
}
