import {
  AttributeDelta,
  AttributeValue,
  Connector,
  ConnectorCapabilities,
  ConnectorContext,
  ConnectorError,
  type ObjectTypeProblem,
  DeltaPage,
  ExportChange,
  ExportResult,
  ImportOptions,
  ImportPage,
  ObjectTypeBinding,
  TargetObject,
  TargetSchema,
} from '@connector-host/connector-sdk';
import { catalogQuery, CatalogRow, ColumnInfo, columnFromCatalog, columnsFromSqlite, SqliteColumnRow } from './sql-columns';
import { createSqlClient, Query, QueryResult, Row, SqlClient } from './sql-client';
import { bindMembership, BoundMembership } from './sql-membership';
import { classifySqlError } from './sql-errors';
import { parseConnectionSettings, parseTargetSettings, SqlConnectionSettings, SqlTargetSettings } from './sql-settings';
import { SqlStatement, TableName, writesReturnRows } from './sql-statements';
import { traceStatement } from './sql-tracing';
import { BoundColumn, BoundTable, bindTable, databaseFills, toTargetObject } from './sql-table';
import { DbValue, keyText, toDbValue, watermarkParam, watermarkText } from './sql-values';

/** Runs one statement: on the pool, or on a transaction's connection. */
type Run = (statement: SqlStatement) => Promise<QueryResult>;

/** The net effect of an update's deltas on a members attribute, in the member column's values. */
interface MembershipChange {
  /** `replace`: every current membership row goes first. */
  replaceAll: boolean;
  adds: DbValue[];
  removes: DbValue[];
}

interface ObjectTypeSettings {
  binding: ObjectTypeBinding;
  target: SqlTargetSettings;
}

/**
 * A table (or view) per object type. Columns come from the database's catalog; values are always
 * bound parameters and identifiers only ever come from that catalog.
 */
export class SqlConnector implements Connector {
  readonly type = 'sql';
  readonly capabilities: ConnectorCapabilities;
  private readonly settings: SqlConnectionSettings;
  private readonly objectTypes = new Map<string, ObjectTypeSettings>();
  private readonly tables = new Map<string, Promise<BoundTable>>();
  private client?: SqlClient;

  constructor(private readonly context: ConnectorContext) {
    this.settings = parseConnectionSettings(context.connection);
    const names = context.objectTypes.map((binding) => binding.name);
    for (const binding of context.objectTypes) {
      this.objectTypes.set(binding.name, { binding, target: parseTargetSettings(binding.name, binding.target, names) });
    }
    const all = [...this.objectTypes.values()];
    this.capabilities = {
      fullImport: true,
      deltaImport: all.some((o) => o.target.watermarkColumn !== undefined),
      rename: all.some((o) => o.binding.dn.kind === 'attribute'),
    };
  }

  async test(): Promise<void> {
    for (const name of this.objectTypes.keys()) {
      // a missing table is that object type's configuration problem, which discoverSchema reports
      const bound = await this.table(name, true).catch(unlessConfiguration);
      if (!bound) continue;
      await this.run(bound.statements.selectNothing());
      if (bound.members) await this.run(bound.members.statements.selectNothing());
    }
  }

  async discoverSchema(): Promise<TargetSchema> {
    const objectTypes = [];
    const unavailable: ObjectTypeProblem[] = [];
    for (const name of this.objectTypes.keys()) {
      try {
        objectTypes.push((await this.table(name, true)).schema);
      } catch (error) {
        if (!(error instanceof ConnectorError && error.reason === 'configuration')) throw error;
        unavailable.push({ objectType: name, problem: error.message });
      }
    }
    return { objectTypes, ...(unavailable.length ? { unavailable } : {}) };
  }

  async *fullImport(objectType: string, options: ImportOptions): AsyncIterable<ImportPage> {
    const bound = await this.table(objectType);
    const limit = pageSizeOf(options);
    // The watermark is read before the first page: a row changed while the pages are read is
    // newer than it, so the next delta import still sees that change.
    let watermark: string | undefined;
    if (bound.watermark) {
      const { rows } = await this.run(bound.statements.selectMaxWatermark());
      const max = rows[0]?.watermark;
      watermark = max === null || max === undefined ? '' : watermarkText(max);
    }
    let after: DbValue | undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      const { rows } = await this.run(bound.statements.selectPage(after, limit + 1));
      const more = rows.length > limit;
      const pageRows = more ? rows.slice(0, limit) : rows;
      const page: ImportPage = { objects: await this.withMembers(bound, pageRows.map((row) => toTargetObject(bound, row))) };
      if (!more) {
        if (watermark !== undefined) page.watermark = watermark;
        yield page;
        return;
      }
      yield page;
      after = pageRows[pageRows.length - 1]?.[bound.anchor.column.name] as DbValue;
    }
  }

  async *deltaImport(objectType: string, watermark: string, options: ImportOptions): AsyncIterable<DeltaPage> {
    const bound = await this.table(objectType);
    const column = bound.watermark?.column;
    if (!column) {
      throw new ConnectorError('unsupported', `object type ${objectType} has no watermarkColumn: delta import is not possible`);
    }
    const limit = pageSizeOf(options);
    let since: { watermark: DbValue; anchor?: DbValue } | undefined =
      watermark === '' ? undefined : { watermark: watermarkParam(this.settings.dialect, column.type, watermark) };
    let resumeFrom = watermark;
    for (;;) {
      options.signal?.throwIfAborted();
      const { rows } = await this.run(bound.statements.selectDelta(since, limit + 1));
      const more = rows.length > limit;
      const pageRows = more ? rows.slice(0, limit) : rows;
      const objects = await this.withMembers(bound, pageRows.map((row) => toTargetObject(bound, row)));
      const changes = objects.map((object) => ({ kind: 'upsert' as const, object }));
      const last = pageRows[pageRows.length - 1];
      if (!more || !last) {
        yield { changes, watermark: last ? watermarkText(last[column.name]) : resumeFrom };
        return;
      }
      // Resuming from this page's last watermark would skip unread rows sharing it: resume from
      // the last watermark strictly below the next unread row's (those rows come again, harmlessly).
      const next = watermarkText(rows[limit]?.[column.name]);
      for (let i = pageRows.length - 1; i >= 0; i--) {
        const text = watermarkText(pageRows[i]?.[column.name]);
        if (text !== next) {
          resumeFrom = text;
          break;
        }
      }
      yield { changes, watermark: resumeFrom };
      since = { watermark: last[column.name] as DbValue, anchor: last[bound.anchor.column.name] as DbValue };
    }
  }

  async get(objectType: string, anchor: string): Promise<TargetObject | null> {
    const bound = await this.table(objectType);
    const key = this.anchorParam(bound, anchor);
    if (key === undefined) return null;
    const { rows } = await this.run(bound.statements.selectByAnchor(key));
    if (!rows[0]) return null;
    return (await this.withMembers(bound, [toTargetObject(bound, rows[0])]))[0] ?? null;
  }

  /** `password` (export_password) has no column in a SQL target: it is ignored and never logged. */
  async export(change: ExportChange): Promise<ExportResult> {
    const bound = await this.table(change.objectType);
    switch (change.kind) {
      case 'add':
        return this.add(bound, change.attributes, change.dn);
      case 'update':
        return this.update(bound, change.anchor, change.dn, change.deltas);
      case 'rename': {
        if (!bound.dnColumn) {
          throw new ConnectorError('unsupported', `object type ${change.objectType} has an autogenerated DN: it cannot be renamed`);
        }
        return this.update(bound, change.anchor, change.newDn, change.deltas, this.dbValue(bound.dnColumn, change.newDn));
      }
      case 'delete':
        return this.delete(bound, change.anchor, change.dn);
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.tables.clear();
    await client?.close();
  }

  private async add(bound: BoundTable, attributes: Record<string, AttributeValue[]>, dn: string | undefined): Promise<ExportResult> {
    const values = new Map<string, DbValue>();
    const members = bound.members;
    let memberValues: DbValue[] = [];
    for (const [name, list] of Object.entries(attributes)) {
      if (members && name.toLowerCase() === members.attribute.toLowerCase()) {
        memberValues = this.memberValues(members, list);
        continue;
      }
      const target = this.writable(bound, name);
      if (list.length > 1) throw tooManyValues(name);
      if (list.length === 1) values.set(target.column.name, this.dbValue(target, list[0] as AttributeValue));
    }
    if (bound.dnColumn && dn && !values.has(bound.dnColumn.column.name)) {
      values.set(bound.dnColumn.column.name, this.dbValue(bound.dnColumn, dn));
    }
    const anchorColumn = bound.anchor.column;
    const anchorValue = values.get(anchorColumn.name);
    if (anchorValue === undefined || anchorValue === null) {
      if (!databaseFills(anchorColumn)) {
        throw new ConnectorError('constraintViolation', `an add needs a value for the anchor "${bound.anchor.attribute}"`);
      }
      if (!writesReturnRows(this.settings.dialect) && !anchorColumn.autoIncrement) {
        throw new ConnectorError(
          'unsupported',
          `${this.settings.dialect} cannot read back the anchor "${bound.anchor.attribute}" its default fills: give it a value or make it AUTO_INCREMENT`,
        );
      }
    }

    const insert = async (run: Run): Promise<TargetObject> => {
      const result = await run(bound.statements.insert([...values.entries()]));
      let row: Row | undefined;
      if (writesReturnRows(this.settings.dialect)) {
        row = result.rows[0];
      } else {
        const key = anchorValue ?? (result.insertId as DbValue | undefined);
        if (key !== undefined && key !== null) row = (await run(bound.statements.selectByAnchor(key))).rows[0];
      }
      if (!row) throw new ConnectorError('unavailable', `the row added to ${bound.table.name} could not be read back`);
      const object = toTargetObject(bound, row);
      if (!members) return object;
      // The group row and its membership rows: one transaction, so a refused member adds nothing.
      const group = this.groupKey(members, object.anchor);
      for (const statement of members.statements.insert(group, memberValues)) await run(statement);
      return (await this.withMembers(bound, [object], run))[0] as TargetObject;
    };
    const object = members ? await this.transaction(insert) : await insert((statement) => this.run(statement));
    return { anchor: object.anchor, dn: object.dn, attributes: object.attributes };
  }

  /**
   * Column deltas as one UPDATE; membership deltas as one statement per kind (see membershipChange).
   * When either touches a membership table, everything runs in one transaction.
   */
  private async update(bound: BoundTable, anchor: string, dn: string, deltas: AttributeDelta[], newDn?: DbValue): Promise<ExportResult> {
    const members = bound.members;
    const membersName = members?.attribute.toLowerCase();
    const memberDeltas = members ? deltas.filter((d) => d.attribute.toLowerCase() === membersName) : [];
    const values = this.columnValues(bound, members ? deltas.filter((d) => d.attribute.toLowerCase() !== membersName) : deltas);
    if (newDn !== undefined && bound.dnColumn) values.set(bound.dnColumn.column.name, newDn);
    const change = members && memberDeltas.length > 0 ? this.membershipChange(members, memberDeltas) : undefined;
    const key = this.anchorParam(bound, anchor);
    if (key === undefined) throw notFound(bound, anchor);

    // An anchor that changes takes its membership rows along (unless an ON UPDATE CASCADE already did).
    const newAnchor = values.get(bound.anchor.column.name);
    const anchorMoves = newAnchor !== undefined && newAnchor !== null && keyText(newAnchor) !== keyText(key);
    const referencing = anchorMoves ? await this.referencingMemberships(bound.binding.name) : [];
    const inTransaction = change !== undefined || (anchorMoves && (members !== undefined || referencing.length > 0));

    const apply = async (run: Run): Promise<ExportResult> => {
      let row: Row | undefined;
      if (values.size === 0) {
        row = (await run(bound.statements.selectByAnchor(key))).rows[0];
      } else {
        const result = await run(bound.statements.update([...values.entries()], key));
        if (writesReturnRows(this.settings.dialect)) {
          row = result.rows[0];
        } else if (result.affectedRows > 0) {
          // The update may have changed the anchor itself.
          row = (await run(bound.statements.selectByAnchor(newAnchor ?? key))).rows[0];
          if (!row && !inTransaction) return { anchor, dn };
        }
      }
      if (!row) throw notFound(bound, anchor);
      const object = toTargetObject(bound, row);
      if (anchorMoves) {
        if (members) await run(members.statements.renameGroup(this.groupKey(members, anchor), this.groupKey(members, object.anchor)));
        for (const m of referencing) {
          const from = this.optionalKey(m.memberColumn, anchor);
          if (from !== undefined) await run(m.statements.renameMember(from, this.memberKey(m, object.anchor)));
        }
      }
      if (members && change) {
        const group = this.groupKey(members, object.anchor);
        if (change.replaceAll) await run(members.statements.deleteGroup(group));
        else for (const statement of members.statements.delete(group, change.removes)) await run(statement);
        for (const statement of members.statements.insert(group, change.adds)) await run(statement);
        // Reading a large group back on every PATCH costs more than it tells: when only members
        // changed, the host applies the same (idempotent) deltas to the object it has.
        if (values.size === 0) return { anchor: object.anchor, dn: object.dn };
      }
      const [read] = members ? await this.withMembers(bound, [object], run) : [object];
      return { anchor: object.anchor, dn: object.dn, attributes: (read ?? object).attributes };
    };
    return inTransaction ? this.transaction(apply) : apply((statement) => this.run(statement));
  }

  /** Deletes the row; first, in the same transaction, every membership row naming it (as a group or as a member). */
  private async delete(bound: BoundTable, anchor: string, dn: string): Promise<ExportResult> {
    const key = this.anchorParam(bound, anchor);
    if (key === undefined) throw notFound(bound, anchor);
    const referencing = await this.referencingMemberships(bound.binding.name);
    const members = bound.members;
    const remove = async (run: Run): Promise<ExportResult> => {
      for (const m of referencing) {
        const member = this.optionalKey(m.memberColumn, anchor);
        if (member !== undefined) await run(m.statements.deleteMember(member));
      }
      if (members) await run(members.statements.deleteGroup(this.groupKey(members, anchor)));
      const result = await run(bound.statements.delete(key));
      // Thrown inside the transaction: the membership rows stay too.
      if (result.affectedRows === 0) throw notFound(bound, anchor);
      return { anchor, dn };
    };
    return members || referencing.length > 0 ? this.transaction(remove) : remove((statement) => this.run(statement));
  }

  /**
   * The net effect of the deltas, applied in order: `replace` empties the group and sets these
   * members; `add` and `remove` cancel each other. Duplicates go; an absent removal or a present
   * add is no error, as the statements skip them.
   */
  private membershipChange(members: BoundMembership, deltas: AttributeDelta[]): MembershipChange {
    let replaceAll = false;
    const adds = new Map<string, DbValue>();
    const removes = new Map<string, DbValue>();
    for (const delta of deltas) {
      const values = this.memberValues(members, delta.values);
      if (delta.op === 'replace') {
        replaceAll = true;
        adds.clear();
        removes.clear();
      }
      for (const value of values) {
        const id = this.memberIdentity(members, value);
        if (delta.op === 'remove') {
          adds.delete(id);
          if (!replaceAll) removes.set(id, value);
        } else {
          removes.delete(id);
          adds.set(id, value);
        }
      }
    }
    return { replaceAll, adds: [...adds.values()], removes: [...removes.values()] };
  }

  /** Member anchors as the member column's values, duplicates dropped; a value it cannot hold is invalidValue. */
  private memberValues(members: BoundMembership, values: AttributeValue[]): DbValue[] {
    const unique = new Map<string, DbValue>();
    for (const value of values) {
      const db = this.memberKey(members, String(value));
      const id = this.memberIdentity(members, db);
      if (!unique.has(id)) unique.set(id, db);
    }
    return [...unique.values()];
  }

  /**
   * How the database tells members apart: case-insensitively where the column's collation says so
   * (MySQL, SQL Server), so that `Ada` and `ada` do not both go into one INSERT.
   */
  private memberIdentity(members: BoundMembership, value: DbValue): string {
    const text = keyText(value);
    const folds = !members.memberColumn.caseExact && (this.settings.dialect === 'mysql' || this.settings.dialect === 'mariadb' || this.settings.dialect === 'mssql');
    return folds ? text.toLowerCase() : text;
  }

  private memberKey(members: BoundMembership, anchor: string): DbValue {
    return toDbValue(this.settings.dialect, members.memberColumn.type, members.attribute, anchor);
  }

  private groupKey(members: BoundMembership, anchor: string): DbValue {
    return toDbValue(this.settings.dialect, members.groupColumn.type, members.attribute, anchor);
  }

  /** The anchor as a value of the column, or undefined when the column cannot hold it (then no row names it). */
  private optionalKey(column: BoundMembership['memberColumn'], anchor: string): DbValue | undefined {
    try {
      return toDbValue(this.settings.dialect, column.type, column.name, anchor);
    } catch {
      return undefined;
    }
  }

  /** The membership tables whose member column may hold this object type's anchors. */
  private async referencingMemberships(objectType: string): Promise<BoundMembership[]> {
    const out: BoundMembership[] = [];
    for (const [name, { target }] of this.objectTypes) {
      if (!target.members) continue;
      const referenceTo = target.members.referenceTo ?? [...this.objectTypes.keys()];
      if (!referenceTo.includes(objectType)) continue;
      const members = (await this.table(name)).members;
      if (members) out.push(members);
    }
    return out;
  }

  /**
   * Adds the members attribute to objects of a group type: one query per page of groups (split
   * only at the dialect's parameter limit), never one per group.
   */
  private async withMembers(bound: BoundTable, objects: TargetObject[], run: Run = (s) => this.run(s)): Promise<TargetObject[]> {
    const members = bound.members;
    if (!members || objects.length === 0) return objects;
    const keys: DbValue[] = [];
    for (const object of objects) {
      const key = this.optionalKey(members.groupColumn, object.anchor);
      if (key !== undefined) keys.push(key);
    }
    const byGroup = new Map<string, string[]>();
    for (const statement of members.statements.selectMembers(keys)) {
      for (const row of (await run(statement)).rows) {
        const group = keyText(row[members.groupColumn.name]);
        let list = byGroup.get(group);
        if (!list) byGroup.set(group, (list = []));
        list.push(keyText(row[members.memberColumn.name]));
      }
    }
    // A case-insensitive collation (or SQL Server's upper-case GUIDs) may match a group spelled otherwise.
    let folded: Map<string, string[]> | undefined;
    const find = (anchor: string): string[] => {
      const exact = byGroup.get(anchor);
      if (exact) return exact;
      if (!folded) {
        folded = new Map();
        for (const [group, list] of byGroup) folded.set(group.toLowerCase(), [...(folded.get(group.toLowerCase()) ?? []), ...list]);
      }
      return folded.get(anchor.toLowerCase()) ?? [];
    };
    return objects.map((object) => ({ ...object, attributes: { ...object.attributes, [members.attribute]: find(object.anchor) } }));
  }

  /** Attribute deltas to column values. Single-valued columns only: add/replace set, remove clears. */
  private columnValues(bound: BoundTable, deltas: AttributeDelta[]): Map<string, DbValue> {
    const values = new Map<string, DbValue>();
    for (const delta of deltas) {
      const target = this.writable(bound, delta.attribute);
      if (delta.values.length > 1) throw tooManyValues(delta.attribute);
      const value = delta.values[0];
      if (delta.op === 'remove') {
        values.set(target.column.name, null);
      } else if (value !== undefined) {
        values.set(target.column.name, this.dbValue(target, value));
      } else if (delta.op === 'replace') {
        values.set(target.column.name, null);
      }
    }
    return values;
  }

  private writable(bound: BoundTable, name: string): BoundColumn {
    const target = bound.attribute(name);
    if (!target) {
      throw new ConnectorError('schemaViolation', `attribute "${name}" is not a column of ${bound.table.name} (object type ${bound.binding.name})`);
    }
    if (target.column.autoIncrement || target.column.computed) {
      throw new ConnectorError('schemaViolation', `attribute "${name}" is read-only: the database computes it`);
    }
    return target;
  }

  private dbValue(target: BoundColumn, value: AttributeValue): DbValue {
    return toDbValue(this.settings.dialect, target.column.type, target.attribute, value);
  }

  /** The anchor as a parameter; undefined when it cannot be one (then no such row can exist). */
  private anchorParam(bound: BoundTable, anchor: string): DbValue | undefined {
    try {
      return this.dbValue(bound.anchor, anchor);
    } catch {
      return undefined;
    }
  }

  private run(statement: SqlStatement, query: Query = (s) => this.connection().query(s)): Promise<QueryResult> {
    return traceStatement(this.settings.dialect, statement.text, async () => {
      try {
        return await query(statement);
      } catch (error) {
        throw classifySqlError(this.settings.dialect, error);
      }
    });
  }

  /**
   * Runs `work` in one transaction; BEGIN and COMMIT failures are classified like any statement's.
   * Inside `work`, statements go through the `run` it gets, never `this.run` (on SQLite that would
   * wait for the very transaction it is in): look tables up before.
   */
  private async transaction<T>(work: (run: Run) => Promise<T>): Promise<T> {
    try {
      return await this.connection().transaction((query) => work((statement) => this.run(statement, query)));
    } catch (error) {
      throw classifySqlError(this.settings.dialect, error);
    }
  }

  private connection(): SqlClient {
    this.client ??= createSqlClient(this.settings, this.context.logger);
    return this.client;
  }

  /** The object type's table, discovered once (again when `refresh`); a failed discovery is retried. */
  private table(objectType: string, refresh = false): Promise<BoundTable> {
    const settings = this.objectTypes.get(objectType);
    if (!settings) return Promise.reject(new ConnectorError('schemaViolation', `unknown object type ${objectType}`));
    let bound = refresh ? undefined : this.tables.get(objectType);
    if (!bound) {
      bound = this.discover(settings);
      this.tables.set(objectType, bound);
      bound.catch(() => {
        if (this.tables.get(objectType) === bound) this.tables.delete(objectType);
      });
    }
    return bound;
  }

  private async discover({ binding, target }: ObjectTypeSettings): Promise<BoundTable> {
    const { table, columns } = await this.readCatalog(target.table, `objectTypes.${binding.name}.target.table`);
    let members: BoundMembership | undefined;
    if (target.members) {
      const catalog = await this.readCatalog(target.members.table, `objectTypes.${binding.name}.target.members.table`);
      const referenceTo = target.members.referenceTo ?? [...this.objectTypes.keys()];
      members = bindMembership(this.settings.dialect, binding.name, target.members, referenceTo, catalog.table, catalog.columns);
    }
    return bindTable(this.settings.dialect, binding, target, table, columns, members);
  }

  private async readCatalog(tableName: string, key?: string): Promise<{ table: TableName; columns: ColumnInfo[] }> {
    const dialect = this.settings.dialect;
    // the database answers but lacks the table: that object type's configuration problem, not an outage
    const notFound = (): ConnectorError =>
      new ConnectorError(
        'configuration',
        `configuration problem: table "${tableName}"${key ? ` (${key})` : ''} was not found in the ${dialect} database: create it${key ? `, or set ${key} to an existing table` : ''}; the connector's other object types are served meanwhile`,
      );
    if (dialect === 'sqlite') {
      const { rows } = await this.run({
        text: "SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'view') AND lower(name) = lower(?)",
        params: [{ value: tableName }],
      });
      const found = rows.find((r) => r.name === tableName) ?? (rows.length === 1 ? rows[0] : undefined);
      if (!found) throw notFound();
      const name = String(found.name);
      const info = await this.run({ text: 'SELECT * FROM pragma_table_xinfo(?)', params: [{ value: name }] });
      const withoutRowid = /\bWITHOUT\s+ROWID\b/i.test(String(found.sql ?? ''));
      return { table: { name }, columns: columnsFromSqlite(info.rows as unknown as SqliteColumnRow[], withoutRowid) };
    }
    const params =
      dialect === 'mysql' || dialect === 'mariadb'
        ? [{ value: tableName }]
        : [{ value: this.settings.schema ?? null }, { value: tableName }];
    const { rows } = await this.run({ text: catalogQuery(dialect), params });
    const names = [...new Set(rows.map((r) => String(r.table_name)))];
    const name = names.includes(tableName) ? tableName : names.length === 1 ? names[0] : undefined;
    if (!name) throw notFound();
    const columns = (rows as CatalogRow[]).filter((r) => String(r.table_name) === name).map((r) => columnFromCatalog(dialect, r));
    return { table: { schema: this.settings.schema, name }, columns };
  }
}

function pageSizeOf(options: ImportOptions): number {
  const size = Math.floor(options.pageSize);
  if (!Number.isSafeInteger(size) || size < 1) throw new ConnectorError('invalidValue', `page size must be a positive integer`);
  return size;
}

function notFound(bound: BoundTable, anchor: string): ConnectorError {
  return new ConnectorError('notFound', `no ${bound.binding.name} with ${bound.anchor.attribute} "${anchor}" in ${bound.table.name}`);
}

function tooManyValues(attribute: string): ConnectorError {
  return new ConnectorError('invalidValue', `attribute "${attribute}" is single-valued: give it at most one value`);
}

/** Swallows an object type's configuration problem (reported by discoverSchema); rethrows anything else. */
function unlessConfiguration(error: unknown): undefined {
  if (error instanceof ConnectorError && error.reason === 'configuration') return undefined;
  throw error;
}
