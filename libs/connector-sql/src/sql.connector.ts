import {
  AttributeDelta,
  AttributeValue,
  Connector,
  ConnectorCapabilities,
  ConnectorContext,
  ConnectorError,
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
import { createSqlClient, QueryResult, Row, SqlClient } from './sql-client';
import { classifySqlError } from './sql-errors';
import { parseConnectionSettings, parseTargetSettings, SqlConnectionSettings, SqlTargetSettings } from './sql-settings';
import { SqlStatement, TableName, writesReturnRows } from './sql-statements';
import { traceStatement } from './sql-tracing';
import { BoundColumn, BoundTable, bindTable, databaseFills, toTargetObject } from './sql-table';
import { DbValue, toDbValue, watermarkParam, watermarkText } from './sql-values';

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
    for (const binding of context.objectTypes) {
      this.objectTypes.set(binding.name, { binding, target: parseTargetSettings(binding.name, binding.target) });
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
      const bound = await this.table(name, true);
      await this.run(bound.statements.selectNothing());
    }
  }

  async discoverSchema(): Promise<TargetSchema> {
    const objectTypes = [];
    for (const name of this.objectTypes.keys()) objectTypes.push((await this.table(name, true)).schema);
    return { objectTypes };
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
      const page: ImportPage = { objects: pageRows.map((row) => toTargetObject(bound, row)) };
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
      const changes = pageRows.map((row) => ({ kind: 'upsert' as const, object: toTargetObject(bound, row) }));
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
    return rows[0] ? toTargetObject(bound, rows[0]) : null;
  }

  /** `password` (export_password) has no column in a SQL target: it is ignored and never logged. */
  async export(change: ExportChange): Promise<ExportResult> {
    const bound = await this.table(change.objectType);
    switch (change.kind) {
      case 'add':
        return this.add(bound, change.attributes, change.dn);
      case 'update':
        return this.update(bound, change.anchor, change.dn, this.columnValues(bound, change.deltas));
      case 'rename': {
        if (!bound.dnColumn) {
          throw new ConnectorError('unsupported', `object type ${change.objectType} has an autogenerated DN: it cannot be renamed`);
        }
        const values = this.columnValues(bound, change.deltas);
        values.set(bound.dnColumn.column.name, this.dbValue(bound.dnColumn, change.newDn));
        return this.update(bound, change.anchor, change.newDn, values);
      }
      case 'delete': {
        const key = this.anchorParam(bound, change.anchor);
        const result = key === undefined ? undefined : await this.run(bound.statements.delete(key));
        if (!result || result.affectedRows === 0) throw notFound(bound, change.anchor);
        return { anchor: change.anchor, dn: change.dn };
      }
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
    for (const [name, list] of Object.entries(attributes)) {
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

    const result = await this.run(bound.statements.insert([...values.entries()]));
    let row: Row | undefined;
    if (writesReturnRows(this.settings.dialect)) {
      row = result.rows[0];
    } else {
      const key = anchorValue ?? (result.insertId as DbValue | undefined);
      if (key !== undefined && key !== null) row = (await this.run(bound.statements.selectByAnchor(key))).rows[0];
    }
    if (!row) throw new ConnectorError('unavailable', `the row added to ${bound.table.name} could not be read back`);
    const object = toTargetObject(bound, row);
    return { anchor: object.anchor, dn: object.dn, attributes: object.attributes };
  }

  private async update(bound: BoundTable, anchor: string, dn: string, values: Map<string, DbValue>): Promise<ExportResult> {
    const key = this.anchorParam(bound, anchor);
    if (key === undefined) throw notFound(bound, anchor);
    let row: Row | undefined;
    if (values.size === 0) {
      row = (await this.run(bound.statements.selectByAnchor(key))).rows[0];
    } else {
      const result = await this.run(bound.statements.update([...values.entries()], key));
      if (writesReturnRows(this.settings.dialect)) {
        row = result.rows[0];
      } else if (result.affectedRows > 0) {
        // The update may have changed the anchor itself.
        const newKey = values.get(bound.anchor.column.name) ?? key;
        row = (await this.run(bound.statements.selectByAnchor(newKey))).rows[0];
        if (!row) return { anchor, dn };
      }
    }
    if (!row) throw notFound(bound, anchor);
    const object = toTargetObject(bound, row);
    return { anchor: object.anchor, dn: object.dn, attributes: object.attributes };
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

  private run(statement: SqlStatement): Promise<QueryResult> {
    return traceStatement(this.settings.dialect, statement.text, async () => {
      try {
        return await this.connection().query(statement);
      } catch (error) {
        throw classifySqlError(this.settings.dialect, error);
      }
    });
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
    const { table, columns } = await this.readCatalog(target.table);
    return bindTable(this.settings.dialect, binding, target, table, columns);
  }

  private async readCatalog(tableName: string): Promise<{ table: TableName; columns: ColumnInfo[] }> {
    const dialect = this.settings.dialect;
    const notFound = (): ConnectorError =>
      new ConnectorError('schemaViolation', `table "${tableName}" was not found in the ${dialect} database`);
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

