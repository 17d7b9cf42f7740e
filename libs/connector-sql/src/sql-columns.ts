import type { AttributeType } from '@connector-host/connector-sdk';
import type { SqlDialect } from './sql-settings';

/** A column as the database's catalog describes it. */
export interface ColumnInfo {
  name: string;
  /** The SQL type as the catalog spells it: `varchar(64)`, `tinyint(1)`, `timestamp with time zone`. */
  sqlType: string;
  type: AttributeType;
  nullable: boolean;
  hasDefault: boolean;
  /** Identity, serial, auto_increment or SQLite rowid alias: the database fills it when omitted. */
  autoIncrement: boolean;
  /** Computed / generated column or rowversion: the database always computes it. */
  computed: boolean;
  caseExact: boolean;
  /** SQL Server: the full type (`nvarchar(128)`) to declare a table variable holding this column. */
  declaredType?: string;
}

/** Maps a column's SQL type to the host's attribute type. */
export function attributeTypeOf(dialect: SqlDialect, sqlType: string): AttributeType {
  const t = sqlType.trim().toLowerCase();
  switch (dialect) {
    case 'sqlite':
      // SQLite's declared types are free text; follow its affinity rules, booleans and dates first.
      if (t.includes('bool') || /^tinyint\s*\(\s*1\s*\)/.test(t) || /^bit\b/.test(t)) return 'boolean';
      if (/date|time/.test(t)) return 'dateTime';
      if (t.includes('int')) return 'integer';
      if (/char|clob|text/.test(t)) return 'string';
      if (t.includes('blob')) return 'binary';
      if (/real|floa|doub|numeric|decimal|number/.test(t)) return 'decimal';
      return 'string';
    case 'postgres':
      if (t === 'boolean' || t === 'bool') return 'boolean';
      if (/^(smallint|integer|bigint|int2|int4|int8|smallserial|serial|bigserial)$/.test(t)) return 'integer';
      if (/^(numeric|decimal|real|double precision|float4|float8|money)/.test(t)) return 'decimal';
      if (/^(timestamp|date$)/.test(t)) return 'dateTime';
      if (t === 'bytea') return 'binary';
      return 'string';
    case 'mysql':
    case 'mariadb':
      if (/^(tinyint\s*\(\s*1\s*\)|bool|boolean|bit\s*\(\s*1\s*\)|bit$)/.test(t)) return 'boolean';
      if (/^(tinyint|smallint|mediumint|int|integer|bigint|year)\b/.test(t)) return 'integer';
      if (/^(decimal|numeric|float|double|real|fixed|dec)\b/.test(t)) return 'decimal';
      if (/^(date|datetime|timestamp)\b/.test(t)) return 'dateTime';
      if (/^(tinyblob|blob|mediumblob|longblob|binary|varbinary|bit)\b/.test(t)) return 'binary';
      return 'string';
    case 'mssql':
      if (t === 'bit') return 'boolean';
      if (/^(tinyint|smallint|int|bigint)$/.test(t)) return 'integer';
      if (/^(decimal|numeric|money|smallmoney|float|real)\b/.test(t)) return 'decimal';
      if (/^(date|datetime|datetime2|smalldatetime|datetimeoffset)\b/.test(t)) return 'dateTime';
      // `timestamp` is SQL Server's old name of rowversion, not a date.
      if (/^(timestamp|rowversion|binary|varbinary|image)\b/.test(t)) return 'binary';
      return 'string';
  }
}

/** A row of the catalog query, with the lower-case aliases every dialect's query uses. */
export type CatalogRow = Record<string, unknown>;

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

function yes(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  return /^(yes|true|1|always)$/i.test(text(value));
}

/**
 * The query that lists the columns of the table named (case-insensitively) `table`: parameters
 * are [schema (or null), table] for postgres and mssql, [table] for mysql; SQLite uses PRAGMAs.
 */
export function catalogQuery(dialect: Exclude<SqlDialect, 'sqlite'>): string {
  switch (dialect) {
    case 'postgres':
      return (
        'SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, is_identity, is_generated, collation_name ' +
        'FROM information_schema.columns WHERE table_schema = COALESCE($1, current_schema()) AND lower(table_name) = lower($2) ' +
        'ORDER BY table_name, ordinal_position'
      );
    case 'mysql':
    case 'mariadb':
      return (
        'SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type, ' +
        'IS_NULLABLE AS is_nullable, COLUMN_DEFAULT AS column_default, EXTRA AS extra, COLLATION_NAME AS collation_name ' +
        'FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND LOWER(TABLE_NAME) = LOWER(?) ' +
        'ORDER BY TABLE_NAME, ORDINAL_POSITION'
      );
    case 'mssql':
      return (
        "SELECT c.TABLE_NAME AS table_name, c.COLUMN_NAME AS column_name, c.DATA_TYPE AS data_type, c.IS_NULLABLE AS is_nullable, " +
        'c.COLUMN_DEFAULT AS column_default, c.COLLATION_NAME AS collation_name, ' +
        "COLUMNPROPERTY(OBJECT_ID(QUOTENAME(c.TABLE_SCHEMA) + '.' + QUOTENAME(c.TABLE_NAME)), c.COLUMN_NAME, 'IsIdentity') AS is_identity, " +
        "COLUMNPROPERTY(OBJECT_ID(QUOTENAME(c.TABLE_SCHEMA) + '.' + QUOTENAME(c.TABLE_NAME)), c.COLUMN_NAME, 'IsComputed') AS is_computed " +
        'FROM INFORMATION_SCHEMA.COLUMNS c WHERE c.TABLE_SCHEMA = COALESCE(@p1, SCHEMA_NAME()) AND LOWER(c.TABLE_NAME) = LOWER(@p2) ' +
        'ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION'
      );
  }
}

/** One column from a row of `catalogQuery` (postgres, mysql, mariadb, mssql). */
export function columnFromCatalog(dialect: Exclude<SqlDialect, 'sqlite'>, row: CatalogRow): ColumnInfo {
  const name = text(row.column_name);
  const nullable = yes(row.is_nullable);
  const columnDefault = row.column_default === null || row.column_default === undefined ? undefined : text(row.column_default);
  switch (dialect) {
    case 'postgres': {
      const dataType = text(row.data_type);
      const udt = text(row.udt_name);
      const sqlType = dataType === 'USER-DEFINED' || dataType === 'ARRAY' ? udt : dataType;
      const type = attributeTypeOf(dialect, sqlType);
      const autoIncrement = yes(row.is_identity) || /^nextval\(/i.test(columnDefault ?? '');
      return {
        name,
        sqlType,
        type,
        nullable,
        hasDefault: columnDefault !== undefined,
        autoIncrement,
        computed: text(row.is_generated).toUpperCase() === 'ALWAYS',
        // PostgreSQL compares text case-sensitively unless the column is citext.
        caseExact: type === 'string' && udt !== 'citext',
      };
    }
    case 'mysql':
    case 'mariadb': {
      const sqlType = text(row.column_type) || text(row.data_type);
      const type = attributeTypeOf(dialect, sqlType);
      const extra = text(row.extra).toLowerCase();
      const collation = text(row.collation_name).toLowerCase();
      return {
        name,
        sqlType,
        type,
        nullable,
        hasDefault: columnDefault !== undefined,
        autoIncrement: extra.includes('auto_increment'),
        computed: /(virtual|stored|persistent) generated/.test(extra),
        caseExact: type === 'string' && /(_bin|_cs)(_|$)/.test(collation),
      };
    }
    case 'mssql': {
      const sqlType = text(row.data_type);
      const type = attributeTypeOf(dialect, sqlType);
      const collation = text(row.collation_name).toUpperCase();
      const rowversion = /^(timestamp|rowversion)$/i.test(sqlType);
      return {
        name,
        sqlType,
        type,
        nullable,
        hasDefault: columnDefault !== undefined,
        autoIncrement: yes(row.is_identity),
        computed: yes(row.is_computed) || rowversion,
        caseExact: type === 'string' && /_CS_|_CS$|_BIN/.test(collation),
        declaredType: mssqlDeclaredType(row),
      };
    }
  }
}

/** A row of SQLite's `PRAGMA table_xinfo`. */
export interface SqliteColumnRow {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  /** 0 normal, 1 hidden (virtual tables), 2 virtual generated, 3 stored generated. */
  hidden?: number;
}

/** SQLite's columns; a lone `INTEGER PRIMARY KEY` of a rowid table is the rowid, filled when omitted. */
export function columnsFromSqlite(rows: SqliteColumnRow[], withoutRowid: boolean): ColumnInfo[] {
  const primaryKeyCount = rows.filter((r) => r.pk > 0).length;
  return rows
    .filter((r) => (r.hidden ?? 0) !== 1)
    .map((r) => {
      const rowid = !withoutRowid && primaryKeyCount === 1 && r.pk > 0 && r.type.trim().toUpperCase() === 'INTEGER';
      return {
        name: r.name,
        sqlType: r.type,
        type: attributeTypeOf('sqlite', r.type),
        nullable: r.notnull === 0,
        hasDefault: r.dflt_value !== null,
        autoIncrement: rowid,
        computed: (r.hidden ?? 0) >= 2,
        caseExact: false, // collations live in the CREATE statement; not worth parsing
      };
    });
}

/** `nvarchar(128)`, `decimal(10,2)`, `datetime2(7)`… from an INFORMATION_SCHEMA.COLUMNS row. */
export function mssqlDeclaredType(row: CatalogRow): string {
  const t = text(row.data_type).toLowerCase();
  const n = (v: unknown): number | undefined => (v === null || v === undefined || v === '' ? undefined : Number(v));
  const length = n(row.char_length);
  if (/^(n?varchar|n?char|varbinary|binary)$/.test(t)) return `${t}(${length === undefined || length < 0 ? 'max' : length})`;
  if (/^(decimal|numeric)$/.test(t)) return `${t}(${n(row.numeric_precision) ?? 18},${n(row.numeric_scale) ?? 0})`;
  if (/^(datetime2|datetimeoffset|time)$/.test(t)) return `${t}(${n(row.datetime_precision) ?? 7})`;
  if (t === 'timestamp' || t === 'rowversion') return 'binary(8)';
  if (t === 'text' || t === 'ntext') return t === 'text' ? 'varchar(max)' : 'nvarchar(max)';
  return t;
}
