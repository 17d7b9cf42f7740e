import type { AttributeDelta, Connector, ExportChange, ExportResult, TargetObject } from '@connector-host/connector-sdk';
import { applyDeltas, attributeKey, ConnectorError, isConnectorError, valuesOf } from '@connector-host/connector-sdk';
import type { ConnectorConfig } from '@connector-host/config';
import { TargetGateTimeout, type ExportJobs } from '@connector-host/queue';
import type { StoredObject } from '@connector-host/connector-space';
import { applyPatch, normalizeResource, parsePatchRequest, ScimError } from '@connector-host/scim';
import { diffAttributes } from './attribute-delta';
import { allocatedAttributes, allocateNumbers, applyStaticRules } from './attribute-rules';
import type { ConnectorCatalog } from './connector-catalog';
import type { ObjectMapper } from './object-mapper';
import { membershipDeltas } from './membership-patch';
import { ReferenceTranslator, type Reference } from './references';
import { resourceSchemaOf } from './resource-schema';
import { withRetry } from './retry';

/** What the HTTP edge answers: a status and a SCIM body; plus, for the provisioning log, what was done. */
export interface ExportOutcome extends ExportTrail {
  status: number;
  body?: object;
}

/** What an export did to the target, for the provisioning log: names and kinds only, never values. */
export interface ExportTrail {
  /** The object's anchor (the URL's id, or the anchor the target gave a new object). */
  anchor?: string;
  /** The change sent to the target; `none` when nothing had to change or the request was refused first. */
  targetOperation?: ExportChange['kind'] | 'none';
  /** The target's error kind (the connector error reason) when it refused or failed. */
  errorKind?: string;
  /**
   * True when no call reached the target (the breaker stayed open or no slot came free before the
   * deadline): the job can be dropped cleanly, nothing is half-done, nothing goes to dead letters.
   */
  notAttempted?: boolean;
}

/**
 * What stands between a job and its target call: the shared circuit breaker and concurrency limit
 * (`TargetGate` in libs/queue). `onAdmitted` runs right before the call.
 */
export interface ExportGate {
  run<T>(connector: ConnectorConfig, deadline: number, call: () => Promise<T>, onAdmitted: () => void): Promise<T>;
  /** An operation reached the target and failed for good (retries spent on retryable errors). */
  failed(connector: ConnectorConfig): Promise<void>;
}

/** How this run of a job came about. */
export interface ExportRunContext {
  /**
   * The job ran before and its worker died (or handed it back) mid-way: the target may already
   * hold the change although the connector space does not. A create that meets "already exists"
   * then adopts the target's object, a delete that meets "not found" is done: the retry completes
   * the first attempt instead of failing it (and never adds a second object).
   */
  rerun?: boolean;
}

export interface ExportLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

type Json = Record<string, unknown>;
/** The trail plus what only this run needs to know. */
type Trail = ExportTrail & { attempted: boolean; rerun: boolean };

function publicTrail({ attempted: _attempted, rerun: _rerun, ...trail }: Trail): ExportTrail {
  return trail;
}
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
    private readonly gate?: ExportGate,
  ) {}

  async run<N extends keyof ExportJobs>(name: N, data: ExportJobs[N], context: ExportRunContext = {}): Promise<ExportOutcome> {
    const trail: Trail = { targetOperation: 'none', ...('id' in data ? { anchor: data.id } : {}), attempted: false, rerun: context.rerun === true };
    try {
      const mapper = await this.catalog.mapper(data.connector, data.objectType);
      let outcome: ExportOutcome;
      switch (name) {
        case 'export.create':
          outcome = await this.create(data as ExportJobs['export.create'], mapper, trail);
          break;
        case 'export.replace':
          outcome = await this.replace(data as ExportJobs['export.replace'], mapper, trail);
          break;
        case 'export.patch':
          outcome = await this.patch(data as ExportJobs['export.patch'], mapper, trail);
          break;
        case 'export.delete':
          outcome = await this.delete(data as ExportJobs['export.delete'], mapper, trail);
          break;
        default:
          throw new Error(`unknown export job ${String(name)}`);
      }
      return { ...publicTrail(trail), ...outcome };
    } catch (error) {
      // the target holds the change but the connector space could not be told: a job failure, not an answer
      if (error instanceof CommitFailed) throw error;
      if (error instanceof TargetGateTimeout) {
        const scim = new ScimError(503, `${error.message}; retry later`);
        return { ...publicTrail(trail), status: 503, body: scim.toBody(), errorKind: error.why, ...(trail.attempted ? {} : { notAttempted: true }) };
      }
      return { ...publicTrail(trail), ...(isConnectorError(error) ? { errorKind: error.reason } : {}), ...this.failure(error, data.connector, name) };
    }
  }

  private async create(data: ExportJobs['export.create'], mapper: ObjectMapper, trail: Trail): Promise<ExportOutcome> {
    const space = this.catalog.space(data.connector);
    const resource = normalizeResource(data.resource, resourceSchemaOf(mapper));
    const target = mapper.toTarget(resource);
    const anchor = valuesOf(target.attributes, mapper.config.anchor)[0];
    if (anchor !== undefined) trail.anchor = String(anchor);
    // host-side rules (objectTypes.<type>.rules): constants and templates, then numbers once valid
    applyStaticRules(mapper, target.attributes);
    this.assertRequired(mapper, target.attributes, allocatedAttributes(mapper));
    await this.assertUnique(data.connector, mapper, target.attributes, null);
    await allocateNumbers(mapper, space, target.attributes);
    const references = new ReferenceTranslator(space);
    // an empty list is no value: the add leaves the attribute out (the target's default, an identity column)
    const targetAttributes = await references.toTargetAttributes(mapper.references, stripEmpty(target.attributes), (a) => `${mapper.extensionUrn}:${a}`);
    const add: ExportChange = {
      kind: 'add',
      objectType: mapper.config.name,
      attributes: targetAttributes,
      ...(target.dn ? { dn: target.dn } : {}),
      ...(target.password ? { password: target.password } : {}),
    };
    // a rerun looks first: on a target without a unique key a second add would make a second object
    const adopted = trail.rerun && anchor !== undefined ? await this.adopt(data.connector, mapper.config.name, String(anchor), trail) : null;
    const result = adopted ?? await this.apply(data, trail, add).catch(async (error: unknown) => {
      // a rerun whose first attempt added the object before its worker died: adopt it, never add twice
      if (trail.rerun && isConnectorError(error) && error.reason === 'alreadyExists' && anchor !== undefined) {
        const existing = await this.adopt(data.connector, mapper.config.name, String(anchor), trail);
        if (existing) return existing;
      }
      throw error;
    });
    const object: TargetObject = {
      objectType: mapper.config.name,
      anchor: result.anchor,
      dn: result.dn,
      attributes: withSpaceReferences(mapper.references, result.attributes, stripEmpty(target.attributes)),
    };
    const now = Date.now();
    await this.commit(() => space.commitExport(mapper.config.name, null, object, now));
    return { status: 201, body: mapper.toScim({ ...object, writtenAt: now }) };
  }

  private async replace(data: ExportJobs['export.replace'], mapper: ObjectMapper, trail: Trail): Promise<ExportOutcome> {
    const current = await this.current(data.connector, mapper, data.id);
    const resource = normalizeResource(data.resource, resourceSchemaOf(mapper));
    if (typeof data.resource.id === 'string' && data.resource.id !== data.id) {
      throw ScimError.mutability(`id "${data.resource.id}" in the body does not match the URL's id`);
    }
    const target = mapper.toTarget(resource);
    this.assertRequired(mapper, target.attributes);
    return this.update(data, mapper, trail, current, resource, target.attributes, target.dn, target.password);
  }

  private async patch(data: ExportJobs['export.patch'], mapper: ObjectMapper, trail: Trail): Promise<ExportOutcome> {
    const current = await this.current(data.connector, mapper, data.id);
    const operations = parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: data.operations });
    const outcome = await this.patchOutcome(data, mapper, trail, current, operations);
    // Groups answer 204 without a body, as Entra expects: a large group is not rendered and sent
    // back on every membership change. Users answer 200 with the resource (RFC 7644 §3.5.2 allows both).
    return mapper.config.name === 'Group' && outcome.status === 200 ? { status: 204 } : outcome;
  }

  private async patchOutcome(
    data: ExportJobs['export.patch'],
    mapper: ObjectMapper,
    trail: Trail,
    current: CurrentObject,
    operations: ReturnType<typeof parsePatchRequest>,
  ): Promise<ExportOutcome> {
    const members = membershipDeltas(mapper, operations, current.attributes);
    if (members) return this.update(data, mapper, trail, current, {}, members, undefined, undefined);
    const before = mapper.toScim(current);
    const after = applyPatch(before, operations, resourceSchemaOf(mapper));
    const target = mapper.toTarget(after, current.attributes);
    const dnBefore = current.dn;
    const requestedDn = target.dn && target.dn !== dnBefore ? target.dn : undefined;
    return this.update(data, mapper, trail, current, after, target.attributes, requestedDn, target.password);
  }

  private async update(
    data: ExportJobs['export.replace'] | ExportJobs['export.patch'],
    mapper: ObjectMapper,
    trail: Trail,
    current: CurrentObject,
    resource: Json,
    /** The attributes the request asks for, or the deltas already computed (membership fast path). */
    wanted: TargetObject['attributes'] | AttributeDelta[],
    requestedDn: string | undefined,
    password: string | undefined,
  ): Promise<ExportOutcome> {
    const space = this.catalog.space(data.connector);
    const type = mapper.config.name;
    const disable = mapper.config.deprovisioning.disable;
    if (disable.flow === 'delete' && isInactive(resource.active) && !isInactive(mapper.toScim(current).active)) {
      // disable flow "delete": the object leaves the target when Entra disables it
      await this.apply(data, trail, { kind: 'delete', objectType: type, anchor: current.anchor, dn: current.dn });
      await this.commit(() => space.commitExport(type, current.anchor, null));
      await this.forgetReferences(data.connector, type, current.anchor);
      return { status: 200, body: { ...mapper.toScim(current), active: false } };
    }
    const deltas = Array.isArray(wanted) ? wanted : diffAttributes(current.attributes, wanted, mapper.schema);
    const anchorDelta = deltas.find((d) => d.attribute.toLowerCase() === mapper.config.anchor.toLowerCase());
    if (anchorDelta && !Array.isArray(wanted)) await this.assertUnique(data.connector, mapper, wanted, current.anchor);
    if (deltas.length === 0 && !requestedDn && !password) {
      return { status: 200, body: mapper.toScim(current) };
    }
    // the target's form of reference values (DNs...); the space keeps anchors
    const targetDeltas = await new ReferenceTranslator(space).toTargetDeltas(mapper.references, deltas, (a) => `${mapper.extensionUrn}:${a}`);
    const change: ExportChange =
      requestedDn && requestedDn !== current.dn
        ? { kind: 'rename', objectType: type, anchor: current.anchor, dn: current.dn, newDn: requestedDn, deltas: targetDeltas }
        : { kind: 'update', objectType: type, anchor: current.anchor, dn: current.dn, deltas: targetDeltas, ...(password ? { password } : {}) };
    const result =
      change.kind === 'update' && targetDeltas.length === 0 && !password
        ? // only removals of members that no longer exist: nothing for the target to do
          { anchor: current.anchor, dn: current.dn }
        : await this.apply(data, trail, change);
    const object: TargetObject = {
      objectType: type,
      anchor: result.anchor,
      dn: result.dn,
      attributes: withSpaceReferences(mapper.references, result.attributes, applyDeltas(current.attributes, deltas)),
    };
    const now = Date.now();
    await this.commit(() => space.commitExport(type, current.anchor, object, now));
    return { status: 200, body: mapper.toScim({ ...object, writtenAt: now }) };
  }

  private async delete(data: ExportJobs['export.delete'], mapper: ObjectMapper, trail: Trail): Promise<ExportOutcome> {
    const current = await this.current(data.connector, mapper, data.id);
    if (mapper.config.deprovisioning.delete.flow === 'none') {
      // delete flow "none": Entra forgets the object, the target keeps it
      return { status: 204 };
    }
    await this.apply(data, trail, { kind: 'delete', objectType: mapper.config.name, anchor: current.anchor, dn: current.dn }).catch((error: unknown) => {
      // a rerun whose first attempt deleted the object before its worker died: done
      if (trail.rerun && isConnectorError(error) && error.reason === 'notFound') return null;
      throw error;
    });
    await this.commit(() => this.catalog.space(data.connector).commitExport(mapper.config.name, current.anchor, null));
    await this.forgetReferences(data.connector, mapper.config.name, current.anchor);
    return { status: 204 };
  }

  /** A deleted object leaves the cached members and managers that referred to it. */
  private async forgetReferences(connector: string, objectType: string, anchor: string): Promise<void> {
    const space = this.catalog.space(connector);
    for (const type of this.catalog.connector(connector).objectTypes) {
      // an object type the target cannot serve as configured (a missing table) holds nothing
      const holder = this.catalog.knownMapper(connector, type.name) ?? (this.catalog.unavailable(connector).has(type.name) ? undefined : await this.catalog.mapper(connector, type.name));
      if (!holder) continue;
      for (const reference of holder.references) {
        if (reference.to.includes(objectType)) await space.removeReferenceValue(type.name, reference.attribute, anchor);
      }
    }
  }

  /**
   * Commits a change the target already holds to the connector space. Redis being away (a restart)
   * must not turn an applied change into a failure that Entra retries into a second object: the
   * commit is retried, holding the partition, for up to a minute; past that the error escapes as a
   * job failure (BullMQ fails the job, it is dead-lettered, and a killed worker's rerun adopts it).
   */
  private async commit(write: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (attempt >= 30) throw new CommitFailed(error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }

  /** The object a rerun's first attempt may have added, read from the target itself. */
  private async adopt(connector: string, objectType: string, anchor: string, trail: Trail): Promise<ExportResult | null> {
    const existing = await this.connectorOf(connector).get(objectType, anchor);
    if (!existing) return null;
    trail.attempted = true;
    trail.targetOperation = 'add';
    this.logger.warn('rerun of a create found its object in the target: adopted, not added again', { connector });
    return { anchor: existing.anchor, dn: existing.dn, attributes: existing.attributes };
  }

  private async current(connector: string, mapper: ObjectMapper, id: string): Promise<CurrentObject> {
    const object = await this.catalog.space(connector).get(mapper.config.name, id);
    if (!object) throw ScimError.notFound(`${mapper.config.name} ${id} not found`);
    return { ...object, objectType: mapper.config.name };
  }

  private assertRequired(mapper: ObjectMapper, attributes: TargetObject['attributes'], filledLater: Set<string> = new Set()): void {
    // a required reference (groupOfNames' member) is the connector's to satisfy: an empty group is
    // created with its configured placeholder, or refused by the connector with its reason
    const missing = mapper.selected
      .filter((a) => a.required && !a.readOnly && !mapper.isReference(a.name) && valuesOf(attributes, a.name).length === 0 && !filledLater.has(a.name.toLowerCase()))
      .map((a) => a.name);
    if (missing.length) {
      throw ScimError.invalidValue(`missing required attribute(s): ${missing.map((m) => `${mapper.extensionUrn}:${m}`).join(', ')}`);
    }
  }

  /** 409 uniqueness when another object already holds the anchor or a matching attribute's value. */
  private async assertUnique(connector: string, mapper: ObjectMapper, attributes: TargetObject['attributes'], self: string | null): Promise<void> {
    const space = this.catalog.space(connector);
    for (const spec of space.indexes(mapper.config.name)) {
      for (const value of valuesOf(attributes, spec.attribute)) {
        const holders = await space.findAnchors(mapper.config.name, spec.attribute, value, 2);
        const others = holders.filter((anchor) => anchor !== self);
        if (others.length) throw ScimError.uniqueness(`${spec.attribute} "${value}" is already in use`);
      }
    }
  }

  private async apply(data: { connector: string; envelope: { deadline: number } }, trail: Trail, change: ExportChange) {
    const config = this.catalog.connector(data.connector);
    const connector = this.connectorOf(data.connector);
    trail.targetOperation = change.kind;
    const deadline = data.envelope.deadline;
    const admitted = () => {
      trail.attempted = true;
    };
    const call = this.gate ? () => this.gate!.run(config, deadline, () => connector.export(change), admitted) : () => (admitted(), connector.export(change));
    const result = await withRetry(call, { retries: config.exportRetries, deadline }, (error, attempt) =>
      this.logger.warn('retrying export', { connector: data.connector, kind: change.kind, attempt, reason: (error as ConnectorError).reason }),
    ).catch(async (error: unknown) => {
      if (this.gate && trail.attempted && isConnectorError(error) && error.retryable) await this.gate.failed(config);
      throw error;
    });
    trail.anchor = result.anchor;
    return result;
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

/** The target applied the change; the connector space could not record it. */
export class CommitFailed extends Error {
  constructor(cause: unknown) {
    super(`the target applied the change but the connector space could not record it: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CommitFailed';
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
    case 'configuration':
      // the host's settings do not fit the target (a missing base): retried once an administrator
      // fixed it, so 503 (with Retry-After) at once, the message saying what to fix
      return new ScimError(503, error.message);
    default:
      return new ScimError(503, `the target is unavailable (${error.reason}): ${error.message}`);
  }
}

function isInactive(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.toLowerCase() === 'false');
}

/**
 * The attributes to cache after an export: what the connector read back (or derived ones), with
 * reference attributes always taken from the derived ones, which hold anchors. A connector's
 * read-back holds the target's form (DNs) and may leave large member lists out on purpose.
 */
function withSpaceReferences(references: readonly Reference[], readBack: TargetObject['attributes'] | undefined, derived: TargetObject['attributes']): TargetObject['attributes'] {
  if (!readBack) return derived;
  if (references.length === 0) return readBack;
  const out = { ...readBack };
  for (const reference of references) {
    const lower = reference.attribute.toLowerCase();
    for (const key of Object.keys(out)) if (key.toLowerCase() === lower) delete out[key];
    const derivedKey = attributeKey(derived, reference.attribute);
    if (derivedKey && derived[derivedKey].length) out[derivedKey] = derived[derivedKey];
  }
  return out;
}

function stripEmpty(attributes: TargetObject['attributes']): TargetObject['attributes'] {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v.length > 0));
}
