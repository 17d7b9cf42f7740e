import type { ColumnInfo } from './sql-columns';
import type { SqlDialect } from './sql-settings';
import type { DbValue } from './sql-values';

export interface SqlParam {
  value: DbValue;
  /** SQL type of the column the value is compared with or stored in (SQL Server types its parameters). */
  sqlType?: string;
}

export interface SqlStatement {
  text: string;
  params: SqlParam[];
}

export interface TableName {
  schema?: string;
  name: string;
}

/** Quotes an identifier for the dialect. Identifiers only ever come from the discovered catalog. */
export function quoteIdentifier(dialect: SqlDialect, name: string): string {
  switch (dialect) {
    case 'mysql':
    case 'mariadb':
      return `\`${name.replace(/`/g, '``')}\``;
    case 'mssql':
      return `[${name.replace(/]/g, ']]')}]`;
    default:
      return `"${name.replace(/"/g, '""')}"`;
  }
}

export function placeholder(dialect: SqlDialect, position: number): string {
  switch (dialect) {
    case 'postgres':
      return `$${position}`;
    case 'mssql':
      return `@p${position}`;
    default:
      return '?';
  }
}

/** Whether INSERT / UPDATE hand the written row back (RETURNING; SQL Server: OUTPUT INTO + SELECT); MySQL re-selects. */
export function writesReturnRows(dialect: SqlDialect): boolean {
  return dialect !== 'mysql' && dialect !== 'mariadb';
}

/**
 * The SQL text of every statement the connector sends for one table. Values are always bound
 * parameters; the page size is inlined after a check that it is a positive integer.
 */
export class SqlStatements {
  private readonly table: string;
  private readonly selectList: string;

  constructor(
    private readonly dialect: SqlDialect,
    table: TableName,
    private readonly columns: ReadonlyMap<string, ColumnInfo>,
    /** Columns every read returns. */
    private readonly readColumns: readonly string[],
    private readonly anchor: string,
    private readonly watermark?: string,
  ) {
    for (const name of [...readColumns, anchor, ...(watermark ? [watermark] : [])]) {
      if (!columns.has(name)) throw new Error(`column ${name} is not in the table`);
    }
    this.table = (table.schema ? `${this.q(table.schema)}.` : '') + this.q(table.name);
    this.selectList = readColumns.map((c) => this.q(c)).join(', ');
  }

  /** One page of a full import, in anchor order, after the anchor `after` when given. */
  selectPage(after: DbValue | undefined, limit: number): SqlStatement {
    const params: SqlParam[] = [];
    let where = '';
    if (after !== undefined) where = ` WHERE ${this.q(this.anchor)} > ${this.bind(params, this.anchor, after)}`;
    return { text: `SELECT ${this.selectList} FROM ${this.table}${where} ORDER BY ${this.q(this.anchor)}${this.limit(limit)}`, params };
  }

  selectByAnchor(anchor: DbValue): SqlStatement {
    const params: SqlParam[] = [];
    const where = `${this.q(this.anchor)} = ${this.bind(params, this.anchor, anchor)}`;
    return { text: `SELECT ${this.selectList} FROM ${this.table} WHERE ${where}`, params };
  }

  /** Reads nothing but proves the table and every column are there and readable. */
  selectNothing(): SqlStatement {
    return { text: `SELECT ${this.selectList} FROM ${this.table} WHERE 1 = 0`, params: [] };
  }

  selectMaxWatermark(): SqlStatement {
    return { text: `SELECT MAX(${this.q(this.requireWatermark())}) AS ${this.q('watermark')} FROM ${this.table}`, params: [] };
  }

  /**
   * One page of a delta import in (watermark, anchor) order: every row with a watermark when
   * `since` is undefined, rows after `since.watermark`, or after the (watermark, anchor) pair.
   */
  selectDelta(since: { watermark: DbValue; anchor?: DbValue } | undefined, limit: number): SqlStatement {
    const w = this.q(this.requireWatermark());
    const a = this.q(this.anchor);
    const params: SqlParam[] = [];
    let where: string;
    if (since === undefined) {
      where = `${w} IS NOT NULL`;
    } else if (since.anchor === undefined) {
      where = `${w} > ${this.bind(params, this.requireWatermark(), since.watermark)}`;
    } else {
      const after = this.bind(params, this.requireWatermark(), since.watermark);
      const same = this.bind(params, this.requireWatermark(), since.watermark);
      const anchor = this.bind(params, this.anchor, since.anchor);
      where = `${w} > ${after} OR (${w} = ${same} AND ${a} > ${anchor})`;
    }
    return { text: `SELECT ${this.selectList} FROM ${this.table} WHERE ${where} ORDER BY ${w}, ${a}${this.limit(limit)}`, params };
  }

  insert(values: ReadonlyArray<readonly [string, DbValue]>): SqlStatement {
    const params: SqlParam[] = [];
    const names = values.map(([column]) => this.q(this.known(column))).join(', ');
    const marks = values.map(([column, value]) => this.bind(params, column, value)).join(', ');
    if (this.dialect === 'mssql') {
      // OUTPUT … INTO a table variable, not a bare OUTPUT: SQL Server refuses the latter on tables with triggers.
      const into = `${this.declareKeys()} INSERT INTO ${this.table}`;
      const output = `OUTPUT INSERTED.${this.q(this.anchor)} INTO @keys`;
      const insert = values.length === 0 ? `${into} ${output} DEFAULT VALUES;` : `${into} (${names}) ${output} VALUES (${marks});`;
      return { text: `${insert} ${this.selectKeys()}`, params };
    }
    if (values.length === 0) {
      if (this.dialect === 'mysql' || this.dialect === 'mariadb') return { text: `INSERT INTO ${this.table} () VALUES ()`, params };
      return { text: `INSERT INTO ${this.table} DEFAULT VALUES${this.returning()}`, params };
    }
    return { text: `INSERT INTO ${this.table} (${names}) VALUES (${marks})${this.returning()}`, params };
  }

  update(values: ReadonlyArray<readonly [string, DbValue]>, anchor: DbValue): SqlStatement {
    if (values.length === 0) throw new Error('an UPDATE needs at least one column');
    const params: SqlParam[] = [];
    const sets = values.map(([column, value]) => `${this.q(this.known(column))} = ${this.bind(params, column, value)}`).join(', ');
    const where = `${this.q(this.anchor)} = ${this.bind(params, this.anchor, anchor)}`;
    if (this.dialect === 'mssql') {
      const update = `UPDATE ${this.table} SET ${sets} OUTPUT INSERTED.${this.q(this.anchor)} INTO @keys WHERE ${where};`;
      return { text: `${this.declareKeys()} ${update} ${this.selectKeys()}`, params };
    }
    return { text: `UPDATE ${this.table} SET ${sets} WHERE ${where}${this.returning()}`, params };
  }

  delete(anchor: DbValue): SqlStatement {
    const params: SqlParam[] = [];
    return { text: `DELETE FROM ${this.table} WHERE ${this.q(this.anchor)} = ${this.bind(params, this.anchor, anchor)}`, params };
  }

  private q(name: string): string {
    return quoteIdentifier(this.dialect, name);
  }

  private known(column: string): string {
    if (!this.columns.has(column)) throw new Error(`column ${column} is not in the table`);
    return column;
  }

  private bind(params: SqlParam[], column: string, value: DbValue): string {
    params.push({ value, sqlType: this.columns.get(column)?.sqlType });
    return placeholder(this.dialect, params.length);
  }

  private returning(): string {
    return this.dialect === 'postgres' || this.dialect === 'sqlite' ? ` RETURNING ${this.selectList}` : '';
  }

  /** SQL Server: the table variable that collects the anchors OUTPUT INSERTED writes. */
  private declareKeys(): string {
    const type = this.columns.get(this.anchor)?.declaredType ?? 'sql_variant';
    return `DECLARE @keys TABLE (${this.q('anchor')} ${type});`;
  }

  private selectKeys(): string {
    return `SELECT ${this.selectList} FROM ${this.table} WHERE ${this.q(this.anchor)} IN (SELECT ${this.q('anchor')} FROM @keys);`;
  }

  private limit(limit: number): string {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`page size must be a positive integer, not ${limit}`);
    return this.dialect === 'mssql' ? ` OFFSET 0 ROWS FETCH NEXT ${limit} ROWS ONLY` : ` LIMIT ${limit}`;
  }

  private requireWatermark(): string {
    if (!this.watermark) throw new Error('this table has no watermark column');
    return this.watermark;
  }
}
