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
  type ObjectTypeProblem,
  renderDnTemplate,
  type TargetObject,
  type TargetSchema,
} from '@connector-host/connector-sdk';
import { Attribute, Change, type Client, Control, type Entry, type Filter } from 'ldapts';
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
  /** The root DSE lists the Permissive Modify control: a value already there / already gone is no error. */
  permissiveModify: boolean;
  /** Where a rename rewrites the old DN (referentialIntegrity), with the base searched. */
  referenceRewrite?: { base: string; attributes: string[] };
  /** The server returns the added entry in the add's response (RFC 4527): no read-back search. */
  postRead: boolean;
}

/** LDAP_SERVER_PERMISSIVE_MODIFY_OID: AD, AD LDS and others; OpenLDAP only in LDAP_DEVEL builds, not 389 DS. */
export const PERMISSIVE_MODIFY_OID = '1.2.840.113556.1.4.1413';

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
    // every base is read: a refused read (permissions, a dead server) fails the test; a missing
    // base is that object type's configuration problem, which discoverSchema reports
    for (const type of discovery.types.values()) await this.baseProblem(type);
  }

  async discoverSchema(): Promise<TargetSchema> {
    const discovery = await this.discover(true);
    const unavailable: ObjectTypeProblem[] = [];
    for (const type of discovery.types.values()) {
      const problem = await this.baseProblem(type);
      if (problem) unavailable.push({ objectType: type.binding.name, problem });
    }
    return { objectTypes: [...discovery.types.values()].map((t) => t.schema), ...(unavailable.length ? { unavailable } : {}) };
  }

  /**
   * Reads the object type's base: undefined when it is there, the administrator's fix when it does
   * not exist (Microsoft's tutorial makes only the users' container, so a groups' base is often
   * missing). Any other failure is thrown: the directory itself is not answering as it should.
   */
  private async baseProblem(type: BoundObjectType): Promise<string | undefined> {
    try {
      await this.pool.use(`reading the base ${type.base}`, (client) => client.search(type.base, { scope: 'base', attributes: ['1.1'] }));
      return undefined;
    } catch (error) {
      if (error instanceof ConnectorError && error.reason === 'notFound') return missingBase(type, this.settings.bindDn);
      throw error;
    }
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
    // groupOfNames / groupOfUniqueNames without members: the placeholder keeps the entry valid
    for (const member of type.mustOf(classes).filter((m) => type.subschema.resolve(m)?.type === 'reference')) {
      if (entry.has(member.toLowerCase())) continue;
      if (type.placeholder === undefined) throw noPlaceholder(type, member, classes);
      put(member, [type.placeholder]);
    }
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
    await this.pool.use(`adding ${dnText}`, (client) => client.add(dnText, ldapAttributes, control)).catch(async (error: unknown) => {
      // noSuchObject on an add: the parent is missing; when it is the object type's base, say so and how to fix it
      const problem = error instanceof ConnectorError && error.reason === 'notFound' ? await this.baseProblem(type) : undefined;
      throw problem ? new ConnectorError('configuration', problem, { cause: error }) : error;
    });
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
    if (changes.length) target = await this.modify(type, anchor, dn, changes);
    // members: the host keeps its own view of reference attributes, so a 10,000-member group is not
    // read back after each membership change (no read at all when only members changed)
    const large = (d: AttributeDelta): boolean => {
      const attribute = type.attribute(d.attribute);
      return attribute !== undefined && type.isLargeReference(attribute);
    };
    if (password === undefined && deltas.length > 0 && deltas.every(large)) return { anchor: type.anchorIsDn ? target : anchor, dn: target };
    return this.readBack(type, target, anchor, deltas.some(large));
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
        // a retried rename finds the entry already there (by its anchor): nothing to move
        if (from !== dn && sameDn(from, target)) return from;
        // hex escapes: ldapts splits the new DN at its first unescaped comma into RDN and superior
        await client.modifyDN(from, formatDn(newDn, { hex: true }));
        return target;
      });
      if (!sameDn(dn, target)) await this.rewriteReferences(dn, target);
    }
    // the RDN attribute already changed with the modDN; other deltas still apply
    const changes = this.changesOf(type, deltas, target);
    if (password !== undefined) changes.push(new Change({ operation: 'replace', modification: new Attribute({ type: this.settings.passwordAttribute, values: [password] }) }));
    if (changes.length) current = await this.modify(type, anchor, current, changes);
    const result = await this.readBack(type, current, type.anchorIsDn ? undefined : anchor, type.attributes.some((a) => type.isLargeReference(a)));
    return result;
  }

  /**
   * Runs one modify request with every change of the update (a membership PATCH of 1,000 members is
   * one request). It must survive retries and a host view that is behind the directory:
   * - with Permissive Modify (root DSE), adding a value that is there or deleting one that is gone
   *   is no error;
   * - without it, on 20 (value exists) / 16 (no such value) the current values of the entry are read
   *   once and the value changes that already hold are dropped, then the modify is sent again;
   * - removing a group's last member (65, objectClassViolation) is sent again with the placeholder
   *   added; adding a member drops the placeholder in the same request.
   */
  private async modify(type: BoundObjectType, anchor: string, dn: string, changes: Change[]): Promise<string> {
    const { permissiveModify } = await this.discover();
    const controls = permissiveModify ? [new Control(PERMISSIVE_MODIFY_OID)] : [];
    let pending = await this.withPlaceholderRules(type, dn, changes, permissiveModify);
    let target = dn;
    let refiltered = false;
    let placeholderAdded = false;
    for (;;) {
      if (pending.length === 0) return target;
      const send = pending;
      try {
        return await this.onEntry(type, anchor, target, `modifying ${target}`, async (client, at) => {
          await client.modify(at, send, controls);
          return at;
        });
      } catch (error) {
        const code = resultCodeOf((error as ConnectorError).cause);
        if ((code === RESULT.typeOrValueExists || code === RESULT.noSuchAttribute) && !refiltered) {
          refiltered = true;
          const entry = await this.findByAnchor(type, anchor, target);
          if (!entry) throw notFound(type, anchor);
          target = entry.dn;
          pending = dropSettled(type, pending, entry);
          continue;
        }
        if (code === RESULT.objectClassViolation && !placeholderAdded) {
          const member = pending.find((c) => c.operation === 'delete' && type.isRequiredMember(c.modification.type))?.modification.type;
          if (member === undefined) throw error;
          if (type.placeholder === undefined) throw noPlaceholder(type, member, type.target.objectClasses);
          placeholderAdded = true;
          pending = [...pending, new Change({ operation: 'add', modification: new Attribute({ type: member, values: [type.placeholder] }) })];
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * The placeholder in a membership modify: a replace by no members keeps the placeholder; adding
   * members deletes it in the same request (without Permissive Modify only when a compare says it is
   * there, since deleting an absent value fails the whole request).
   */
  private async withPlaceholderRules(type: BoundObjectType, dn: string, changes: Change[], permissive: boolean): Promise<Change[]> {
    if (type.placeholder === undefined) return changes;
    const placeholder = type.placeholder;
    const out: Change[] = [];
    const drop = new Set<string>();
    for (const change of changes) {
      const name = change.modification.type;
      if (!type.isRequiredMember(name)) {
        out.push(change);
        continue;
      }
      // the host never sees the placeholder, so it never names it: keep it out of what it sends
      const given = change.modification.values as string[];
      const values = given.filter((v) => !type.isPlaceholder(String(v)));
      if (change.operation === 'replace' && values.length === 0) {
        out.push(new Change({ operation: 'replace', modification: new Attribute({ type: name, values: [placeholder] }) }));
        continue;
      }
      if (change.operation === 'delete' && given.length > 0 && values.length === 0) continue;
      if (change.operation === 'add') drop.add(name);
      out.push(new Change({ operation: change.operation, modification: new Attribute({ type: name, values }) }));
    }
    for (const name of drop) {
      if (!permissive && !(await this.holds(dn, name, placeholder))) continue;
      out.push(new Change({ operation: 'delete', modification: new Attribute({ type: name, values: [placeholder] }) }));
    }
    return out;
  }

  /** LDAP compare: does the entry hold this value? Unknown (an error) counts as yes: a stale delete is dropped on retry. */
  private async holds(dn: string, attribute: string, value: string): Promise<boolean> {
    try {
      return await this.pool.use(`comparing ${attribute} of ${dn}`, (client) => client.compare(dn, attribute, value));
    } catch {
      return true;
    }
  }

  /**
   * After a modDN: every entry under the connection's base whose DN-valued attributes
   * (`referentialIntegrity.attributes`) hold the old DN gets it replaced by the new one, one modify
   * per entry. Idempotent: when the server's own referential integrity (slapo-refint, 389's plugin)
   * already did it the searches find nothing, and a value already rewritten is dropped on retry.
   */
  private async rewriteReferences(oldDn: string, newDn: string): Promise<void> {
    const { referenceRewrite } = await this.discover();
    if (!referenceRewrite) return;
    const holders = new Map<string, { dn: string; attributes: string[] }>();
    for (const attribute of referenceRewrite.attributes) {
      const search = { scope: 'sub' as const, filter: equals(attribute, oldDn), attributes: ['1.1'], paged: { pageSize: 500 } };
      for await (const page of this.pool.stream(`searching ${referenceRewrite.base} for ${attribute} references`, (client) =>
        client.searchPaginated(referenceRewrite.base, search),
      )) {
        for (const found of page.searchEntries) {
          const holder = holders.get(dnKey(found.dn)) ?? { dn: found.dn, attributes: [] };
          holder.attributes.push(attribute);
          holders.set(dnKey(found.dn), holder);
        }
      }
    }
    const { permissiveModify } = await this.discover();
    const controls = permissiveModify ? [new Control(PERMISSIVE_MODIFY_OID)] : [];
    for (const holder of holders.values()) {
      // delete and add in one request: a required member attribute is never empty in between
      let changes = holder.attributes.flatMap((attribute) => [
        new Change({ operation: 'delete', modification: new Attribute({ type: attribute, values: [oldDn] }) }),
        new Change({ operation: 'add', modification: new Attribute({ type: attribute, values: [newDn] }) }),
      ]);
      const what = `replacing ${oldDn} by ${newDn} in ${holder.dn}`;
      try {
        await this.pool.use(what, (client) => client.modify(holder.dn, changes, controls));
      } catch (error) {
        const code = resultCodeOf((error as ConnectorError).cause);
        if (code === RESULT.noSuchObject) continue; // the holder is gone: nothing to fix
        if (code !== RESULT.typeOrValueExists && code !== RESULT.noSuchAttribute) throw error;
        const { searchEntries } = await this.pool.use(`reading ${holder.dn}`, (client) =>
          client.search(holder.dn, { scope: 'base', filter: '(objectClass=*)', attributes: holder.attributes }),
        );
        if (!searchEntries[0]) continue;
        changes = dropSettled(undefined, changes, searchEntries[0]);
        if (changes.length) await this.pool.use(what, (client) => client.modify(holder.dn, changes, controls));
      }
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

  /** `withoutLargeReferences`: members are not read (the host keeps its own view of them). */
  private async readBack(type: BoundObjectType, dn: string, anchor?: string, withoutLargeReferences = false): Promise<ExportResult> {
    const attributes = withoutLargeReferences ? type.readAttributes.filter((name) => !isLarge(type, name)) : undefined;
    let entry = await this.readEntry(type, dn, attributes);
    if (!entry && anchor !== undefined) entry = await this.findByAnchor(type, anchor);
    if (!entry) throw new ConnectorError('unavailable', `the entry ${dn} could not be read back after the change`);
    const result = this.resultOf(type, entry);
    if (attributes && result.attributes) for (const a of type.attributes.filter((a) => type.isLargeReference(a))) delete result.attributes[a.name];
    return result;
  }

  /** The export result from the entry as the server holds it (read back, or returned by the post-read control). */
  private resultOf(type: BoundObjectType, entry: Entry): ExportResult {
    const object = type.toTargetObject(entry);
    return { anchor: object.anchor, dn: object.dn, attributes: object.attributes };
  }

  private async readEntry(type: BoundObjectType, dn: string, attributes: string[] = type.readAttributes): Promise<Entry | undefined> {
    try {
      const { searchEntries } = await this.pool.use(`reading ${dn}`, (client) =>
        client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes, explicitBufferAttributes: type.bufferAttributes }),
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
      const type = new BoundObjectType(binding, target, subschema, anchor, canonicalDn(base), this.settings.passwordAttribute, [...this.objectTypes.keys()]);
      if (target.emptyGroupPlaceholder !== undefined && type.placeholder === undefined) {
        this.context.logger.warn('ldap emptyGroupPlaceholder unused: these object classes require no member on this server', {
          connector: this.context.name,
          objectType: name,
          objectClasses: target.objectClasses,
        });
      }
      types.set(name, type);
    }
    const changeSource = ChangeFeed.sourceFor(this.settings, vendor, rootDse);
    const permissiveModify = (rootDse['supportedcontrol'] ?? []).includes(PERMISSIVE_MODIFY_OID);
    const referenceRewrite = this.referenceRewrite(subschema, namingContexts, types);
    const discovery: Discovery = {
      rootDse,
      vendor,
      subschema,
      namingContexts,
      changeSource,
      types,
      permissiveModify,
      postRead: supportsPostRead(rootDse),
      ...(referenceRewrite ? { referenceRewrite } : {}),
    };
    this.context.logger.info('ldap directory discovered', {
      connector: this.context.name,
      vendor: vendor.name,
      version: vendor.version,
      changeSource: changeSource.kind,
      postRead: discovery.postRead,
      bind: this.pool.bindMethod,
      permissiveModify,
    });
    return discovery;
  }

  /** `referentialIntegrity`: the attributes a rename rewrites (validated against the subschema) and the base searched. */
  private referenceRewrite(subschema: Subschema, namingContexts: string[], types: Map<string, BoundObjectType>): Discovery['referenceRewrite'] {
    const setting = this.settings.referentialIntegrity;
    const base = this.settings.baseDn ?? namingContexts[0];
    if (!setting.enabled || base === undefined) return undefined;
    const names = new Map<string, string>();
    if (setting.attributes) {
      for (const name of setting.attributes) {
        const resolved = subschema.resolve(name);
        if (!resolved) throw new ConnectorError('schemaViolation', `connection.referentialIntegrity.attributes: "${name}" is not in the server's schema`);
        names.set(resolved.name.toLowerCase(), resolved.name);
      }
    } else {
      for (const type of types.values()) {
        for (const a of type.attributes) if (a.resolved.type === 'reference' && !a.readOnly) names.set(a.ldapName.toLowerCase(), a.ldapName);
        for (const m of type.requiredMembers) names.set(m.toLowerCase(), m);
      }
      // groups the connector does not manage still name users: the two membership attributes and manager always
      for (const name of ['member', 'uniqueMember', 'manager']) {
        const resolved = subschema.resolve(name);
        if (resolved) names.set(resolved.name.toLowerCase(), resolved.name);
      }
    }
    return names.size ? { base, attributes: [...names.values()] } : undefined;
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

/** A missing base as a configuration problem, with the entry to create (the LDIF ldapadd takes). */
function missingBase(type: BoundObjectType, bindDn: string | undefined): string {
  const rdn = parseDn(type.base)[0]?.[0];
  const objectClass = rdn?.type.toLowerCase() === 'ou' ? 'organizationalUnit' : rdn?.type.toLowerCase() === 'cn' ? 'organizationalRole' : undefined;
  const create = rdn && objectClass ? `create it, e.g. ldapadd with "dn: ${type.base}", "objectClass: ${objectClass}", "${rdn.type}: ${rdn.value}"` : 'create that entry';
  return (
    `configuration problem: the base ${type.base} of object type ${type.binding.name} does not exist in the directory` +
    `${bindDn ? ` (or ${bindDn} may not see it)` : ''}: ${create}, or set objectTypes.${type.binding.name}.target.base to an existing entry; ` +
    `the connector's other object types are served meanwhile`
  );
}

function noPlaceholder(type: BoundObjectType, member: string, classes: string[]): ConnectorError {
  return new ConnectorError(
    'schemaViolation',
    `${classes.join(', ')} require(s) at least one ${member}: a group of object type ${type.binding.name} cannot be empty unless objectTypes.${type.binding.name}.target.emptyGroupPlaceholder names a DN to keep in ${member} meanwhile; nothing was changed in the directory`,
  );
}

function isLarge(type: BoundObjectType, ldapName: string): boolean {
  const attribute = type.attribute(ldapName);
  return attribute !== undefined && type.isLargeReference(attribute);
}

/**
 * The changes less what the entry already shows: adds of values it holds, deletes of values it does
 * not hold (a delete left with no value is dropped: an empty delete would remove the attribute).
 * Values compare by DN for DN syntax (without a type: always), exactly for case-exact syntaxes,
 * else case-insensitively.
 */
function dropSettled(type: BoundObjectType | undefined, changes: Change[], entry: Entry): Change[] {
  const out: Change[] = [];
  for (const change of changes) {
    const name = change.modification.type;
    if (change.operation === 'replace') {
      out.push(change);
      continue;
    }
    const attribute = type?.attribute(name);
    const key = (v: string | Buffer): string => {
      if (Buffer.isBuffer(v)) return v.toString('base64');
      if (!attribute || attribute.resolved.type === 'reference') return dnKey(v);
      return attribute.resolved.caseExact ? v : v.toLowerCase();
    };
    const entryKey = Object.keys(entry).find(
      (k) => k !== 'dn' && (k.toLowerCase() === name.toLowerCase() || (attribute !== undefined && type?.attribute(k.replace(/;binary$/i, '')) === attribute)),
    );
    const raw = entryKey === undefined ? [] : entry[entryKey]!;
    const current = new Set((Array.isArray(raw) ? raw : [raw]).map((v) => key(v as string | Buffer)));
    const values = change.modification.values as Array<string | Buffer>;
    if (change.operation === 'delete' && values.length === 0) {
      if (current.size) out.push(change);
      continue;
    }
    const kept = values.filter((v) => (change.operation === 'add' ? !current.has(key(v)) : current.has(key(v))));
    if (kept.length) out.push(new Change({ operation: change.operation, modification: new Attribute({ type: name, values: kept as string[] }) }));
  }
  return out;
}

function tooManyValues(attribute: string): ConnectorError {
  return new ConnectorError('invalidValue', `attribute "${attribute}" is single-valued: give it at most one value`);
}

