import {
  applyDeltas,
  ConnectorError,
  type AttributeSchema,
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
import { dnOf, readAttributes, sameValue, type AttributeBindingSpec } from './attribute-values';
import { compileBody, renderBody, type BodyTemplate, type TemplateScope } from './template';
import { readAll, readOne } from './value-path';
import type { OperationName, OperationSpec, SinceSettings } from './operations';

/** The page a list call asks for. */
export interface PageRequest {
  pageSize: number;
  page?: number;
  offset?: number;
  cursor?: string;
  /** Link paging: the absolute URL of the next page, as the target gave it. */
  nextUrl?: string;
  since?: string;
}

/** What an operation's templates are rendered against: its address (URL, headers) and its body. */
export interface OperationScopes {
  address: TemplateScope;
  body: TemplateScope;
}

/** A target's answer to one operation. */
export interface OperationAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** One object type as configured: its binding, its operations, its attribute paths (if given). */
export interface ObjectModel<Op extends OperationSpec = OperationSpec> {
  binding: ObjectTypeBinding;
  /** `objectTypes.User.target`, for messages. */
  where: string;
  /** Configured attribute paths; undefined = every attribute the schema source names. */
  attributes?: AttributeBindingSpec[];
  operations: Partial<Record<OperationName, Op>>;
}

/** An object type once its schema is known. */
export interface BoundModel<Op extends OperationSpec = OperationSpec> {
  model: ObjectModel<Op>;
  schema: ObjectTypeSchema;
  bindings: AttributeBindingSpec[];
  anchor: AttributeSchema;
  defaultBody?: BodyTemplate;
  attribute(name: string): AttributeSchema | undefined;
}

/** Variables a template may use besides attributes. */
const VARIABLES = new Set(['$anchor', '$page', '$offset', '$pageSize', '$cursor', '$since', '$password']);
/** Most pages one listing may take: a target that never stops paging is a broken target. */
const MAX_PAGES = 1_000_000;

/**
 * The connector logic REST and SOAP share: declarative operations per object type, response
 * mapping to attributes, paging, delta import by a "changed since" value, and exports that stay
 * safe to retry (an add that may have reached the target is looked up before it is sent again).
 * Subclasses say how an operation is sent and where the schema comes from.
 */
export abstract class OperationsConnector<Op extends OperationSpec> implements Connector {
  abstract readonly type: string;
  readonly capabilities: ConnectorCapabilities;
  protected readonly models = new Map<string, ObjectModel<Op>>();
  private readonly bound = new Map<string, Promise<BoundModel<Op>>>();
  /** Changes whose last attempt failed in a way that may still have reached the target. */
  private readonly maybeApplied = new WeakSet<ExportChange>();

  protected constructor(
    protected readonly context: ConnectorContext,
    models: ObjectModel<Op>[],
  ) {
    for (const model of models) this.models.set(model.binding.name, model);
    this.capabilities = {
      fullImport: models.some((m) => m.operations.list),
      deltaImport: models.some((m) => m.operations.list?.since),
      rename: models.some((m) => m.binding.dn.kind === 'attribute' && m.operations.update),
    };
  }

  /** Sends one operation. Non-2xx answers and transport failures throw classified ConnectorErrors. */
  protected abstract invoke(bound: BoundModel<Op>, op: Op, scopes: OperationScopes, page?: PageRequest, secrets?: string[]): Promise<OperationAnswer>;

  /** The attribute definitions of an object type, from its schema source. */
  protected abstract discoverAttributes(model: ObjectModel<Op>): Promise<{ bindings: AttributeBindingSpec[]; attributes: AttributeSchema[] }>;

  /** Where the next page is when the answer says so (REST: the Link header). */
  protected nextLink(_answer: OperationAnswer): string | undefined {
    return undefined;
  }

  async test(): Promise<void> {
    for (const name of this.models.keys()) {
      const bound = await this.bind(name, true);
      const list = bound.model.operations.list;
      if (!list) continue;
      // one small page proves the address, the credentials and the answer's shape
      await this.listPage(bound, list, { pageSize: 1, ...this.firstPage(list) });
    }
  }

  async discoverSchema(): Promise<TargetSchema> {
    const objectTypes: ObjectTypeSchema[] = [];
    for (const name of this.models.keys()) objectTypes.push((await this.bind(name, true)).schema);
    return { objectTypes };
  }

  async *fullImport(objectType: string, options: ImportOptions): AsyncIterable<ImportPage> {
    const bound = await this.bind(objectType);
    const list = this.operation(bound, 'list');
    const startedAt = Date.now();
    for await (const objects of this.pages(bound, list, options, undefined)) yield { objects };
    if (list.since) yield { objects: [], watermark: formatSince(list.since, startedAt) };
  }

  async *deltaImport(objectType: string, watermark: string, options: ImportOptions): AsyncIterable<DeltaPage> {
    const bound = await this.bind(objectType);
    const list = this.operation(bound, 'list');
    if (!list.since) {
      throw new ConnectorError('unsupported', `${list.where} has no "since": delta import is not possible for ${objectType}`);
    }
    const startedAt = Date.now();
    // every page but the last resumes from where this delta started; deletes are invisible to
    // a "changed since" query: the periodic full import removes them
    for await (const objects of this.pages(bound, list, options, watermark === '' ? undefined : watermark)) {
      yield { changes: objects.map((object) => ({ kind: 'upsert' as const, object })), watermark };
    }
    yield { changes: [], watermark: formatSince(list.since, startedAt) };
  }

  async get(objectType: string, anchor: string): Promise<TargetObject | null> {
    const bound = await this.bind(objectType);
    const op = bound.model.operations.get;
    if (!op) return null;
    try {
      const scope = this.addressScope(bound, anchor);
      const answer = await this.invoke(bound, op, { address: scope, body: scope });
      return this.objectOf(bound, this.responseNode(op, answer), op.where);
    } catch (error) {
      if (error instanceof ConnectorError && error.reason === 'notFound') return null;
      throw error;
    }
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
          const rule = bound.model.binding.dn;
          if (rule.kind !== 'attribute') {
            throw new ConnectorError('unsupported', `object type ${change.objectType} has a ${rule.kind} DN: it cannot be renamed`);
          }
          const deltas = [...change.deltas.filter((d) => d.attribute.toLowerCase() !== rule.attribute.toLowerCase())];
          deltas.push({ attribute: rule.attribute, op: 'replace', values: [change.newDn] });
          return await this.update(bound, change.anchor, deltas, undefined);
        }
        case 'delete':
          return await this.delete(bound, change);
      }
    } catch (error) {
      if (error instanceof ConnectorError && error.retryable && error.reason !== 'busy' && (change.kind === 'add' || change.kind === 'delete')) {
        // a timeout, a reset or a 5xx may come after the target acted: the retry looks first (a 429 did nothing)
        this.maybeApplied.add(change);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    this.bound.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // export

  private async add(bound: BoundModel<Op>, change: Extract<ExportChange, { kind: 'add' }>): Promise<ExportResult> {
    if (this.maybeApplied.has(change)) {
      const existing = await this.recoverAdd(bound, change.attributes);
      if (existing) {
        this.context.logger.info('an add that may have reached the target was found there; not sending it again', {
          objectType: change.objectType,
          anchor: existing.anchor,
        });
        return { anchor: existing.anchor, dn: existing.dn, attributes: existing.attributes };
      }
    }
    const op = this.operation(bound, 'create');
    const attributes = this.writable(bound, change.attributes);
    const scope = this.bodyScope(bound, attributes, undefined, change.password);
    const secrets = change.password ? [change.password] : [];
    const answer = await this.invoke(bound, op, { address: scope, body: scope }, undefined, secrets);
    const node = this.responseNode(op, answer);
    const read = isObject(node) ? readAttributes(node, bound.bindings, (n) => bound.attribute(n)!) : {};
    const anchor =
      valuesOf(read, bound.anchor.name)[0] ?? anchorFromLocation(answer.headers.location) ?? valuesOf(change.attributes, bound.anchor.name)[0];
    if (anchor === undefined || anchor === '') {
      throw new ConnectorError(
        'unavailable',
        `${op.where}: the target's answer holds no ${bound.anchor.name} (the anchor) at ${bound.bindings.find((b) => b.name === bound.anchor.name)?.path.text || 'its path'}, and no Location header`,
      );
    }
    // what the target echoed wins; what it left out is what was sent
    const result: Attributes = { ...stripEmpty(attributes), ...read };
    if (!valuesOf(result, bound.anchor.name).length) result[bound.anchor.name] = [anchor];
    return { anchor: String(anchor), dn: dnOf(bound.model.binding, String(anchor), result), attributes: result };
  }

  /** After an add that may have reached the target: the object it created, if it is there. */
  private async recoverAdd(bound: BoundModel<Op>, attributes: Attributes): Promise<TargetObject | null> {
    const anchor = valuesOf(attributes, bound.anchor.name)[0];
    if (anchor !== undefined && bound.model.operations.get) return this.get(bound.model.binding.name, String(anchor));
    const find = bound.model.operations.find;
    if (!find) return null;
    const scope = this.bodyScope(bound, attributes, undefined, undefined);
    const answer = await this.invoke(bound, find, { address: scope, body: scope });
    const items = this.itemsOf(find, answer);
    // the target's filter may be looser than equality (or ignored): check every named attribute
    const matches = items
      .map((node) => this.objectOf(bound, node, find.where))
      .filter((object) =>
        find.addressNames
          .filter((name) => !name.startsWith('$'))
          .every((name) => {
            const wanted = valuesOf(attributes, name);
            const caseExact = bound.attribute(name)?.caseExact ?? false;
            return wanted.length > 0 && wanted.every((w) => valuesOf(object.attributes, name).some((v) => sameValue(v, w, caseExact)));
          }),
      );
    if (matches.length > 1) {
      throw new ConnectorError('alreadyExists', `${find.where}: ${matches.length} objects match; the add cannot tell which one it made`);
    }
    return matches[0] ?? null;
  }

  private async update(
    bound: BoundModel<Op>,
    anchor: string,
    deltas: Array<{ attribute: string; op: 'replace' | 'add' | 'remove'; values: AttributeValue[] }>,
    password: string | undefined,
  ): Promise<ExportResult> {
    const op = this.operation(bound, 'update');
    for (const delta of deltas) this.writableAttribute(bound, delta.attribute);
    const whole = op.send === 'whole';
    const needsCurrent = whole || deltas.some((d) => d.op !== 'replace');
    let after: Attributes;
    if (needsCurrent) {
      const current = await this.get(bound.model.binding.name, anchor);
      if (!current) throw new ConnectorError('notFound', `no ${bound.model.binding.name} with ${bound.anchor.name} "${anchor}"`);
      after = applyDeltas(current.attributes, deltas);
    } else {
      after = applyDeltas({}, deltas);
    }
    const changed = new Set(deltas.map((d) => this.writableAttribute(bound, d.attribute).name.toLowerCase()));
    const body = this.bodyScope(bound, this.writable(bound, after), whole ? undefined : changed, password, anchor);
    const answer = await this.invoke(bound, op, { address: this.addressScope(bound, anchor), body }, undefined, password ? [password] : []);
    const node = this.responseNode(op, answer);
    const renamed = deltas.find((d) => d.attribute.toLowerCase() === bound.anchor.name.toLowerCase() && d.op === 'replace')?.values[0];
    const newAnchor = renamed === undefined ? anchor : String(renamed);
    if (isObject(node)) {
      const read = readAttributes(node, bound.bindings, (n) => bound.attribute(n)!);
      if (valuesOf(read, bound.anchor.name).length) {
        const object = this.objectOf(bound, node, op.where);
        return { anchor: object.anchor, dn: object.dn, attributes: object.attributes };
      }
    }
    // no object in the answer (204): the host applies the deltas to what it had
    return { anchor: newAnchor, dn: dnOf(bound.model.binding, newAnchor, after) };
  }

  private async delete(bound: BoundModel<Op>, change: Extract<ExportChange, { kind: 'delete' }>): Promise<ExportResult> {
    const op = this.operation(bound, 'delete');
    try {
      const scope = this.addressScope(bound, change.anchor);
      await this.invoke(bound, op, { address: scope, body: scope });
    } catch (error) {
      // our previous attempt deleted it before its answer was lost: the delete is done
      if (error instanceof ConnectorError && error.reason === 'notFound' && this.maybeApplied.has(change)) {
        return { anchor: change.anchor, dn: change.dn };
      }
      throw error;
    }
    return { anchor: change.anchor, dn: change.dn };
  }

  // ---------------------------------------------------------------------------------------------
  // import

  private firstPage(list: Op): Partial<PageRequest> {
    const paging = list.paging;
    if (!paging || paging.type === 'none') return {};
    // link paging may need a page number to start (json-server sends Link only with _page)
    if (paging.type === 'page' || (paging.type === 'link' && paging.pageParam)) return { page: paging.firstPage };
    if (paging.type === 'offset') return { offset: 0 };
    return {};
  }

  private async *pages(bound: BoundModel<Op>, list: Op, options: ImportOptions, since: string | undefined): AsyncIterable<TargetObject[]> {
    const paging = list.paging ?? { type: 'none' as const, firstPage: 1 };
    const pageSize = paging.pageSize ?? Math.max(1, Math.floor(options.pageSize));
    let request: PageRequest | undefined = { pageSize, ...this.firstPage(list), ...(since !== undefined ? { since } : {}) };
    const seen = new Set<string>();
    let previousFirst: string | undefined;
    for (let count = 0; request; count++) {
      options.signal?.throwIfAborted();
      if (count >= MAX_PAGES) throw new ConnectorError('unavailable', `${list.where}: more than ${MAX_PAGES} pages; paging does not end`);
      const { objects, answer } = await this.listPage(bound, list, request);
      yield objects;
      if (objects.length === 0) return;
      const first = objects[0]!.anchor;
      if (paging.type !== 'none' && first === previousFirst) {
        throw new ConnectorError('unavailable', `${list.where}: two pages in a row start with ${first}; the target ignores the paging settings`);
      }
      previousFirst = first;
      request = this.nextPage(list, request, objects.length, answer, seen);
    }
  }

  private nextPage(list: Op, request: PageRequest, got: number, answer: OperationAnswer, seen: Set<string>): PageRequest | undefined {
    const paging = list.paging;
    if (!paging || paging.type === 'none') return undefined;
    const base: PageRequest = { pageSize: request.pageSize, ...(request.since !== undefined ? { since: request.since } : {}) };
    switch (paging.type) {
      case 'page':
        // a short page is the last one (when the target honours the size we ask for)
        if (got < request.pageSize && (paging.sizeParam !== undefined || this.type !== 'rest')) return undefined;
        return { ...base, page: (request.page ?? paging.firstPage) + 1 };
      case 'offset':
        if (got < request.pageSize && (paging.sizeParam !== undefined || this.type !== 'rest')) return undefined;
        return { ...base, offset: (request.offset ?? 0) + got };
      case 'cursor': {
        const next = paging.nextCursor ? readOne(answer.body, paging.nextCursor) : undefined;
        if (next === undefined || next === null || next === '') return undefined;
        const cursor = String(next);
        if (seen.has(cursor)) throw new ConnectorError('unavailable', `${list.where}: the target gave cursor "${cursor}" twice; paging does not end`);
        seen.add(cursor);
        return { ...base, cursor };
      }
      case 'link': {
        const next = this.nextLink(answer);
        if (!next) return undefined;
        if (seen.has(next)) throw new ConnectorError('unavailable', `${list.where}: the Link header points back to a page already read`);
        seen.add(next);
        return { ...base, nextUrl: next };
      }
    }
  }

  private async listPage(bound: BoundModel<Op>, list: Op, request: PageRequest): Promise<{ objects: TargetObject[]; answer: OperationAnswer }> {
    const scope = this.pageScope(request);
    const answer = await this.invoke(bound, list, { address: scope, body: scope }, request);
    const objects = this.itemsOf(list, answer).map((node) => this.objectOf(bound, node, list.where));
    return { objects, answer };
  }

  private itemsOf(op: Op, answer: OperationAnswer): unknown[] {
    let found: unknown = answer.body;
    if (op.items?.kind === 'jsonpath') {
      // every match is an item ($.data[*]); one match that is a list is the list ($.data)
      const matches = readAll(answer.body, op.items);
      found = matches.length === 1 && Array.isArray(matches[0]) ? matches[0] : matches;
    } else if (op.items) {
      found = readOne(answer.body, op.items);
    }
    if (found === undefined || found === null || found === '') return [];
    // XML turned into objects has no arrays of one: a single element is a list of one
    if (Array.isArray(found)) return found;
    if (isObject(found)) return [found];
    throw new ConnectorError('unavailable', `${op.where}: malformed answer: the items at "${op.items?.text ?? ''}" are not a list of objects`);
  }

  private responseNode(op: Op, answer: OperationAnswer): unknown {
    return op.response ? readOne(answer.body, op.response) : answer.body;
  }

  /**
   * One target object. An object without its anchor fails the whole read: silently dropping it
   * would make a full import delete it from the cache, and Entra would then create it again.
   */
  protected objectOf(bound: BoundModel<Op>, node: unknown, where: string): TargetObject {
    if (!isObject(node)) {
      throw new ConnectorError('unavailable', `${where}: malformed answer: expected an object, got ${node === null ? 'null' : Array.isArray(node) ? 'a list' : typeof node}`);
    }
    const attributes = readAttributes(node, bound.bindings, (n) => bound.attribute(n)!);
    const anchor = valuesOf(attributes, bound.anchor.name)[0];
    if (anchor === undefined || anchor === '') {
      throw new ConnectorError('unavailable', `${where}: malformed answer: an object has no ${bound.anchor.name} (the anchor)`);
    }
    const text = String(anchor);
    return { objectType: bound.model.binding.name, anchor: text, dn: dnOf(bound.model.binding, text, attributes), attributes };
  }

  // ---------------------------------------------------------------------------------------------
  // templates

  /** Scope of what names an existing object (get, update's URL, delete): its current anchor. */
  private addressScope(bound: BoundModel<Op>, anchor: string): TemplateScope {
    return {
      values: (name) => (name === '$anchor' || name.toLowerCase() === bound.anchor.name.toLowerCase() ? [anchor] : []),
      multiValued: () => false,
    };
  }

  private pageScope(page: PageRequest): TemplateScope {
    const vars: Record<string, AttributeValue[]> = {
      $pageSize: [page.pageSize],
      $page: page.page === undefined ? [] : [page.page],
      $offset: page.offset === undefined ? [] : [page.offset],
      $cursor: page.cursor === undefined ? [] : [page.cursor],
      $since: page.since === undefined ? [] : [page.since],
    };
    return { values: (name) => vars[name] ?? [], multiValued: () => false };
  }

  /** Scope of create / update bodies: attributes, `$password`, and `$anchor` on updates. */
  private bodyScope(bound: BoundModel<Op>, attributes: Attributes, changed: Set<string> | undefined, password: string | undefined, anchor?: string): TemplateScope {
    return {
      values: (name) => {
        if (name === '$password') return password ? [password] : [];
        if (name === '$anchor') return anchor === undefined ? valuesOf(attributes, bound.anchor.name).slice(0, 1) : [anchor];
        // an unchanged anchor in a changed-attributes body still names the object
        if (anchor !== undefined && name.toLowerCase() === bound.anchor.name.toLowerCase() && !valuesOf(attributes, name).length) return [anchor];
        return valuesOf(attributes, name);
      },
      multiValued: (name) => bound.attribute(name)?.multiValued ?? false,
      // variables ($anchor) always take part; the password only when there is one
      ...(changed
        ? { takesPart: (name: string) => (name === '$password' ? password !== undefined : name.startsWith('$') || changed.has(name.toLowerCase())) }
        : {}),
    };
  }

  /** Only attributes the target accepts: selected, bound and not read-only. */
  private writable(bound: BoundModel<Op>, attributes: Attributes): Attributes {
    const out: Attributes = {};
    for (const [name, values] of Object.entries(attributes)) {
      // the host sends what Entra sent; a read-only attribute (a generated id) is the target's to set
      if (bound.attribute(name)?.readOnly) continue;
      out[this.writableAttribute(bound, name).name] = values;
    }
    return out;
  }

  private writableAttribute(bound: BoundModel<Op>, name: string): AttributeSchema {
    const definition = bound.attribute(name);
    if (!definition) throw new ConnectorError('schemaViolation', `attribute "${name}" is not an attribute of ${bound.model.binding.name} (${bound.model.where}.attributes)`);
    if (definition.readOnly) throw new ConnectorError('schemaViolation', `attribute "${name}" is read-only: the target sets it`);
    return definition;
  }

  protected operation(bound: BoundModel<Op>, name: OperationName): Op {
    const op = bound.model.operations[name];
    if (!op) throw new ConnectorError('unsupported', `${bound.model.where}.operations has no ${name} operation`);
    return op;
  }

  // ---------------------------------------------------------------------------------------------
  // schema

  /** The object type with its schema, discovered once (again when `refresh`); a failed discovery is retried. */
  protected bind(objectType: string, refresh = false): Promise<BoundModel<Op>> {
    const model = this.models.get(objectType);
    if (!model) return Promise.reject(new ConnectorError('schemaViolation', `unknown object type ${objectType}`));
    let bound = refresh ? undefined : this.bound.get(objectType);
    if (!bound) {
      bound = this.discoverModel(model);
      this.bound.set(objectType, bound);
      bound.catch(() => {
        if (this.bound.get(objectType) === bound) this.bound.delete(objectType);
      });
    }
    return bound;
  }

  private async discoverModel(model: ObjectModel<Op>): Promise<BoundModel<Op>> {
    const { bindings, attributes } = await this.discoverAttributes(model);
    const byName = new Map(attributes.map((a) => [a.name.toLowerCase(), a]));
    const anchor = byName.get(model.binding.anchor.toLowerCase());
    if (!anchor) {
      throw new ConnectorError(
        'schemaViolation',
        `the anchor "${model.binding.anchor}" of ${model.binding.name} is not among the target's attributes (${attributes.map((a) => a.name).join(', ') || 'none'})`,
      );
    }
    const rule = model.binding.dn;
    const dnAttribute = rule.kind === 'attribute' ? rule.attribute : undefined;
    for (const name of [...(model.binding.attributes ?? []), ...(dnAttribute ? [dnAttribute] : [])]) {
      if (!byName.has(name.toLowerCase())) {
        throw new ConnectorError('schemaViolation', `attribute "${name}" of ${model.binding.name} is not among the target's attributes (${model.where}.attributes)`);
      }
    }
    const bound: BoundModel<Op> = {
      model,
      bindings,
      anchor,
      schema: { name: model.binding.name, targetName: this.targetName(model), anchor: anchor.name, attributes },
      attribute: (name) => byName.get(name.toLowerCase()),
    };
    bound.defaultBody = this.defaultBody(bound);
    this.checkTemplates(bound);
    return bound;
  }

  /** What the schema calls the object type on the target side (resource path, operation). */
  protected abstract targetName(model: ObjectModel<Op>): string;

  /** `{ userName: "{userName}", name: { givenName: "{name_givenName}" } }` from the attributes' JSON pointers. */
  private defaultBody(bound: BoundModel<Op>): BodyTemplate | undefined {
    const template: Record<string, unknown> = {};
    let any = false;
    for (const binding of bound.bindings) {
      const definition = bound.attribute(binding.name);
      if (!definition || definition.readOnly || binding.path.kind !== 'pointer' || binding.path.tokens.length === 0) continue;
      let node = template;
      for (const token of binding.path.tokens.slice(0, -1)) {
        if (!isObject(node[token])) node[token] = {};
        node = node[token] as Record<string, unknown>;
      }
      node[binding.path.tokens[binding.path.tokens.length - 1]!] = `{${definition.name.replace(/[{}]/g, '')}}`;
      any = true;
    }
    return any ? compileBody(template) : undefined;
  }

  /** Every placeholder names an attribute or a variable, and what identifies an object is known when it is needed. */
  private checkTemplates(bound: BoundModel<Op>): void {
    const ops = bound.model.operations;
    for (const [name, op] of Object.entries(ops) as Array<[OperationName, Op]>) {
      for (const placeholder of [...op.addressNames, ...op.bodyNames]) {
        if (placeholder.startsWith('$')) {
          if (!VARIABLES.has(placeholder)) throw new ConnectorError('invalidValue', `${op.where}: {${placeholder}} is not a variable (${[...VARIABLES].join(', ')})`);
          continue;
        }
        if (!bound.attribute(placeholder)) {
          throw new ConnectorError('invalidValue', `${op.where}: {${placeholder}} names no attribute of ${bound.model.binding.name}`);
        }
      }
      const identifies = ['get', 'update', 'delete'].includes(name);
      const stray = op.addressNames.filter((n) => !n.startsWith('$') && n.toLowerCase() !== bound.anchor.name.toLowerCase());
      if (identifies && stray.length) {
        throw new ConnectorError('invalidValue', `${op.where}: the address of a ${name} may use only the anchor {${bound.anchor.name}} or {$anchor}, not {${stray.join('}, {')}}`);
      }
      if (name === 'list' && op.addressNames.some((n) => !n.startsWith('$'))) {
        throw new ConnectorError('invalidValue', `${op.where}: a list's address may use only variables ({$page}, {$since}…)`);
      }
      if ((name === 'create' || name === 'update') && !op.body && !bound.defaultBody) {
        throw new ConnectorError('invalidValue', `${op.where}: give a body template (no attribute has a JSON pointer to build one from)`);
      }
    }
    if (ops.update?.send === 'whole' && !ops.get) {
      throw new ConnectorError('invalidValue', `${bound.model.where}.operations.update sends the whole object: it needs a get operation to read it first`);
    }
  }

  /** The body of a create or update: its template, else the default built from the attributes. */
  protected bodyOf(bound: BoundModel<Op>, op: Op, scope: TemplateScope): unknown {
    const template = op.body ?? bound.defaultBody;
    return template ? renderBody(template, scope) : undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stripEmpty(attributes: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v.length > 0));
}

/** `Location: https://app/api/users/42` → `42`. */
function anchorFromLocation(location: string | string[] | undefined): string | undefined {
  const text = Array.isArray(location) ? location[0] : location;
  if (!text) return undefined;
  try {
    const segment = new URL(text, 'http://x').pathname.split('/').filter(Boolean).pop();
    return segment ? decodeURIComponent(segment) : undefined;
  } catch {
    return undefined;
  }
}

export function formatSince(since: SinceSettings, startedAt: number): string {
  const at = startedAt - since.overlapSeconds * 1000;
  if (since.format === 'epochMs') return String(at);
  if (since.format === 'epochSeconds') return String(Math.floor(at / 1000));
  return new Date(at).toISOString();
}

