import { renderResourceTypes, renderSchemas, renderServiceProviderConfig, schemasOf } from './discovery';
import { GROUP, USER, ECMA_USER_URN, ENTERPRISE } from './fixtures/resource-schemas.fixture';

const BASE = 'https://host:8585/ecma2host_app1/scim/';

describe('discovery renderers', () => {
  it('renders /Schemas as a ListResponse of Schema resources with meta', () => {
    const response = renderSchemas(schemasOf([USER, GROUP]), BASE);
    expect(response.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    expect(response.totalResults).toBe(5);
    expect(response.itemsPerPage).toBe(5);
    expect(response.startIndex).toBe(1);
    expect(response.Resources.map((schema) => schema.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:core:2.0:Group',
      ENTERPRISE,
      ECMA_USER_URN,
      'urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:Group',
    ]);
    const ecma = response.Resources[3]!;
    expect(ecma).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
      meta: { resourceType: 'Schema', location: `https://host:8585/ecma2host_app1/scim/Schemas/${ECMA_USER_URN}` },
    });
    expect((ecma.attributes as Array<Record<string, unknown>>)[0]).toEqual({
      name: 'AccountName',
      type: 'string',
      multiValued: false,
      description: 'Login',
      required: true,
      caseExact: true,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    });
    const user = response.Resources[0]!;
    const emails = (user.attributes as Array<Record<string, unknown>>).find((attribute) => attribute.name === 'emails')!;
    expect(emails.subAttributes).toHaveLength(4);
  });

  it('accepts resource types and lists each schema once', () => {
    const response = renderSchemas([USER, GROUP, USER]);
    expect(response.totalResults).toBe(5);
    expect(response.Resources[0]!.meta).toEqual({ resourceType: 'Schema' });
  });

  it('renders /ResourceTypes with endpoints and schema extensions', () => {
    const response = renderResourceTypes([USER, GROUP], BASE);
    expect(response.totalResults).toBe(2);
    expect(response.Resources[0]).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: 'urn:ietf:params:scim:schemas:core:2.0:User',
      schemaExtensions: [
        { schema: ENTERPRISE, required: false },
        { schema: ECMA_USER_URN, required: false },
      ],
      meta: { resourceType: 'ResourceType', location: 'https://host:8585/ecma2host_app1/scim/ResourceTypes/User' },
    });
    expect(response.Resources[1]).toMatchObject({ id: 'Group', endpoint: '/Groups' });
  });

  it('renders /ServiceProviderConfig with what the host supports', () => {
    expect(renderServiceProviderConfig({ maxResults: 200, baseUrl: BASE })).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 200 },
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
      meta: { resourceType: 'ServiceProviderConfig', location: 'https://host:8585/ecma2host_app1/scim/ServiceProviderConfig' },
    });
  });
});
