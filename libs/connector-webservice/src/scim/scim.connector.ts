import {
  applyDeltas,
  ConnectorError,
  type AttributeDelta,
  type AttributeValue,
  type Attributes,
  type Connector,
  type ConnectorCapabilities,
  type ConnectorContext,
  type DeltaPage,
  type ExportChange,
  type ExportResult,
  type ImportOptions,
  type ImportPage,
  type ObjectTypeBinding,
  type ObjectTypeSchema,
  type TargetObject,
  type TargetSchema,
  valuesOf,
} from '@connector-host/connector-sdk';
import { dnOf, toAttributeValue } from '../common/attribute-values';
import { Authenticator } from '../common/auth';
import { headerOf, HttpClient, type HttpResponse } from '../common/http-client';
import { statusError } from '../common/target-errors';
import { equalityFilter, keyOf, patchOperations, readScimPath, writeScimPath, type PatchOperation } from './scim-paths';
import { configuredAttributes, flatAttributes, type FlatAttribute, type ScimSchemaDefinition } from './scim-schema';
import { parseScimConnection, parseScimTarget, type ScimConnectionSettings, type ScimTargetSettings } from './scim-settings';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SCIM_JSON = 'application/scim+json';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

interface BoundType {
  binding: ObjectTypeBinding;
  target: ScimTargetSettings;
  endpoint: string;
  coreUrn: string;
  extensionUrns: string[];
  attributes: FlatAttribute[];
  anchor: FlatAttribute;
  match?: FlatAttribute;
  acceptsPassword: boolean;
  schema: ObjectTypeSchema;
  attribute(name: string): FlatAttribute | undefined;
}

/**
 * Connector type `scim`: the target is itself a SCIM 2.0 service. The host sits in front of it
 * as a hardened, observable proxy: Entra's traffic is validated, queued, retried with back-off,
 * measured and logged, and the target only sees well-formed requests — value-level PATCH
 * operations, filters by the anchor or match attribute, paged reads.
 */
export class ScimConnector implements Connector {
  readonly type = 'scim';
  readonly capabilities: ConnectorCapabilities;
  private readonly settings: ScimConnectionSettings;
  private readonly http: HttpClient;
  private readonly auth: Authenticator;
  private readonly targets = new Map<string, { binding: ObjectTypeBinding; target: ScimTargetSettings }>();
  private readonly bound = new Map<string, Promise<BoundType>>();
  private readonly maybeApplied = new WeakSet<ExportChange>();

  constructor(private readonly context: ConnectorContext) {
    this.settings = parseScimConnection(context.connection);
    for (const binding of context.objectTypes) this.targets.set(binding.name, { binding, target: parseScimTarget(binding.name, binding.target) });
    this.http = new HttpClient(this.settings.http);
    this.auth = new Authenticator(this.settings.auth, this.http);
    this.capabilities = { fullImport: true, deltaImport: false, rename: context.objectTypes.some((b) => b.dn.kind === 'attribute') };
  }

  async test(): Promise<void> {
    for (const name of this.targets.keys()) {
      const bound = await this.bind(name, true);
      await this.request('GET', this.url(`${bound.endpoint}`, { startIndex: '1', count: '1' }));
    }
  }

  async discoverSchema(): Promise<TargetSchema> {
    const objectTypes: ObjectTypeSchema[] = [];
    for (const name of this.targets.keys()) objectTypes.push((await this.bind(name, true)).schema);
    return { objectTypes };
  }

  async *fullImport(objectType: string, options: ImportOptions): AsyncIterable<ImportPage> {
    const bound = await this.bind(objectType);
    const count = bound.target.pageSize ?? Math.max(1, Math.floor(options.pageSize));
    let startIndex = 1;
    let previousFirst: string | undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      const body = await this.request('GET', this.url(bound.endpoint, { startIndex: String(startIndex), count: String(count) }));
      const resources = this.resourcesOf(body, `GET ${bound.endpoint}`);
      const objects = resources.map((r) => this.objectOf(bound, r));
      yield { objects };
      if (objects.length === 0) return;
      if (objects[0]!.anchor === previousFirst) {
        throw new ConnectorError('unavailable', `GET ${bound.endpoint}: two pages start with ${previousFirst}; the target ignores startIndex`);
      }
      previousFirst = objects[0]!.anchor;
      const total = isObject(body) && typeof body.totalResults === 'number' ? body.totalResults : undefined;
      startIndex += objects.length;
      if (total !== undefined && startIndex > total) return;
      if (total === undefined && objects.length < count) return;
    }
  }

  // eslint-disable-next-line require-yield
  async *deltaImport(objectType: string): AsyncIterable<DeltaPage> {
    throw new ConnectorError('unsupported', `a SCIM target offers no "changed since" query: delta import is not possible for ${objectType}; use full imports`);
  }

  async get(objectType: string, anchor: string): Promise<TargetObject | null> {
    const bound = await this.bind(objectType);
    const resource = await this.fetch(bound, anchor);
    return resource ? this.objectOf(bound, resource) : null;
  }

  async export(change: ExportChange): Promise<ExportResult> {
    const bound = await this.bind(change.objectType);
    try {
      switch (change.kind) {
        case 'add':
          return await this.add(bound, change);
        case 'update':
          return await this.update(bound, change.anchor, change.deltas, change.password);
        case 'rename': {
          const rule = bound.binding.dn;
          if (rule.kind !== 'attribute') throw new ConnectorError('unsupported', `object type ${change.objectType} has a ${rule.kind} DN: it cannot be renamed`);
          const deltas = change.deltas.filter((d) => d.attribute.toLowerCase() !== rule.attribute.toLowerCase());
          deltas.push({ attribute: rule.attribute, op: 'replace', values: [change.newDn] });
          return await this.update(bound, change.anchor, deltas, undefined);
        }
        case 'delete':
          return await this.delete(bound, change);
      }
    } catch (error) {
      // a timeout, a reset or a 5xx may come after the target acted: the retry looks first (a 429 did nothing)
      if (error instanceof ConnectorError && error.retryable && error.reason !== 'busy' && (change.kind === 'add' || change.kind === 'delete')) this.maybeApplied.add(change);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.bound.clear();
    this.http.close();
  }

  // ---------------------------------------------------------------------------------------------

  private async add(bound: BoundType, change: Extract<ExportChange, { kind: 'add' }>): Promise<ExportResult> {
    if (this.maybeApplied.has(change)) {
      const existing = await this.recoverAdd(bound, change.attributes);
      if (existing) {
        this.context.logger.info('an add that may have reached the target was found there; not sending it again', { objectType: change.objectType, anchor: existing.anchor });
        return { anchor: existing.anchor, dn: existing.dn, attributes: existing.attributes };
      }
    }
    const resource: Json = { schemas: [bound.coreUrn] };
    for (const [name, values] of Object.entries(change.attributes)) {
      const flat = this.writable(bound, name);
      if (!flat) continue;
      writeScimPath(resource, flat.path, values, flat.schema.multiValued);
    }
    if (change.password && bound.acceptsPassword) resource.password = change.password;
    resource.schemas = [bound.coreUrn, ...bound.extensionUrns.filter((urn) => keyOf(resource, urn) !== undefined)];
    const created = await this.request('POST', this.url(bound.endpoint), resource, change.password ? [change.password] : []);
    if (!isObject(created)) throw new ConnectorError('unavailable', `POST ${bound.endpoint}: the answer holds no resource`);
    const object = this.objectOf(bound, created);
    return { anchor: object.anchor, dn: object.dn, attributes: object.attributes };
  }

  private async recoverAdd(bound: BoundType, attributes: Attributes): Promise<TargetObject | null> {
    const anchor = valuesOf(attributes, bound.anchor.schema.name)[0];
    if (anchor !== undefined) return this.get(bound.binding.name, String(anchor));
    const match = bound.match;
    const value = match ? valuesOf(attributes, match.schema.name)[0] : undefined;
    if (!match || value === undefined) return null;
    const found = await this.filter(bound, match, value);
    if (found.length > 1) throw new ConnectorError('alreadyExists', `${found.length} resources have ${match.schema.name} "${String(value)}"; the add cannot tell which one it made`);
    return found[0] ? this.objectOf(bound, found[0]) : null;
  }

  private async update(bound: BoundType, anchor: string, deltas: AttributeDelta[], password: string | undefined): Promise<ExportResult> {
    const flats = deltas.map((d) => {
      const flat = bound.attribute(d.attribute);
      if (!flat) throw new ConnectorError('schemaViolation', `attribute "${d.attribute}" is not an attribute of the target's ${bound.target.resourceType}`);
      if (flat.schema.readOnly) throw new ConnectorError('schemaViolation', `attribute "${d.attribute}" is read-only on the target`);
      return flat;
    });
    const secrets = password ? [password] : [];
    let answer: unknown;
    if (bound.target.update === 'put') {
      const current = await this.fetch(bound, anchor);
      if (!current) throw new ConnectorError('notFound', `no ${bound.target.resourceType} with ${bound.anchor.schema.name} "${anchor}" on the target`);
      const before = this.objectOf(bound, current).attributes;
      const after = applyDeltas(before, deltas);
      const resource: Json = { ...current };
      delete resource.meta;
      for (const flat of new Set(flats)) writeScimPath(resource, flat.path, valuesOf(after, flat.schema.name), flat.schema.multiValued);
      if (password && bound.acceptsPassword) resource.password = password;
      answer = await this.request('PUT', this.resourceUrl(bound, this.idOf(bound, current)), resource, secrets);
    } else {
      const operations: PatchOperation[] = deltas.flatMap((delta, i) => patchOperations(flats[i]!.path, delta, flats[i]!.schema.multiValued));
      if (password && bound.acceptsPassword) operations.push({ op: 'replace', path: 'password', value: password });
      const id = await this.resourceId(bound, anchor);
      answer = await this.request('PATCH', this.resourceUrl(bound, id), { schemas: [PATCH_OP], Operations: operations }, secrets);
    }
    if (isObject(answer) && answer.id !== undefined) {
      const object = this.objectOf(bound, answer);
      return { anchor: object.anchor, dn: object.dn, attributes: object.attributes };
    }
    // 204: the host applies the deltas to what it had
    const renamed = deltas.find((d) => d.attribute.toLowerCase() === bound.anchor.schema.name.toLowerCase() && d.op === 'replace')?.values[0];
    const newAnchor = renamed === undefined ? anchor : String(renamed);
    return { anchor: newAnchor, dn: dnOf(bound.binding, newAnchor, {}) };
  }

  private async delete(bound: BoundType, change: Extract<ExportChange, { kind: 'delete' }>): Promise<ExportResult> {
    try {
      const id = await this.resourceId(bound, change.anchor);
      await this.request('DELETE', this.resourceUrl(bound, id));
    } catch (error) {
      if (error instanceof ConnectorError && error.reason === 'notFound' && this.maybeApplied.has(change)) return { anchor: change.anchor, dn: change.dn };
      throw error;
    }
    return { anchor: change.anchor, dn: change.dn };
  }

  /** The target's own `id` of the object with this anchor (the anchor itself when it is `id`). */
  private async resourceId(bound: BoundType, anchor: string): Promise<string> {
    if (this.anchorIsId(bound)) return anchor;
    const resource = await this.fetch(bound, anchor);
    if (!resource) throw new ConnectorError('notFound', `no ${bound.target.resourceType} with ${bound.anchor.schema.name} "${anchor}" on the target`);
    return this.idOf(bound, resource);
  }

  private idOf(bound: BoundType, resource: Json): string {
    const id = resource.id;
    if (typeof id !== 'string' || id === '') throw new ConnectorError('unavailable', `${bound.endpoint}: malformed answer: a resource without an id`);
    return id;
  }

  private anchorIsId(bound: BoundType): boolean {
    const path = bound.anchor.path;
    return !path.schema && path.attribute === 'id' && path.kind === 'simple';
  }

  /** The raw resource with this anchor: GET by id, or a filter on the anchor's path. */
  private async fetch(bound: BoundType, anchor: string): Promise<Json | null> {
    if (this.anchorIsId(bound)) {
      try {
        const body = await this.request('GET', this.resourceUrl(bound, anchor));
        if (!isObject(body)) throw new ConnectorError('unavailable', `GET ${bound.endpoint}/…: malformed answer: not a resource`);
        return body;
      } catch (error) {
        if (error instanceof ConnectorError && error.reason === 'notFound') return null;
        throw error;
      }
    }
    const found = await this.filter(bound, bound.anchor, anchor);
    if (found.length > 1) throw new ConnectorError('constraintViolation', `${found.length} resources have ${bound.anchor.schema.name} "${anchor}" on the target`);
    return found[0] ?? null;
  }

  /** `GET <endpoint>?filter=<path> eq "<value>"`, every result re-checked (a lenient target may ignore the filter). */
  private async filter(bound: BoundType, flat: FlatAttribute, value: AttributeValue): Promise<Json[]> {
    const body = await this.request('GET', this.url(bound.endpoint, { filter: equalityFilter(flat.path, value) }));
    const caseExact = flat.schema.caseExact;
    return this.resourcesOf(body, `GET ${bound.endpoint}?filter`).filter((resource) =>
      readScimPath(resource, flat.path).some((v) => {
        const converted = toAttributeValue(v, flat.schema.type);
        if (converted === undefined) return false;
        return typeof converted === 'string' && typeof value === 'string' && !caseExact ? converted.toLowerCase() === value.toLowerCase() : String(converted) === String(value);
      }),
    );
  }

  private resourcesOf(body: unknown, what: string): Json[] {
    const resources = isObject(body) ? (body.Resources ?? body.resources ?? []) : undefined;
    if (!Array.isArray(resources) || resources.some((r) => !isObject(r))) {
      throw new ConnectorError('unavailable', `${what}: malformed answer: not a SCIM ListResponse`);
    }
    return resources as Json[];
  }

  private objectOf(bound: BoundType, resource: Json): TargetObject {
    const attributes: Attributes = {};
    for (const flat of bound.attributes) {
      const values: AttributeValue[] = [];
      for (const raw of readScimPath(resource, flat.path)) {
        const value = toAttributeValue(raw, flat.schema.type);
        if (value !== undefined) values.push(value);
      }
      if (values.length) attributes[flat.schema.name] = flat.schema.multiValued ? values : values.slice(0, 1);
    }
    const anchor = valuesOf(attributes, bound.anchor.schema.name)[0];
    if (anchor === undefined || anchor === '') {
      throw new ConnectorError('unavailable', `${bound.endpoint}: malformed answer: a resource without ${bound.anchor.schema.name} (the anchor)`);
    }
    const text = String(anchor);
    return { objectType: bound.binding.name, anchor: text, dn: dnOf(bound.binding, text, attributes), attributes };
  }

  private writable(bound: BoundType, name: string): FlatAttribute | undefined {
    const flat = bound.attribute(name);
    if (!flat) throw new ConnectorError('schemaViolation', `attribute "${name}" is not an attribute of the target's ${bound.target.resourceType}`);
    // read-only attributes (id, groups) are the target's; what Entra echoed of them is not sent
    return flat.schema.readOnly ? undefined : flat;
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  private url(path: string, query: Record<string, string> = {}): URL {
    const url = new URL(`${this.settings.baseUrl.href.replace(/\/+$/, '')}${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url;
  }

  private resourceUrl(bound: BoundType, id: string): URL {
    if (id === '' || id === '.' || id === '..') throw new ConnectorError('invalidValue', `"${id}" cannot name a resource in a URL`);
    return this.url(`${bound.endpoint}/${encodeURIComponent(id)}`);
  }

  /** One SCIM exchange: JSON in and out, credentials, one retry with a fresh OAuth2 token on 401. */
  private async request(method: string, url: URL, body?: unknown, secrets: string[] = []): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const send = async (): Promise<HttpResponse> =>
      this.http.send({
        method,
        url,
        headers: {
          accept: `${SCIM_JSON}, application/json`,
          ...this.settings.headers,
          ...(payload !== undefined ? { 'content-type': SCIM_JSON } : {}),
          ...(await this.auth.headers()),
        },
        ...(payload !== undefined ? { body: payload } : {}),
      });
    let response = await send();
    if (response.status === 401 && this.auth.rejected()) response = await send();
    const what = `${method} ${url.origin}${url.pathname}`;
    if (response.status < 200 || response.status >= 300) {
      const error = statusError({ status: response.status, what, body: response.text, retryAfter: headerOf(response.headers, 'retry-after'), secrets: [...this.auth.secrets(), ...secrets] });
      const scimType = scimTypeOf(response.text);
      if (!scimType) throw error;
      const message = error.message.replace(` answered ${response.status}`, ` answered ${response.status} (${scimType})`);
      throw new ConnectorError(error.reason, message, error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {});
    }
    const text = response.text.trim();
    if (text === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new ConnectorError('unavailable', `${what} answered ${response.status} with a malformed body (not JSON)`);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // schema

  private bind(objectType: string, refresh = false): Promise<BoundType> {
    const entry = this.targets.get(objectType);
    if (!entry) return Promise.reject(new ConnectorError('schemaViolation', `unknown object type ${objectType}`));
    let bound = refresh ? undefined : this.bound.get(objectType);
    if (!bound) {
      bound = this.discover(entry.binding, entry.target);
      this.bound.set(objectType, bound);
      bound.catch(() => {
        if (this.bound.get(objectType) === bound) this.bound.delete(objectType);
      });
    }
    return bound;
  }

  private async discover(binding: ObjectTypeBinding, target: ScimTargetSettings): Promise<BoundType> {
    const where = `objectTypes.${binding.name}.target`;
    const resourceType = await this.resourceType(target.resourceType);
    const coreUrn = typeof resourceType?.schema === 'string' ? resourceType.schema : binding.name === 'Group' ? CORE_GROUP : CORE_USER;
    const extensionUrns = Array.isArray(resourceType?.schemaExtensions)
      ? (resourceType.schemaExtensions as Array<{ schema?: unknown }>).map((e) => e.schema).filter((s): s is string => typeof s === 'string')
      : [];
    const endpoint = target.endpoint ?? (typeof resourceType?.endpoint === 'string' ? resourceType.endpoint.replace(/\/+$/, '') : `/${target.resourceType}s`);
    const schemas = await this.schemas();
    const find = (urn: string) => schemas.find((s) => s.id.toLowerCase() === urn.toLowerCase());
    const core = find(coreUrn);
    if (!core) throw new ConnectorError('schemaViolation', `the target's /Schemas has no ${coreUrn} (the schema of its ${target.resourceType} resource type)`);
    const extensions = extensionUrns.map(find).filter((s): s is ScimSchemaDefinition => s !== undefined);
    const attributes = target.attributes ? configuredAttributes(`${where}.attributes`, target.attributes, core, extensions) : flatAttributes(core, extensions);
    const byName = new Map(attributes.map((a) => [a.schema.name.toLowerCase(), a]));
    const anchor = byName.get(binding.anchor.toLowerCase());
    if (!anchor) {
      throw new ConnectorError('schemaViolation', `the anchor "${binding.anchor}" of ${binding.name} is not among the target's attributes (${attributes.map((a) => a.schema.name).join(', ')})`);
    }
    for (const name of binding.attributes ?? []) {
      if (!byName.has(name.toLowerCase())) throw new ConnectorError('schemaViolation', `attribute "${name}" of ${binding.name} is not among the target's attributes`);
    }
    const matchName = target.matchAttribute ?? 'userName';
    const match = byName.get(matchName.toLowerCase());
    if (target.matchAttribute && !match) throw new ConnectorError('schemaViolation', `${where}.matchAttribute "${target.matchAttribute}" is not among the target's attributes`);
    return {
      binding,
      target,
      endpoint,
      coreUrn,
      extensionUrns: extensions.map((e) => e.id),
      attributes,
      anchor,
      ...(match ? { match } : {}),
      acceptsPassword: core.attributes.some((a) => a.name.toLowerCase() === 'password' && a.mutability !== 'readOnly'),
      schema: { name: binding.name, targetName: endpoint, anchor: anchor.schema.name, attributes: attributes.map((a) => a.schema) },
      attribute: (name) => byName.get(name.toLowerCase()),
    };
  }

  /** The target's resource type of this name, or undefined when it publishes none. */
  private async resourceType(name: string): Promise<Json | undefined> {
    let body: unknown;
    try {
      body = await this.request('GET', this.url('/ResourceTypes'));
    } catch (error) {
      // /ResourceTypes is optional in practice: fall back to the RFC defaults
      if (error instanceof ConnectorError && (error.reason === 'notFound' || error.reason === 'unsupported')) return undefined;
      throw error;
    }
    const list = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.Resources) ? body.Resources : [];
    return (list as unknown[]).filter(isObject).find((r) => String(r.name ?? r.id).toLowerCase() === name.toLowerCase());
  }

  private async schemas(): Promise<ScimSchemaDefinition[]> {
    const body = await this.request('GET', this.url('/Schemas'));
    const list = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.Resources) ? body.Resources : undefined;
    if (!list) throw new ConnectorError('unavailable', 'GET /Schemas: malformed answer: not a list of schemas');
    return (list as unknown[]).filter((s): s is ScimSchemaDefinition => isObject(s) && typeof s.id === 'string' && Array.isArray(s.attributes));
  }
}

function scimTypeOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    return isObject(body) && typeof body.scimType === 'string' ? body.scimType : undefined;
  } catch {
    return undefined;
  }
}
