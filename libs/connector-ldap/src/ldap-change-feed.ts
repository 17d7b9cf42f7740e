/**
 * Delta import: where a directory says what changed since a watermark.
 *
 * - `accesslog` (OpenLDAP's accesslog overlay): write operations under `cn=accesslog`, ordered by
 *   `reqStart`; the watermark is the last `reqStart` read.
 * - `retroChangelog` (389 DS and its relatives): `changeNumber=N,cn=changelog`; the watermark is the
 *   last change number read, and a full import takes `lastchangenumber` from the root DSE.
 * - `modifyTimestamp`: entries with `modifyTimestamp >= watermark`; deletes are invisible to it, so a
 *   full import is due every `fullImportEveryMinutes` (the host asks `needsFullImport`).
 *
 * A change log entry only says *which* entry changed: the entry is then read as it is now (or
 * reported deleted), so replaying a change twice is harmless and pages may overlap.
 *
 * Watermarks are `accesslog:<reqStart>`, `changelog:<number>` and `timestamp:<time>@<ms of the full
 * import>`; they survive restarts because the host stores them in the connector space.
 */
import { type DeltaChange, type DeltaPage, ConnectorError } from '@connector-host/connector-sdk';
import type { Entry, Filter, SearchOptions } from 'ldapts';
import { isUnder, parseDn, formatDn } from './ldap-dn';
import { all, atLeast, atMost, equals } from './ldap-filter';
import type { BoundObjectType } from './ldap-object-type';
import type { LdapPool } from './ldap-pool';
import type { LdapConnectionSettings } from './ldap-settings';
import { generalizedTimeToIso, isoToGeneralizedTime } from './ldap-values';
import type { RootDse, Vendor } from './ldap-vendor';

export interface ChangeSource {
  kind: 'accesslog' | 'retroChangelog' | 'modifyTimestamp';
  /** DN of the change log (`cn=accesslog`, `cn=changelog`). */
  dn?: string;
}

/** How far back a time-based watermark reaches, against clock skew and same-second changes. */
const TIME_MARGIN_MS = 60_000;

type Find = (type: BoundObjectType, anchor: string) => Promise<Entry | undefined>;

interface LogRecord {
  /** Position in the log: reqStart or the change number. */
  position: string;
  type: 'add' | 'modify' | 'delete' | 'modrdn';
  dn: string;
  newDn?: string;
  /** entryUUID / nsUniqueId of the entry, when the log records it. */
  uniqueId?: string;
}

export class ChangeFeed {
  constructor(
    private readonly source: ChangeSource,
    private readonly pool: LdapPool,
    private readonly settings: LdapConnectionSettings,
    private readonly find: Find,
    private readonly typeFilter: (type: BoundObjectType) => Filter,
    private readonly searchOptions: (type: BoundObjectType, filter: Filter, pageSize?: number) => SearchOptions,
  ) {}

  static sourceFor(settings: LdapConnectionSettings, vendor: Vendor, rootDse: RootDse): ChangeSource {
    const contexts = (rootDse['namingcontexts'] ?? []).map((c) => c.toLowerCase());
    const changelog = rootDse['changelog']?.[0];
    const choice = settings.changeSource;
    if (choice === 'accesslog' || (choice === 'auto' && vendor.id === 'openldap' && (settings.changeLogDn || contexts.includes('cn=accesslog')))) {
      return { kind: 'accesslog', dn: settings.changeLogDn ?? 'cn=accesslog' };
    }
    if (choice === 'retroChangelog' || (choice === 'auto' && (changelog || (settings.changeLogDn && vendor.changeSource === 'retroChangelog')))) {
      return { kind: 'retroChangelog', dn: settings.changeLogDn ?? changelog ?? 'cn=changelog' };
    }
    return { kind: 'modifyTimestamp' };
  }

  /** A modifyTimestamp chain whose full import is older than the period needs a new full import. */
  static fullImportDue(watermark: string, now: number, everyMinutes: number): boolean {
    const m = /^timestamp:[^@]*@(\d+)$/.exec(watermark);
    return m !== null && now - Number(m[1]) > everyMinutes * 60_000;
  }

  /** The watermark a full import ends with, read before its first page. */
  async currentWatermark(): Promise<string> {
    switch (this.source.kind) {
      case 'accesslog': {
        const since = isoToGeneralizedTime(new Date(Date.now() - TIME_MARGIN_MS * 10).toISOString())!;
        let newest = since;
        for await (const record of this.records(atLeast('reqStart', since), 1000)) {
          if (record.position > newest) newest = record.position;
        }
        return `accesslog:${newest}`;
      }
      case 'retroChangelog':
        return `changelog:${await this.lastChangeNumber()}`;
      case 'modifyTimestamp':
        return `timestamp:${await this.serverTimeMinusMargin()}@${Date.now()}`;
    }
  }

  async *changes(type: BoundObjectType, watermark: string, pageSize: number, signal?: AbortSignal): AsyncIterable<DeltaPage> {
    const [kind, rest] = splitWatermark(watermark);
    const expected = { accesslog: 'accesslog', retroChangelog: 'changelog', modifyTimestamp: 'timestamp' }[this.source.kind];
    if (kind !== expected) {
      throw new ConnectorError('invalidValue', `watermark "${watermark}" is not a ${this.source.kind} watermark: run a full import`);
    }
    if (this.source.kind === 'modifyTimestamp') {
      yield* this.timestampChanges(type, rest, pageSize, signal);
      return;
    }
    if (this.source.kind === 'accesslog') {
      const filter = all(equals('reqResult', '0'), atLeast('reqStart', rest));
      let batch: LogRecord[] = [];
      for await (const record of this.records(filter, pageSize)) {
        signal?.throwIfAborted();
        if (record.position <= rest) continue;
        batch.push(record);
        if (batch.length >= pageSize) {
          yield await this.page(type, batch);
          batch = [];
        }
      }
      if (batch.length) yield await this.page(type, batch);
      return;
    }
    // retro changelog: windows of change numbers up to the last one now
    const last = await this.lastChangeNumber();
    for (let from = Number(rest) + 1; from <= last; from += pageSize) {
      signal?.throwIfAborted();
      const to = Math.min(from + pageSize - 1, last);
      const records: LogRecord[] = [];
      for await (const record of this.records(all(atLeast('changeNumber', String(from)), atMost('changeNumber', String(to))), pageSize)) records.push(record);
      const page = await this.page(type, records);
      yield { changes: page.changes, watermark: `changelog:${to}` };
    }
  }

  /** The log records of the change log matching `filter`, in log order. */
  private async *records(filter: Filter, pageSize: number): AsyncIterable<LogRecord> {
    const accesslog = this.source.kind === 'accesslog';
    const attributes = accesslog
      ? ['reqStart', 'reqType', 'reqDN', 'reqEntryUUID', 'reqNewRDN', 'reqNewSuperior', 'reqResult']
      : ['changeNumber', 'changeType', 'targetDn', 'targetUniqueId', 'newRDN', 'newSuperior'];
    const base = this.source.dn!;
    const scoped = accesslog ? all(equals('objectClass', 'auditWriteObject'), filter) : all(equals('objectClass', 'changeLogEntry'), filter);
    const records: LogRecord[] = [];
    for await (const page of this.pool.stream(`reading the change log ${base}`, (client) =>
      client.searchPaginated(base, { scope: 'one', filter: scoped, attributes, paged: { pageSize } }),
    )) {
      for (const entry of page.searchEntries) {
        const record = accesslog ? fromAccesslog(entry) : fromChangelog(entry);
        if (record) records.push(record);
      }
    }
    // the log's own order is not promised by a search: sort by position
    records.sort((a, b) => (accesslog ? (a.position < b.position ? -1 : a.position > b.position ? 1 : 0) : Number(a.position) - Number(b.position)));
    yield* records;
  }

  /** The entries the records name, read as they are now: upserts, or deletes when gone or out of scope. */
  private async page(type: BoundObjectType, records: LogRecord[]): Promise<DeltaPage> {
    const pending = new Map<string, { anchor?: string; dn?: string; deleted: boolean }>();
    for (const record of records) {
      const inScope = isUnder(record.dn, type.base) || (record.newDn !== undefined && isUnder(record.newDn, type.base));
      if (!inScope) continue;
      if (type.anchorIsDn) {
        if (record.type === 'delete' || record.type === 'modrdn') pending.set(`dn:${record.dn.toLowerCase()}`, { anchor: record.dn, deleted: true });
        if (record.type !== 'delete') {
          const dn = record.newDn ?? record.dn;
          pending.set(`dn:${dn.toLowerCase()}`, { dn, deleted: false });
        }
        continue;
      }
      if (!record.uniqueId) {
        // without the entry's id a delete cannot be named; the periodic full import removes it
        if (record.type !== 'delete') pending.set(`dn:${(record.newDn ?? record.dn).toLowerCase()}`, { dn: record.newDn ?? record.dn, deleted: false });
        continue;
      }
      pending.set(`id:${record.uniqueId.toLowerCase()}`, { anchor: record.uniqueId, deleted: record.type === 'delete' });
    }
    const changes: DeltaChange[] = [];
    for (const item of pending.values()) {
      if (item.deleted) {
        changes.push({ kind: 'delete', anchor: item.anchor! });
        continue;
      }
      const entry = item.anchor !== undefined ? await this.find(type, item.anchor) : await this.readInScope(type, item.dn!);
      if (entry) changes.push({ kind: 'upsert', object: type.toTargetObject(entry) });
      else if (item.anchor !== undefined) changes.push({ kind: 'delete', anchor: item.anchor });
    }
    const last = records[records.length - 1];
    const watermark = this.source.kind === 'accesslog' ? `accesslog:${last?.position ?? ''}` : `changelog:${last?.position ?? '0'}`;
    return { changes, watermark };
  }

  private async readInScope(type: BoundObjectType, dn: string): Promise<Entry | undefined> {
    if (!isUnder(dn, type.base)) return undefined;
    try {
      const { searchEntries } = await this.pool.use(`reading ${dn}`, (client) =>
        client.search(dn, { ...this.searchOptions(type, this.typeFilter(type)), scope: 'base' }),
      );
      return searchEntries[0];
    } catch (error) {
      if (error instanceof ConnectorError && error.reason === 'notFound') return undefined;
      throw error;
    }
  }

  private async *timestampChanges(type: BoundObjectType, rest: string, pageSize: number, signal?: AbortSignal): AsyncIterable<DeltaPage> {
    const at = rest.lastIndexOf('@');
    const since = at < 0 ? rest : rest.slice(0, at);
    const fullImportAt = at < 0 ? String(Date.now()) : rest.slice(at + 1);
    if (!generalizedTimeToIso(since)) throw new ConnectorError('invalidValue', `watermark time "${since}" is not a generalized time: run a full import`);
    const next = `timestamp:${await this.serverTimeMinusMargin()}@${fullImportAt}`;
    const search = this.searchOptions(type, all(this.typeFilter(type), atLeast('modifyTimestamp', since)), pageSize);
    let held: DeltaChange[] | undefined;
    for await (const page of this.pool.stream(`searching ${type.base}`, (client) => client.searchPaginated(type.base, search))) {
      signal?.throwIfAborted();
      if (held) yield { changes: held, watermark: `timestamp:${rest}` };
      held = page.searchEntries.map((e) => ({ kind: 'upsert' as const, object: type.toTargetObject(e) }));
    }
    yield { changes: held ?? [], watermark: next };
  }

  private async lastChangeNumber(): Promise<number> {
    const { searchEntries } = await this.pool.use('reading the root DSE', (client) =>
      client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['lastchangenumber'] }),
    );
    const raw = Object.entries(searchEntries[0] ?? {}).find(([k]) => k.toLowerCase() === 'lastchangenumber')?.[1];
    const n = Number(Array.isArray(raw) ? raw[0] : raw);
    return Number.isSafeInteger(n) ? n : 0;
  }

  /** The server's clock (root DSE `currentTime`, where published) or ours, less the margin. */
  private async serverTimeMinusMargin(): Promise<string> {
    let now = Date.now();
    try {
      const { searchEntries } = await this.pool.use('reading the root DSE', (client) =>
        client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['currentTime'] }),
      );
      const raw = Object.entries(searchEntries[0] ?? {}).find(([k]) => k.toLowerCase() === 'currenttime')?.[1];
      const iso = generalizedTimeToIso(String(Array.isArray(raw) ? raw[0] : raw ?? ''));
      if (iso) now = Date.parse(iso);
    } catch {
      // our clock, then
    }
    return isoToGeneralizedTime(new Date(now - TIME_MARGIN_MS).toISOString())!;
  }
}

function splitWatermark(watermark: string): [string, string] {
  const i = watermark.indexOf(':');
  return i < 0 ? ['', watermark] : [watermark.slice(0, i), watermark.slice(i + 1)];
}

function text(entry: Entry, name: string): string | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  if (!key) return undefined;
  const value = entry[key];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : String(first);
}

function newDnOf(dn: string, newRdn: string | undefined, newSuperior: string | undefined): string | undefined {
  if (!newRdn) return undefined;
  try {
    const parent = newSuperior ?? formatDn(parseDn(dn).slice(1));
    return parent ? `${newRdn},${parent}` : newRdn;
  } catch {
    return undefined;
  }
}

function fromAccesslog(entry: Entry): LogRecord | undefined {
  const position = text(entry, 'reqStart');
  const type = text(entry, 'reqType')?.toLowerCase();
  const dn = text(entry, 'reqDN');
  if (!position || !dn || !type || !['add', 'modify', 'delete', 'modrdn'].includes(type)) return undefined;
  const newDn = type === 'modrdn' ? newDnOf(dn, text(entry, 'reqNewRDN'), text(entry, 'reqNewSuperior')) : undefined;
  const uniqueId = text(entry, 'reqEntryUUID');
  return { position, type: type as LogRecord['type'], dn, ...(newDn ? { newDn } : {}), ...(uniqueId ? { uniqueId } : {}) };
}

function fromChangelog(entry: Entry): LogRecord | undefined {
  const position = text(entry, 'changeNumber');
  const type = text(entry, 'changeType')?.toLowerCase();
  const dn = text(entry, 'targetDn');
  if (!position || !dn || !type || !['add', 'modify', 'delete', 'modrdn'].includes(type)) return undefined;
  const newDn = type === 'modrdn' ? newDnOf(dn, text(entry, 'newRDN'), text(entry, 'newSuperior')) : undefined;
  const uniqueId = text(entry, 'targetUniqueId');
  return { position, type: type as LogRecord['type'], dn, ...(newDn ? { newDn } : {}), ...(uniqueId ? { uniqueId } : {}) };
}
