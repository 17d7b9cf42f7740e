import { Inject, Injectable } from '@nestjs/common';
import type { StoredObject } from '@connector-host/connector-space';
import { resourceSchemaOf, targetAttributeOf, type ConnectorCatalog, type ObjectMapper } from '@connector-host/provisioning';
import {
  evaluateFilter,
  listResponse,
  parseFilter,
  projectAttributes,
  ScimError,
  simpleEquality,
  type FilterNode,
  type ListParams,
} from '@connector-host/scim';
import { CATALOG } from '../core/tokens';

type Json = Record<string, unknown>;

/** Largest page a list answers, whatever `count` asks (ServiceProviderConfig says so too). */
export const MAX_RESULTS = 1000;

/**
 * Answers SCIM reads from the connector space: by id straight from the hash, filters on the
 * anchor or a query attribute from its index, any other filter by a scan (still correct).
 */
@Injectable()
export class ScimReadService {
  constructor(@Inject(CATALOG) private readonly catalog: ConnectorCatalog) {}

  async get(connector: string, objectType: string, id: string, params: Pick<ListParams, 'attributes' | 'excludedAttributes'>, location: string): Promise<Json> {
    const mapper = await this.catalog.mapper(connector, objectType);
    const object = await this.catalog.space(connector).get(objectType, id);
    if (!object) throw ScimError.notFound(`${objectType} ${id} not found`);
    return projectAttributes(this.render(mapper, object, location), params, resourceSchemaOf(mapper));
  }

  async list(connector: string, objectType: string, params: ListParams, baseLocation: string): Promise<object> {
    const mapper = await this.catalog.mapper(connector, objectType);
    const schema = resourceSchemaOf(mapper);
    const filter = params.filter !== undefined ? parseFilter(params.filter) : undefined;
    const matches: Json[] = [];
    for await (const batch of this.candidates(connector, mapper, filter)) {
      for (const object of batch) {
        const resource = this.render(mapper, object, `${baseLocation}/${encodeURIComponent(object.anchor)}`);
        if (!filter || evaluateFilter(filter, resource, schema)) matches.push(resource);
      }
    }
    matches.sort((a, b) => String(a.id).localeCompare(String(b.id)));
    const start = Math.max(1, params.startIndex ?? 1);
    const count = Math.min(params.count ?? MAX_RESULTS, MAX_RESULTS);
    const page = matches.slice(start - 1, start - 1 + count).map((r) => projectAttributes(r, params, schema));
    return listResponse(page, { totalResults: matches.length, startIndex: start, itemsPerPage: page.length });
  }

  private async *candidates(connector: string, mapper: ObjectMapper, filter: FilterNode | undefined): AsyncIterable<StoredObject[]> {
    const space = this.catalog.space(connector);
    const type = mapper.config.name;
    const equality = filter ? simpleEquality(filter, resourceSchemaOf(mapper)) : undefined;
    if (equality) {
      const target = targetAttributeOf(mapper, { schema: equality.schemaUrn, attribute: equality.attribute, subAttribute: equality.subAttribute });
      if (target && target.name.toLowerCase() === mapper.config.anchor.toLowerCase()) {
        const exact = await space.get(type, String(equality.value));
        yield exact ? [exact] : await space.findObjects(type, target.name, equality.value);
        return;
      }
      if (target && space.isIndexed(type, target.name)) {
        yield await space.findObjects(type, target.name, equality.value);
        return;
      }
    }
    yield* space.scan(type);
  }

  private render(mapper: ObjectMapper, object: StoredObject, location: string): Json {
    const resource = mapper.toScim({ objectType: mapper.config.name, ...object });
    (resource.meta as Json).location = location;
    return resource;
  }
}
