/** The discovery endpoints (RFC 7644 §4): /Schemas, /ResourceTypes, /ServiceProviderConfig. */
import { ResourceSchema } from './schemas/resource-schema';
import type { AttributeDefinition, SchemaDefinition } from './schemas/schema.types';
import { listResponse, type ListResponse } from './resources/list';
import { RESOURCE_TYPE_URN, SCHEMA_URN, SERVICE_PROVIDER_CONFIG_URN } from './urns';

export interface ResourceMeta {
  resourceType: string;
  location?: string;
  created?: string;
  lastModified?: string;
  version?: string;
}

function trimSlash(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

function location(baseUrl: string | undefined, path: string): { location?: string } {
  return baseUrl === undefined ? {} : { location: `${trimSlash(baseUrl)}${path}` };
}

/** An attribute as published: every RFC 7643 §7 characteristic spelled out. */
function renderAttribute(definition: AttributeDefinition): Record<string, unknown> {
  const rendered: Record<string, unknown> = {
    name: definition.name,
    type: definition.type,
    multiValued: definition.multiValued,
    description: definition.description,
    required: definition.required,
    caseExact: definition.caseExact,
    mutability: definition.mutability,
    returned: definition.returned,
    uniqueness: definition.uniqueness,
  };
  if (definition.canonicalValues) rendered.canonicalValues = [...definition.canonicalValues];
  if (definition.referenceTypes) rendered.referenceTypes = [...definition.referenceTypes];
  if (definition.subAttributes) rendered.subAttributes = definition.subAttributes.map(renderAttribute);
  return rendered;
}

/** One schema as the `/Schemas/{id}` resource. */
export function renderSchema(schema: SchemaDefinition, baseUrl?: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA_URN],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(renderAttribute),
    meta: { resourceType: 'Schema', ...location(baseUrl, `/Schemas/${schema.id}`) },
  };
}

/**
 * `/Schemas`: a ListResponse of every distinct schema (by id), given as schemas or as resource types
 * (whose core schema and extensions are listed).
 */
export function renderSchemas(
  schemas: readonly (SchemaDefinition | ResourceSchema)[],
  baseUrl?: string,
): ListResponse<Record<string, unknown>> {
  const distinct = new Map<string, SchemaDefinition>();
  const flat = schemas.flatMap((entry) => (entry instanceof ResourceSchema ? entry.schemas : [entry]));
  for (const schema of flat) if (!distinct.has(schema.id)) distinct.set(schema.id, schema);
  return listResponse([...distinct.values()].map((schema) => renderSchema(schema, baseUrl)));
}

/** One resource type as the `/ResourceTypes/{name}` resource. */
export function renderResourceType(resourceSchema: ResourceSchema, baseUrl?: string): Record<string, unknown> {
  return {
    schemas: [RESOURCE_TYPE_URN],
    id: resourceSchema.resourceType,
    name: resourceSchema.resourceType,
    endpoint: resourceSchema.endpoint,
    description: resourceSchema.description,
    schema: resourceSchema.core.id,
    schemaExtensions: resourceSchema.extensions.map((extension) => ({ schema: extension.schema.id, required: extension.required })),
    meta: { resourceType: 'ResourceType', ...location(baseUrl, `/ResourceTypes/${resourceSchema.resourceType}`) },
  };
}

/** `/ResourceTypes`: a ListResponse. */
export function renderResourceTypes(resourceSchemas: readonly ResourceSchema[], baseUrl?: string): ListResponse<Record<string, unknown>> {
  return listResponse(resourceSchemas.map((resourceSchema) => renderResourceType(resourceSchema, baseUrl)));
}

/** Every schema the given resource types use, core schemas first, each once. */
export function schemasOf(resourceSchemas: readonly ResourceSchema[]): SchemaDefinition[] {
  return [...resourceSchemas.map((entry) => entry.core), ...resourceSchemas.flatMap((entry) => entry.extensions.map((extension) => extension.schema))];
}

export interface ServiceProviderConfigOptions {
  /** `filter.maxResults`: the most resources one list answer holds. */
  maxResults: number;
  documentationUri?: string;
  baseUrl?: string;
}

/**
 * `/ServiceProviderConfig`: what this host supports — PATCH and filters; no bulk, sort, ETags or
 * password change; OAuth bearer tokens.
 */
export function renderServiceProviderConfig(options: ServiceProviderConfigOptions): Record<string, unknown> {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_URN],
    ...(options.documentationUri ? { documentationUri: options.documentationUri } : {}),
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: options.maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication scheme using the OAuth Bearer Token Standard',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', ...location(options.baseUrl, '/ServiceProviderConfig') },
  };
}
