import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConnectorSpaceTimestamps } from '@connector-host/connector-space';
import type { ExportJobs } from '@connector-host/queue';
import { assertMatchingAttributes, resourceSchemaOf, type ConnectorCatalog } from '@connector-host/provisioning';
import {
  normalizeResource,
  parseListParams,
  parsePatchRequest,
  renderResourceTypes,
  renderSchemas,
  renderServiceProviderConfig,
  schemasOf,
  ScimError,
} from '@connector-host/scim';
import { CATALOG } from '../core/tokens';
import { ConnectorAuthGuard, connectorFromParam } from './connector-auth.guard';
import { FirstImportGate } from './first-import.gate';
import { SCIM_CONTENT_TYPE } from './http-edge';
import { MAX_RESULTS, ScimReadService } from './scim-read.service';
import { ScimWriteService } from './scim-write.service';

type Json = Record<string, unknown>;
type Endpoint = { kind: 'objects'; objectType: string } | { kind: 'schemas' | 'resourceTypes' | 'serviceProviderConfig' };

/** SCIM endpoint names are matched case-insensitively: Entra says `Users`, a browser may say `users`. */
function endpointOf(resource: string): Endpoint {
  switch (resource.toLowerCase()) {
    case 'users':
      return { kind: 'objects', objectType: 'User' };
    case 'groups':
      return { kind: 'objects', objectType: 'Group' };
    case 'schemas':
      return { kind: 'schemas' };
    case 'resourcetypes':
      return { kind: 'resourceTypes' };
    case 'serviceproviderconfig':
      return { kind: 'serviceProviderConfig' };
    default:
      throw ScimError.notFound(`no SCIM endpoint named ${resource}`);
  }
}

function objectTypeOf(resource: string): string {
  const endpoint = endpointOf(resource);
  if (endpoint.kind !== 'objects') throw new ScimError(405, `${resource} is read-only`);
  return endpoint.objectType;
}

function asObject(body: unknown): Json {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw ScimError.invalidSyntax('the request body must be a JSON object');
  return body as Json;
}

/** Retry-After of a 503: about the circuit breaker's default open time. */
export const RETRY_AFTER_SECONDS = 30;

/** `/ecma2host_<connector>/scim/...`: the URL scheme of Microsoft's ECMA Connector Host. */
@Controller(':tenant/scim')
@UseGuards(ConnectorAuthGuard)
export class ScimController {
  constructor(
    @Inject(CATALOG) private readonly catalog: ConnectorCatalog,
    private readonly reads: ScimReadService,
    private readonly writes: ScimWriteService,
    private readonly gate: FirstImportGate,
  ) {}

  @Get(':resource')
  async list(@Param('tenant') tenant: string, @Param('resource') resource: string, @Query() query: Record<string, string>, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const connector = connectorFromParam(tenant);
    const endpoint = endpointOf(resource);
    const base = baseUrl(request, connector);
    if (endpoint.kind === 'objects') {
      await this.gate.assertServing(connector);
      const params = parseListParams(query, { maxCount: MAX_RESULTS });
      return this.send(reply, connector, 200, await this.reads.list(connector, endpoint.objectType, params, `${base}/${resource}`));
    }
    return this.send(reply, connector, 200, await this.discovery(connector, endpoint.kind, base));
  }

  @Get(':resource/:id')
  async get(@Param('tenant') tenant: string, @Param('resource') resource: string, @Param('id') id: string, @Query() query: Record<string, string>, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const connector = connectorFromParam(tenant);
    const endpoint = endpointOf(resource);
    const base = baseUrl(request, connector);
    if (endpoint.kind === 'objects') {
      await this.gate.assertServing(connector);
      const params = parseListParams(query, { maxCount: MAX_RESULTS });
      return this.send(reply, connector, 200, await this.reads.get(connector, endpoint.objectType, id, params, `${base}/${resource}/${encodeURIComponent(id)}`));
    }
    const all = (await this.discovery(connector, endpoint.kind, base)) as { Resources?: Json[] };
    const found = all.Resources?.find((r) => String(r.id).toLowerCase() === id.toLowerCase());
    if (!found) throw ScimError.notFound(`${resource}/${id} not found`);
    return this.send(reply, connector, 200, found);
  }

  @Post(':resource')
  @HttpCode(201)
  async create(@Param('tenant') tenant: string, @Param('resource') resource: string, @Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const connector = connectorFromParam(tenant);
    const objectType = objectTypeOf(resource);
    await this.gate.assertServing(connector);
    const mapper = await this.catalog.mapper(connector, objectType);
    // validated here so that bad input never reaches the queue
    const normalised = normalizeResource(asObject(body), resourceSchemaOf(mapper));
    const target = mapper.toTarget(normalised);
    assertMatchingAttributes(mapper, target);
    const anchor = target.attributes[mapper.anchorAttribute.name]?.[0];
    const key = String(anchor ?? normalised.userName ?? normalised.displayName ?? normalised.externalId ?? JSON.stringify(normalised));
    const outcome = await this.writes.submit('export.create', { connector, objectType, resource: normalised }, key);
    return this.sendOutcome(reply, connector, outcome, request, resource);
  }

  @Put(':resource/:id')
  async replace(@Param('tenant') tenant: string, @Param('resource') resource: string, @Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const connector = connectorFromParam(tenant);
    const objectType = objectTypeOf(resource);
    await this.gate.assertServing(connector);
    const mapper = await this.catalog.mapper(connector, objectType);
    const normalised = normalizeResource(asObject(body), resourceSchemaOf(mapper));
    mapper.toTarget(normalised);
    const outcome = await this.writes.submit('export.replace', { connector, objectType, id, resource: { ...normalised, ...(typeof (body as Json).id === 'string' ? { id: (body as Json).id } : {}) } }, id);
    return this.sendOutcome(reply, connector, outcome, request, resource);
  }

  @Patch(':resource/:id')
  async patch(@Param('tenant') tenant: string, @Param('resource') resource: string, @Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const connector = connectorFromParam(tenant);
    const objectType = objectTypeOf(resource);
    await this.gate.assertServing(connector);
    await this.catalog.mapper(connector, objectType);
    const operations = parsePatchRequest(asObject(body));
    const payload: Omit<ExportJobs['export.patch'], 'envelope'> = { connector, objectType, id, operations: operations as unknown[] };
    const outcome = await this.writes.submit('export.patch', payload, id);
    return this.sendOutcome(reply, connector, outcome, request, resource);
  }

  @Delete(':resource/:id')
  async remove(@Param('tenant') tenant: string, @Param('resource') resource: string, @Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const connector = connectorFromParam(tenant);
    const objectType = objectTypeOf(resource);
    await this.gate.assertServing(connector);
    await this.catalog.mapper(connector, objectType);
    const outcome = await this.writes.submit('export.delete', { connector, objectType, id }, id);
    return this.sendOutcome(reply, connector, outcome, request, resource);
  }

  private async discovery(connector: string, kind: 'schemas' | 'resourceTypes' | 'serviceProviderConfig', base: string): Promise<Json> {
    if (kind === 'serviceProviderConfig') return renderServiceProviderConfig({ baseUrl: base, maxResults: MAX_RESULTS }) as Json;
    const schemas = [];
    for (const type of this.catalog.connector(connector).objectTypes) {
      // an object type the target cannot serve as configured (a missing table) has no schema to show
      const mapper = await this.catalog.mapper(connector, type.name).catch((error: unknown) => {
        if (this.catalog.unavailable(connector).has(type.name)) return undefined;
        throw error;
      });
      if (mapper) schemas.push(resourceSchemaOf(mapper));
    }
    return (kind === 'schemas' ? renderSchemas(schemasOf(schemas), base) : renderResourceTypes(schemas, base)) as unknown as Json;
  }

  private async sendOutcome(reply: FastifyReply, connector: string, outcome: { status: number; body?: unknown }, request: FastifyRequest, resource: string) {
    // a write moved the timestamps: this replica's next answers show it at once
    this.stamps.delete(connector);
    const body = outcome.body as Json | undefined;
    if (body && typeof body.id === 'string' && body.meta && typeof body.meta === 'object') {
      const location = `${baseUrl(request, connector)}/${resource}/${encodeURIComponent(body.id)}`;
      (body.meta as Json).location = location;
      if (outcome.status === 201) void reply.header('location', location);
    }
    // the target could not take the write now (unavailable, breaker open): tell the client when to come back
    if (outcome.status === 503) void reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
    return this.send(reply, connector, outcome.status, outcome.status === 204 ? undefined : body);
  }

  /** The troubleshooting headers' timestamps, read at most once a second per connector. */
  private readonly stamps = new Map<string, { at: number; value: Promise<ConnectorSpaceTimestamps> }>();

  private timestamps(connector: string): Promise<ConnectorSpaceTimestamps> {
    const cached = this.stamps.get(connector);
    if (cached && Date.now() - cached.at < 1000) return cached.value;
    const value = this.catalog.space(connector).timestamps();
    this.stamps.set(connector, { at: Date.now(), value });
    value.catch(() => this.stamps.delete(connector));
    return value;
  }

  private async send(reply: FastifyReply, connector: string, status: number, body: unknown) {
    const stamps = await this.timestamps(connector);
    if (stamps.lastSuccessfulImport) void reply.header('Last-Successful-Import', stamps.lastSuccessfulImport.toISOString());
    if (stamps.lastSuccessfulExport) void reply.header('Last-Successful-Export', stamps.lastSuccessfulExport.toISOString());
    if (stamps.lastSuccessfulCacheChange) void reply.header('Last-Successful-Cache-Change', stamps.lastSuccessfulCacheChange.toISOString());
    void reply.status(status);
    if (body === undefined) return reply.send();
    return reply.header('content-type', SCIM_CONTENT_TYPE).send(body);
  }
}

export function baseUrl(request: FastifyRequest, connector: string): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}/ecma2host_${connector}/scim`;
}
