import type { Connector, ExportChange, TargetObject } from '@connector-host/connector-sdk';
import { ConnectorError, isConnectorError } from '@connector-host/connector-sdk';
import type { ExportJobs } from '@connector-host/queue';
import type { StoredObject } from '@connector-host/connector-space';
import { applyPatch, normalizeResource, parsePatchRequest, ScimError } from '@connector-host/scim';
import { applyDeltas, diffAttributes, lookup } from './attribute-delta';
import type { ConnectorCatalog } from './connector-catalog';
import type { ObjectMapper } from './object-mapper';
import { resourceSchemaOf } from './resource-schema';
import { withRetry } from './retry';

/** What the HTTP edge answers: a status and a SCIM body. */
export interface ExportOutcome {
  status: number;
  body?: object;
}

export interface ExportLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

type Json = Record<string, unknown>;
type CurrentObject = StoredObject & { objectType: string };

/**
 * Applies one SCIM write: resolves it against the object's current state in the connector space,
 * turns it into a target change, applies it through the connector (retrying what the connector
 * calls retryable, within the deadline) and commits the result to the connector space before the
 * answer goes out, so every replica reads the write.
 */
export class ExportUseCase {
  constructor(
    private readonly catalog: ConnectorCatalog,
    private readonly connectorOf: (name: string) => Connector,
    private readonly logger: ExportLogger,
  ) {}

  async run<N extends keyof ExportJobs>(name: N, data: ExportJobs[N]): Promise<ExportOutcome> {
    try {
      const mapper = await this.catalog.mapper(data.connector, data.objectType);
      switch (name) {
        case 'export.create':
          return await this.create(data as ExportJobs['export.create'], mapper);
        case 'export.replace':
          return await this.replace(data as ExportJobs['export.replace'], mapper);
        case 'export.patch':
          return await this.patch(data as ExportJobs['export.patch'], mapper);
        case 'export.delete':
          return await this.delete(data as ExportJobs['export.delete'], mapper);
        default:
          throw new Error(`unknown export job ${String(name)}`);
      }
    } catch (error) {
      return this.failure(error, data.connector, name);
    }
  }

  private async create(data: ExportJobs['export.create'], mapper: ObjectMapper): Promise<ExportOutcome> {
    const space = this.catalog.space(data.connector);
    const resource = normalizeResource(data.resource, resourceSchemaOf(mapper));
    const target = mapper.toTarget(resource);
    this.assertRequired(mapper, target.attributes);
    await this.assertUnique(data.connector, mapper, target.attributes, null);
    const result = await this.apply(data, {
      kind: 'add',
      objectType: mapper.config.name,
      attributes: target.attributes,
      ...(target.dn ? { dn: target.dn } : {}),
      ...(target.password ? { password: target.password } : {}),
    });
    const object: TargetObject = {
      objectType: mapper.config.name,
      anchor: result.anchor,
      dn: result.dn,
      attributes: result.attributes ?? stripEmpty(target.attributes),
    };
    const now = Date.now();
    await space.commitExport(mapper.config.name, null, object, now);
    return { status: 201, body: mapper.toScim({ ...object, writtenAt: now }) };
  }

  private async replace(data: ExportJobs['export.replace'], mapper: ObjectMapper): Promise<ExportOutcome> {
    const current = await this.current(data.connector, mapper, data.id);
    const resource = normalizeResource(data.resource, resourceSchemaOf(mapper));
    if (typeof data.resource.id === 'string' && data.resource.id !== data.id) {
      throw ScimError.mutability(`id "${data.resource.id}" in the body does not match the URL's id`);
    }
    const target = mapper.toTarget(resource);
    this.assertRequired(mapper, target.attributes);
    return this.update(data, mapper, current, resource, target.attributes, target.dn, target.password);
  }

  private async patch(data: ExportJobs['export.patch'], mapper: ObjectMapper): Promise<ExportOutcome> {
    const current = await this.current(data.connector, mapper, data.id);
    const operations = parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: data.operations });
    const before = mapper.toScim(current);
    const after = applyPatch(before, operations, resourceSchemaOf(mapper));
    const target = mapper.toTarget(after, current.attributes);
    const dnBefore = current.dn;
    const requestedDn = target.dn && target.dn !== dnBefore ? target.dn : undefined;
    return this.update(data, mapper, current, after, target.attributes, requestedDn, target.password);
  }

  private async update(
    data: ExportJobs['export.replace'] | ExportJobs['export.patch'],
    mapper: ObjectMapper,
    current: CurrentObject,
    resource: Json,
    attributes: TargetObject['attributes'],
    requestedDn: string | undefined,
    password: string | undefined,
  ): Promise<ExportOutcome> {
    const space = this.catalog.space(data.connector);
    const type = mapper.config.name;
    const disable = mapper.config.deprovisioning.disable;
    if (disable.flow === 'delete' && isInactive(resource.active) && !isInactive(mapper.toScim(current).active)) {
      // disable flow "delete": the object leaves the target when Entra disables it
      await this.apply(data, { kind: 'delete', objectType: type, anchor: current.anchor, dn: current.dn });
      await space.commitExport(type, current.anchor, null);
      return { status: 200, body: { ...mapper.toScim(current), active: false } };
    }
    const deltas = diffAttributes(current.attributes, attributes, mapper.schema);
    const anchorDelta = deltas.find((d) => d.attribute.toLowerCase() === mapper.config.anchor.toLowerCase());
    if (anchorDelta) await this.assertUnique(data.connector, mapper, attributes, current.anchor);
    if (deltas.length === 0 && !requestedDn && !password) {
      return { status: 200, body: mapper.toScim(current) };
    }
    const change: ExportChange =
      requestedDn && requestedDn !== current.dn
        ? { kind: 'rename', objectType: type, anchor: current.anchor, dn: current.dn, newDn: requestedDn, deltas }
        : { kind: 'update', objectType: type, anchor: current.anchor, dn: current.dn, deltas, ...(password ? { password } : {}) };
    const result = await this.apply(data, change);
    const object: TargetObject = {
      objectType: type,
      anchor: result.anchor,
      dn: result.dn,
      attributes: result.attributes ?? applyDeltas(current.attributes, deltas),
    };
    const now = Date.now();
    await space.commitExport(type, current.anchor, object, now);
    return { status: 200, body: mapper.toScim({ ...object, writtenAt: now }) };
  }

  private async delete(data: ExportJobs['export.delete'], mapper: ObjectMapper): Promise<ExportOutcome> {
    const current = await this.current(data.connector, mapper, data.id);
    if (mapper.config.deprovisioning.delete.flow === 'none') {
      // delete flow "none": Entra forgets the object, the target keeps it
      return { status: 204 };
    }
    await this.apply(data, { kind: 'delete', objectType: mapper.config.name, anchor: current.anchor, dn: current.dn });
    await this.catalog.space(data.connector).commitExport(mapper.config.name, current.anchor, null);
    return { status: 204 };
  }

  private async current(connector: string, mapper: ObjectMapper, id: string): Promise<CurrentObject> {
    const object = await this.catalog.space(connector).get(mapper.config.name, id);
    if (!object) throw ScimError.notFound(`${mapper.config.name} ${id} not found`);
    return { ...object, objectType: mapper.config.name };
  }

  private assertRequired(mapper: ObjectMapper, attributes: TargetObject['attributes']): void {
    const missing = mapper.selected
      .filter((a) => a.required && !a.readOnly && lookup(attributes, a.name).length === 0)
      .map((a) => a.name);
    if (missing.length) {
      throw ScimError.invalidValue(`missing required attribute(s): ${missing.map((m) => `${mapper.extensionUrn}:${m}`).join(', ')}`);
    }
  }

  /** 409 uniqueness when another object already holds the anchor or a matching attribute's value. */
  private async assertUnique(connector: string, mapper: ObjectMapper, attributes: TargetObject['attributes'], self: string | null): Promise<void> {
    const space = this.catalog.space(connector);
    for (const spec of space.indexes(mapper.config.name)) {
      for (const value of lookup(attributes, spec.attribute)) {
        const holders = await space.findAnchors(mapper.config.name, spec.attribute, value, 2);
        const others = holders.filter((anchor) => anchor !== self);
        if (others.length) throw ScimError.uniqueness(`${spec.attribute} "${value}" is already in use`);
      }
    }
  }

  private async apply(data: { connector: string; envelope: { deadline: number } }, change: ExportChange) {
    const config = this.catalog.connector(data.connector);
    const connector = this.connectorOf(data.connector);
    return withRetry(() => connector.export(change), { retries: config.exportRetries, deadline: data.envelope.deadline }, (error, attempt) =>
      this.logger.warn('retrying export', { connector: data.connector, kind: change.kind, attempt, reason: (error as ConnectorError).reason }),
    );
  }

  private failure(error: unknown, connector: string, job: string): ExportOutcome {
    if (error instanceof ScimError) return { status: error.status, body: error.toBody() };
    if (isConnectorError(error)) {
      const scim = scimErrorOf(error);
      this.logger.warn('export refused by the target', { connector, job, reason: error.reason, status: scim.status });
      return { status: scim.status, body: scim.toBody() };
    }
    this.logger.error('export failed', { connector, job, error: error instanceof Error ? error.message : String(error) });
    return { status: 500, body: new ScimError(500, 'internal error while exporting; see the host logs').toBody() };
  }
}

/** How a connector's classified error reaches the SCIM client. */
export function scimErrorOf(error: ConnectorError): ScimError {
  switch (error.reason) {
    case 'alreadyExists':
      return ScimError.uniqueness(error.message);
    case 'notFound':
      return ScimError.notFound(error.message);
    case 'invalidValue':
    case 'schemaViolation':
    case 'constraintViolation':
      return ScimError.invalidValue(error.message);
    case 'permissionDenied':
      return new ScimError(403, error.message);
    case 'unsupported':
      return ScimError.mutability(error.message);
    default:
      return new ScimError(503, `the target is unavailable (${error.reason}): ${error.message}`);
  }
}

function isInactive(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.toLowerCase() === 'false');
}

function stripEmpty(attributes: TargetObject['attributes']): TargetObject['attributes'] {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v.length > 0));
}
