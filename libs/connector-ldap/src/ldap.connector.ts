import {
  valuesOf,
  type AttributeDelta,
  type AttributeValue,
  type Attributes,
  type Connector,
  type ConnectorCapabilities,
  type ConnectorContext,
  ConnectorError,
  type DeltaPage,
  type ExportChange,
  type ExportResult,
  type ImportOptions,
  type ImportPage,
  type ObjectTypeBinding,
  renderDnTemplate,
  type TargetObject,
  type TargetSchema,
} from '@connector-host/connector-sdk';
import { Attribute, Change, type Client, type Entry, type Filter } from 'ldapts';
import { canonicalDn, type Dn, dnKey, formatDn, isUnder, parseDn, sameDn } from './ldap-dn';
import { RESULT, resultCodeOf } from './ldap-errors';
import { all, equals, parseConfiguredFilter } from './ldap-filter';
import { BoundObjectType } from './ldap-object-type';
import { LdapPool } from './ldap-pool';
import { type LdapConnectionSettings, type LdapTargetSettings, parseConnectionSettings, parseTargetSettings } from './ldap-settings';
import { Subschema } from './ldap-subschema';
import { toLdap } from './ldap-values';
import { detectVendor, type RootDse, type Vendor, vendorById } from './ldap-vendor';
import { ChangeFeed, type ChangeSource } from './ldap-change-feed';
import { PostReadControl, supportsPostRead } from './ldap-post-read';

interface ObjectTypeSettings {
  binding: ObjectTypeBinding;
  target: LdapTargetSettings;
}

/** What discovery found, shared by every operation until the next discovery. */
export interface Discovery {
  rootDse: RootDse;
  vendor: Vendor;
  subschema: Subschema;
  namingContexts: string[];
  changeSource: ChangeSource;
  types: Map<string, BoundObjectType>;
  /** The server returns the added entry in the add's response (RFC 4527): no read-back search. */
  postRead: boolean;
}

const ROOT_DSE_ATTRIBUTES = [
  '*',
  '+',
  'vendorName',
  'vendorVersion',
  'namingContexts',
  'subschemaSubentry',
  'supportedControl',
  'supportedExtension',
  'supportedFeatures',
  'supportedSASLMechanisms',
  'supportedLDAPVersion',
  'supportedCapabilities',
  'objectClass',
  'structuralObjectClass',
  'changelog',
  'firstchangenumber',
  'lastchangenumber',
  'currentTime',
  'domainControllerFunctionality',
  'dsServiceName',
];

/**
 * Connector type `ldap`: entries of configured object classes under a base, in any LDAP v3
 * directory. Everything the server says about itself (root DSE, subschema) is read at discovery.
 */
export class LdapConnector implements Connector {
  readonly type = 'ldap';
  readonly capabilities: ConnectorCapabilities = { fullImport: true, deltaImport: true, rename: true };
  private readonly settings: LdapConnectionSettings;
  private readonly objectTypes = new Map<string, ObjectTypeSettings>();
  private readonly pool: LdapPool;
  private discovery?: Promise<Discovery>;

  constructor(private readonly context: ConnectorContext) {
    this.settings = parseConnectionSettings(context.connection);
    for (const binding of context.objectTypes) {
      this.objectTypes.set(binding.name, { binding, target: parseTargetSettings(binding.name, binding.target) });
    }
    this.pool = new LdapPool(this.settings, context.logger);
  }

  async test(): Promise<void> {
    const discovery = await this.discover(true);
    for (const type of discovery.types.values()) {
      await this.pool.use(`reading the base ${type.base}`, (client) => client.search(type.base, { scope: 'base', attributes: ['1.1'] }));
    }
  }

  async discoverSchema(): Promise<TargetSchema> {
    const discovery = await this.discover(true);
    return { objectTypes: [...discovery.types.values()].map((t) => t.schema) };
  }

  /** Root DSE, vendor and subschema, as discovery last found them (for the CLI and tests). */
  async describe(): Promise<{ vendor: Vendor; namingContexts: string[]; changeSource: ChangeSource; rootDse: RootDse; postRead: boolean }> {
    const d = await this.discover();
    return { vendor: d.vendor, namingContexts: d.namingContexts, changeSource: d.changeSource, rootDse: d.rootDse, postRead: d.postRead };
  }

  async *fullImport(objectType: string, options: ImportOptions): AsyncIterable<ImportPage> {
    const discovery = await this.discover();
    const type = this.bound(discovery, objectType);
    const feed = this.feed(discovery);
    // read before the first page: what changes while the pages are read is newer than it
    const watermark = await feed.currentWatermark();
    const pageSize = pageSizeOf(options);
    const search = this.searchOptions(type, this.typeFilter(type), pageSize);
    // one page is held back so that the last one can carry the watermark
    let held: TargetObject[] | undefined;
    for await (const page of this.pool.stream(`searching ${type.base}`, (client) => client.searchPaginated(type.base, search))) {
      options.signal?.throwIfAborted();
      if (held) yield { objects: held };
      held = page.searchEntries.map((e) => type.toTargetObject(e));
    }
    yield { objects: held ?? [], watermark };
  }

  async *deltaImport(objectType: string, watermark: string, options: ImportOptions): AsyncIterable<DeltaPage> {
    const discovery = await this.discover();
    const type = this.bound(discovery, objectType);
    yield* this.feed(discovery).changes(type, watermark, pageSizeOf(options), options.signal);
  }

  /** True when a modifyTimestamp watermark is older than the full-import period: deletes are invisible to it. */
  needsFullImport(_objectType: string, watermark: string): boolean {
    return ChangeFeed.fullImportDue(watermark, Date.now(), this.settings.fullImportEveryMinutes);
  }

  async get(objectType: string, anchor: string): Promise<TargetObject | null> {
    const discovery = await this.discover();
    const type = this.bound(discovery, objectType);
    const entry = await this.findByAnchor(type, anchor);
    return entry ? type.toTargetObject(entry) : null;
  }

  async export(change: ExportChange): Promise<ExportResult> {
    const discovery = await this.discover();
    const type = this.bound(discovery, change.objectType);
    switch (change.kind) {
      case 'add':
        return this.add(type, change.attributes, change.dn, change.password, discovery.postRead);
      case 'update':
        return this.update(type, change.anchor, change.dn, change.deltas, change.password);
      case 'rename':
        return this.rename(type, change.anchor, change.dn, change.newDn, change.deltas);
      case 'delete': {
        await this.onEntry(type, change.anchor, change.dn, `deleting ${change.dn}`, (client, dn) => client.del(dn));
        return { anchor: change.anchor, dn: change.dn };
      }
    }
  }

  async close(): Promise<void> {
    this.discovery = undefined;
    await this.pool.close();
  }

  // ---------------------------------------------------------------------------------------------
  // export

  private async add(type: BoundObjectType, attributes: Attributes, requestedDn: string | undefined, password: string | undefined, postRead: boolean): Promise<ExportResult> {
    const dn = this.dnForAdd(type, attributes, requestedDn);
    const entry = new Map<string, { name: string; values: Array<string | Buffer> }>();
    const put = (ldapName: string, values: Array<string | Buffer>): void => {
      entry.set(ldapName.toLowerCase(), { name: ldapName, values });
    };
    const classes: string[] = [...type.target.objectClasses];
    for (const [name, values] of Object.entries(attributes)) {
      if (values.length === 0) continue;
      const attribute = this.writable(type, name);
      if (!attribute) continue;
      if (attribute.ldapName.toLowerCase() === 'objectclass') {
        for (const value of values) {
          if (!classes.some((c) => c.toLowerCase() === String(value).toLowerCase())) classes.push(String(value));
        }
        continue;
      }
      if (!attribute.multiValued && values.length > 1) throw tooManyValues(attribute.name);
      put(attribute.ldapName, values.map((v) => toLdap(attribute.resolved, v, attribute.name)));
    }
    for (const name of classes) {
      if (!type.subschema.objectClass(name)) throw new ConnectorError('schemaViolation', `object class "${name}" is not in the server's schema`);
    }
    put('objectClass', classes);
    // the RDN's values must be in the entry: `uid=bsimon,…` implies uid: bsimon
    for (const ava of dn[0] ?? []) {
      const ldapName = type.subschema.primaryName(ava.type);
      const current = entry.get(ldapName.toLowerCase());
      if (!current) put(ldapName, [ava.value]);
      else if (!current.values.some((v) => String(v).toLowerCase() === ava.value.toLowerCase())) current.values.push(ava.value);
    }
    const missing = type.mustOf(classes).filter((must) => !entry.has(must.toLowerCase()));
    if (missing.length) {
      throw new ConnectorError(
        'schemaViolation',
        `missing MUST attribute(s) ${missing.join(', ')} of object class(es) ${classes.join(', ')}; nothing was sent to the directory`,
      );
    }
    if (password !== undefined) put(this.settings.passwordAttribute, [password]);
    const dnText = formatDn(dn);
    const ldapAttributes = [...entry.values()].map((a) => new Attribute({ type: a.name, values: a.values as string[] }));
    const control = postRead ? new PostReadControl(type.readAttributes, type.bufferAttributes) : undefined;
    await this.pool.use(`adding ${dnText}`, (client) => client.add(dnText, ldapAttributes, control));
    if (control?.entry) return this.resultOf(type, control.entry);
    return this.readBack(type, dnText);
  }

  private async update(type: BoundObjectType, anchor: string, dn: string, deltas: AttributeDelta[], password: string | undefined): Promise<ExportResult> {
    // a template DN follows its attributes: a changed `uid` of `uid={uid},…` is a modDN
    if (type.binding.dn.kind === 'template' && deltas.some((d) => templateUses(type.binding.dn, d.attribute))) {
      const current = await this.findByAnchor(type, anchor, dn);
      if (!current) throw notFound(type, anchor);
      const now = type.toTargetObject(current);
      const after = applyLocal(now.attributes, deltas);
      const newDn = formatDn(this.renderTemplate(type, after));
      if (!sameDn(newDn, current.dn)) return this.rename(type, anchor, current.dn, newDn, deltas, password);
    }
    const changes = this.changesOf(type, deltas, dn);
    if (password !== undefined) changes.push(new Change({ operation: 'replace', modification: new Attribute({ type: this.settings.passwordAttribute, values: [password] }) }));
    let target = dn;
    if (changes.length) target = await this.modify(type, anchor, dn, changes, deltas);
    return this.readBack(type, target, anchor);
  }

  private async rename(
    type: BoundObjectType,
    anchor: string,
    dn: string,
    newDnText: string,
    deltas: AttributeDelta[],
    password?: string,
  ): Promise<ExportResult> {
    const newDn = this.parseRequestedDn(type, newDnText);
    const target = formatDn(newDn);
    let current = dn;
    if (!sameDn(dn, target) || dn !== target) {
      current = await this.onEntry(type, anchor, dn, `renaming ${dn} to ${target}`, async (client, from) => {
        // hex escapes: ldapts splits the new DN at its first unescaped comma into RDN and superior
        await client.modifyDN(from, formatDn(newDn, { hex: true }));
        return target;
      });
    }
    // the RDN attribute already changed with the modDN; other deltas still apply
    const changes = this.changesOf(type, deltas, target);
    if (password !== undefined) changes.push(new Change({ operation: 'replace', modification: new Attribute({ type: this.settings.passwordAttribute, values: [password] }) }));
    if (changes.length) current = await this.modify(type, anchor, current, changes, deltas);
    const result = await this.readBack(type, current, type.anchorIsDn ? undefined : anchor);
    return result;
  }

  /** Runs a modify; a stale value-level delta (value already there / already gone) is retried as replaces. */
  private async modify(type: BoundObjectType, anchor: string, dn: string, changes: Change[], deltas: AttributeDelta[]): Promise<string> {
    try {
      return await this.onEntry(type, anchor, dn, `modifying ${dn}`, async (client, target) => {
        await client.modify(target, changes);
        return target;
      });
    } catch (error) {
      const code = resultCodeOf((error as ConnectorError).cause);
      if (code !== RESULT.typeOrValueExists && code !== RESULT.noSuchAttribute) throw error;
      // the host's view was behind the directory: apply the intended end state instead
      const entry = await this.findByAnchor(type, anchor, dn);
      if (!entry) throw notFound(type, anchor);
      const now = type.toTargetObject(entry);
      const after = applyLocal(now.attributes, deltas);
      const replaces = deltas
        .map((d) => type.attribute(d.attribute))
        .filter((a, i, list): a is NonNullable<typeof a> => a !== undefined && list.indexOf(a) === i)
        .map((a) => ({ attribute: a.name, op: 'replace' as const, values: valuesOf(after, a.name) }));
      const retry = this.changesOf(type, replaces, entry.dn);
      const passwordChanges = changes.filter((c) => c.modification.type.toLowerCase() === this.settings.passwordAttribute.toLowerCase());
      await this.pool.use(`modifying ${entry.dn}`, (client) => client.modify(entry.dn, [...retry, ...passwordChanges]));
      return entry.dn;
    }
  }

  /** Attribute deltas as LDAP modifications; the RDN's value stays in an attribute that is replaced. */
  private changesOf(type: BoundObjectType, deltas: AttributeDelta[], dn: string): Change[] {
    const rdn = parseDn(dn)[0] ?? [];
    const changes: Change[] = [];
    for (const delta of deltas) {
      const attribute = this.writable(type, delta.attribute);
      if (!attribute) continue;
      if (!attribute.multiValued && delta.values.length > 1) throw tooManyValues(attribute.name);
      let values = delta.values.map((v) => toLdap(attribute.resolved, v, attribute.name));
      const rdnValue = rdn.find((ava) => type.subschema.primaryName(ava.type).toLowerCase() === attribute.ldapName.toLowerCase())?.value;
      if (rdnValue !== undefined) {
        if (delta.op === 'replace' && !values.some((v) => String(v).toLowerCase() === rdnValue.toLowerCase())) values = [...values, rdnValue];
        if (delta.op === 'remove') values = values.filter((v) => String(v).toLowerCase() !== rdnValue.toLowerCase());
        if (delta.op === 'remove' && values.length === 0) continue;
      }
      const operation = delta.op === 'add' ? 'add' : delta.op === 'remove' ? 'delete' : 'replace';
      if (operation === 'add' && values.length === 0) continue;
      changes.push(new Change({ operation, modification: new Attribute({ type: attribute.ldapName, values: values as string[] }) }));
    }
    return changes;
  }

  /**
   * Runs `operation` on the entry's DN; when the DN is stale (the entry was moved behind the
   * host's back) it finds the entry by its anchor and runs it there.
   */
  private async onEntry<T>(type: BoundObjectType, anchor: string, dn: string, what: string, operation: (client: Client, dn: string) => Promise<T>): Promise<T> {
    try {
      return await this.pool.use(what, (client) => operation(client, dn));
    } catch (error) {
      if (!(error instanceof ConnectorError) || error.reason !== 'notFound' || type.anchorIsDn) throw error;
      const entry = await this.findByAnchor(type, anchor);
      if (!entry || sameDn(entry.dn, dn)) throw notFound(type, anchor);
      return this.pool.use(what, (client) => operation(client, entry.dn));
    }
  }

  private async readBack(type: BoundObjectType, dn: string, anchor?: string): Promise<ExportResult> {
    let entry = await this.readEntry(type, dn);
    if (!entry && anchor !== undefined) entry = await this.findByAnchor(type, anchor);
    if (!entry) throw new ConnectorError('unavailable', `the entry ${dn} could not be read back after the change`);
    return this.resultOf(type, entry);
  }

  /** The export result from the entry as the server holds it (read back, or returned by the post-read control). */
  private resultOf(type: BoundObjectType, entry: Entry): ExportResult {
    const object = type.toTargetObject(entry);
    return { anchor: object.anchor, dn: object.dn, attributes: object.attributes };
  }

  private async readEntry(type: BoundObjectType, dn: string): Promise<Entry | undefined> {
    try {
      const { searchEntries } = await this.pool.use(`reading ${dn}`, (client) =>
        client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: type.readAttributes, explicitBufferAttributes: type.bufferAttributes }),
      );
      return searchEntries[0];
    } catch (error) {
      if (error instanceof ConnectorError && error.reason === 'notFound') return undefined;
      throw error;
    }
  }

  /** The entry with this anchor under the object type's base (by DN when the anchor is the DN). */
  private async findByAnchor(type: BoundObjectType, anchor: string, hintDn?: string): Promise<Entry | undefined> {
    if (type.anchorIsDn) {
      let dn: string;
      try {
        dn = canonicalDn(anchor);
      } catch {
        return undefined;
      }
      return isUnder(dn, type.base) ? this.readEntry(type, dn) : undefined;
    }
    if (hintDn) {
      const entry = await this.readEntry(type, hintDn);
      if (entry && type.toTargetObject(entry).anchor.toLowerCase() === anchor.toLowerCase()) return entry;
    }
    let value: string | Buffer;
    try {
      value = toLdap(type.anchor!.resolved, anchor, type.anchor!.name);
    } catch {
      return undefined; // not even shaped like an anchor: no entry has it
    }
    const { searchEntries } = await this.pool.use(`searching ${type.base}`, (client) =>
      client.search(type.base, this.searchOptions(type, all(this.typeFilter(type), equals(type.anchor!.ldapName, value)))),
    );
    return searchEntries[0];
  }

  private dnForAdd(type: BoundObjectType, attributes: Attributes, requested: string | undefined): Dn {
    if (requested !== undefined && requested !== '') return this.parseRequestedDn(type, requested);
    if (type.binding.dn.kind === 'template') return this.renderTemplate(type, attributes);
    throw new ConnectorError(
      'invalidValue',
      `no -dn- was sent and object type ${type.binding.name} has no DN template (dn: { template: "uid={uid},ou=People,…" })`,
    );
  }

  private renderTemplate(type: BoundObjectType, attributes: Attributes): Dn {
    const rule = type.binding.dn;
    if (rule.kind !== 'template') throw new ConnectorError('invalidValue', 'no DN template');
    let text: string;
    try {
      text = renderDnTemplate(rule.template, (name) => {
        const value = valuesOf(attributes, name)[0];
        return value === undefined ? undefined : String(value);
      });
    } catch (error) {
      throw new ConnectorError('invalidValue', (error as Error).message);
    }
    return this.parseRequestedDn(type, text);
  }

  /** A DN from Entra or a template: parsed (RFC 4514), and it must lie under the object type's base. */
  private parseRequestedDn(type: BoundObjectType, text: string): Dn {
    const dn = parseDn(text);
    if (dn.length === 0) throw new ConnectorError('invalidValue', 'the DN is empty');
    const formatted = formatDn(dn);
    if (!isUnder(formatted, type.base) || dnKey(formatted) === dnKey(type.base)) {
      throw new ConnectorError('invalidValue', `DN "${formatted}" is not below the base ${type.base} of object type ${type.binding.name}`);
    }
    return dn;
  }

  private writable(type: BoundObjectType, name: string) {
    const attribute = type.attribute(name);
    if (!attribute) {
      throw new ConnectorError('schemaViolation', `attribute "${name}" is not a selected attribute of ${type.binding.name}`);
    }
    if (attribute.readOnly || attribute === type.anchor) return undefined;
    return attribute;
  }

  // ---------------------------------------------------------------------------------------------
  // discovery

  private discover(refresh = false): Promise<Discovery> {
    if (!this.discovery || refresh) {
      const running = this.readDiscovery();
      this.discovery = running;
      running.catch(() => {
        if (this.discovery === running) this.discovery = undefined;
      });
    }
    return this.discovery;
  }

  private async readDiscovery(): Promise<Discovery> {
    const rootDse = await this.readRootDse();
    const detected = detectVendor(rootDse);
    const vendor = this.settings.vendor ? vendorById(this.settings.vendor, detected.version) : detected;
    const subschemaDn = rootDse['subschemasubentry']?.[0] ?? 'cn=Subschema';
    const { searchEntries } = await this.pool.use(`reading the subschema ${subschemaDn}`, (client) =>
      client.search(subschemaDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['objectClasses', 'attributeTypes'] }),
    );
    const subentry = searchEntries[0];
    const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);
    const subschema = new Subschema(list(pick(subentry, 'attributeTypes')), list(pick(subentry, 'objectClasses')));
    if (subschema.size.objectClasses === 0) {
      throw new ConnectorError('permissionDenied', `the subschema ${subschemaDn} lists no object classes: the bind account cannot read it`);
    }
    const namingContexts = (rootDse['namingcontexts'] ?? []).filter((c) => !/^cn=(accesslog|changelog)$/i.test(c));
    const types = new Map<string, BoundObjectType>();
    for (const [name, { binding, target }] of this.objectTypes) {
      const base = target.base ?? this.settings.baseDn ?? namingContexts[0];
      if (!base) throw new ConnectorError('schemaViolation', `object type ${name} has no base: set target.base or connection.baseDn`);
      const anchor = binding.anchor.toLowerCase() === 'auto' ? vendor.anchor : binding.anchor;
      if (!/^(dn|-dn-)$/i.test(anchor) && !subschema.attributeType(anchor)) {
        throw new ConnectorError(
          'schemaViolation',
          `anchor "${anchor}" of ${name} is not an attribute of this ${vendor.name}; its anchor is ${vendor.anchor} (or use anchor: auto)`,
        );
      }
      types.set(name, new BoundObjectType(binding, target, subschema, anchor, canonicalDn(base), this.settings.passwordAttribute));
    }
    const changeSource = ChangeFeed.sourceFor(this.settings, vendor, rootDse);
    const discovery: Discovery = { rootDse, vendor, subschema, namingContexts, changeSource, types, postRead: supportsPostRead(rootDse) };
    this.context.logger.info('ldap directory discovered', {
      connector: this.context.name,
      vendor: vendor.name,
      version: vendor.version,
      changeSource: changeSource.kind,
      postRead: discovery.postRead,
      bind: this.pool.bindMethod,
    });
    return discovery;
  }

  private async readRootDse(): Promise<RootDse> {
    const { searchEntries } = await this.pool.use('reading the root DSE', (client) =>
      client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ROOT_DSE_ATTRIBUTES }),
    );
    const dse: RootDse = {};
    for (const [key, value] of Object.entries(searchEntries[0] ?? {})) {
      if (key === 'dn') continue;
      const list = (Array.isArray(value) ? value : [value]).map((v) => String(v));
      if (list.length) dse[key.toLowerCase()] = list;
    }
    return dse;
  }

  // ---------------------------------------------------------------------------------------------

  private feed(discovery: Discovery): ChangeFeed {
    return new ChangeFeed(discovery.changeSource, this.pool, this.settings, (type, anchor) => this.findByAnchor(type, anchor), (type) => this.typeFilter(type), (type, filter, size) => this.searchOptions(type, filter, size));
  }

  /** Entries of this object type: its structural class, and the configured filter. */
  typeFilter(type: BoundObjectType): Filter {
    const filters = [equals('objectClass', type.target.objectClasses[0]!)];
    if (type.target.filter) filters.push(parseConfiguredFilter(type.target.filter));
    return all(...filters);
  }

  private searchOptions(type: BoundObjectType, filter: Filter, pageSize?: number) {
    return {
      scope: type.target.scope,
      filter,
      attributes: type.readAttributes,
      explicitBufferAttributes: type.bufferAttributes,
      ...(pageSize ? { paged: { pageSize } } : {}),
    };
  }

  private bound(discovery: Discovery, objectType: string): BoundObjectType {
    const type = discovery.types.get(objectType);
    if (!type) throw new ConnectorError('schemaViolation', `unknown object type ${objectType}`);
    return type;
  }
}

function pick(entry: Entry | undefined, name: string): unknown {
  if (!entry) return undefined;
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? entry[key] : undefined;
}

/** The deltas applied to a copy of the attributes (value comparison by text, case-insensitive). */
function applyLocal(attributes: Attributes, deltas: AttributeDelta[]): Attributes {
  const out: Attributes = { ...attributes };
  for (const delta of deltas) {
    const key = Object.keys(out).find((k) => k.toLowerCase() === delta.attribute.toLowerCase()) ?? delta.attribute;
    const current = out[key] ?? [];
    const same = (a: AttributeValue, b: AttributeValue): boolean => String(a).toLowerCase() === String(b).toLowerCase();
    if (delta.op === 'replace') out[key] = [...delta.values];
    else if (delta.op === 'add') out[key] = [...current, ...delta.values.filter((v) => !current.some((c) => same(c, v)))];
    else out[key] = current.filter((c) => !delta.values.some((v) => same(c, v)));
  }
  return out;
}

function templateUses(rule: ObjectTypeBinding['dn'], attribute: string): boolean {
  if (rule.kind !== 'template') return false;
  return [...rule.template.matchAll(/\{([^{}]+)\}/g)].some((m) => m[1]!.toLowerCase() === attribute.toLowerCase());
}

function pageSizeOf(options: ImportOptions): number {
  const size = Math.floor(options.pageSize);
  if (!Number.isSafeInteger(size) || size < 1) throw new ConnectorError('invalidValue', 'page size must be a positive integer');
  return size;
}

function notFound(type: BoundObjectType, anchor: string): ConnectorError {
  return new ConnectorError('notFound', `no ${type.binding.name} with ${type.anchorName} "${anchor}" under ${type.base}`);
}

function tooManyValues(attribute: string): ConnectorError {
  return new ConnectorError('invalidValue', `attribute "${attribute}" is single-valued: give it at most one value`);
}

