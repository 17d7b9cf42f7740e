import { AttributeSchema, ConnectorError } from '@connector-host/connector-sdk';
import type { ColumnInfo } from './sql-columns';
import type { SqlDialect, SqlMembershipSettings } from './sql-settings';
import { placeholder, quoteIdentifier, SqlParam, SqlStatement, TableName } from './sql-statements';
import { findColumn } from './sql-table';
import type { DbValue } from './sql-values';

/**
 * Bound parameters one statement may carry. SQLite: better-sqlite3's SQLITE_MAX_VARIABLE_NUMBER;
 * PostgreSQL and MySQL: the protocol's 16-bit count; SQL Server: 2000, under its 2100 per request,
 * which also counts sp_executesql's own parameters (1,000 members still fit one INSERT).
 */
export const MAX_PARAMETERS: Readonly<Record<SqlDialect, number>> = {
  sqlite: 32766,
  postgres: 65535,
  mysql: 65535,
  mariadb: 65535,
  mssql: 2000,
};

/** A group object type's membership table, bound to its discovered columns. */
export interface BoundMembership {
  /** The virtual multi-valued attribute (`members`). */
  attribute: string;
  /** Object types whose anchors the member column holds. */
  referenceTo: string[];
  table: TableName;
  groupColumn: ColumnInfo;
  memberColumn: ColumnInfo;
  statements: MembershipStatements;
  schema: AttributeSchema;
}

/**
 * Binds `objectTypes.<type>.target.members` to the membership table's catalog columns. A missing
 * column is a schemaViolation naming the config key.
 */
export function bindMembership(
  dialect: SqlDialect,
  objectType: string,
  settings: SqlMembershipSettings,
  referenceTo: string[],
  table: TableName,
  columns: readonly ColumnInfo[],
): BoundMembership {
  const key = `objectTypes.${objectType}.target.members`;
  const bind = (name: string, setting: 'groupColumn' | 'memberColumn'): ColumnInfo => {
    const column = findColumn(columns, name);
    if (!column) {
      throw new ConnectorError(
        'schemaViolation',
        `${key}.${setting} "${name}" is not a column of the membership table ${table.schema ? `${table.schema}.` : ''}${table.name}`,
      );
    }
    return column;
  };
  const groupColumn = bind(settings.groupColumn, 'groupColumn');
  const memberColumn = bind(settings.memberColumn, 'memberColumn');
  if (groupColumn.name === memberColumn.name) {
    throw new ConnectorError('schemaViolation', `${key}.groupColumn and ${key}.memberColumn name the same column "${groupColumn.name}"`);
  }
  return {
    attribute: settings.attribute,
    referenceTo,
    table,
    groupColumn,
    memberColumn,
    statements: new MembershipStatements(dialect, table, groupColumn, memberColumn),
    schema: {
      name: settings.attribute,
      type: 'reference',
      multiValued: true,
      required: false,
      readOnly: false,
      caseExact: memberColumn.caseExact,
      referenceTo,
      referenceBy: 'anchor',
    },
  };
}

/**
 * The statements of one membership table. Every change is one statement per kind, split only
 * where a statement would pass the dialect's parameter limit. Values are bound parameters;
 * identifiers come from the catalog.
 */
export class MembershipStatements {
  private readonly table: string;
  private readonly group: string;
  private readonly member: string;

  constructor(
    private readonly dialect: SqlDialect,
    table: TableName,
    private readonly groupColumn: ColumnInfo,
    private readonly memberColumn: ColumnInfo,
    private readonly maxParameters = MAX_PARAMETERS[dialect],
  ) {
    if (maxParameters < 2) throw new Error('a membership statement needs room for two parameters');
    this.table = (table.schema ? `${this.q(table.schema)}.` : '') + this.q(table.name);
    this.group = this.q(groupColumn.name);
    this.member = this.q(memberColumn.name);
  }

  /** Proves the table and both columns are there and readable. */
  selectNothing(): SqlStatement {
    return { text: `SELECT ${this.group}, ${this.member} FROM ${this.table} WHERE 1 = 0`, params: [] };
  }

  /** The members of these groups, in (group, member) order: one statement per parameter-limit chunk. */
  selectMembers(groups: readonly DbValue[]): SqlStatement[] {
    return chunks(groups, this.maxParameters).map((chunk) => {
      const params: SqlParam[] = [];
      const marks = chunk.map((g) => this.bind(params, this.groupColumn, g)).join(', ');
      return {
        text: `SELECT ${this.group}, ${this.member} FROM ${this.table} WHERE ${this.group} IN (${marks}) ORDER BY ${this.group}, ${this.member}`,
        params,
      };
    });
  }

  /**
   * Adds these members to the group, skipping pairs already there (NOT EXISTS, so it also holds
   * without a unique key; PostgreSQL and SQLite also ignore a unique-key conflict). `members`
   * must hold no duplicates: rows of one statement do not see each other.
   */
  insert(group: DbValue, members: readonly DbValue[]): SqlStatement[] {
    return chunks(members, Math.floor(this.maxParameters / 2)).map((chunk) => this.insertChunk(group, chunk));
  }

  /** Removes these members from the group; absent ones are no error. */
  delete(group: DbValue, members: readonly DbValue[]): SqlStatement[] {
    return chunks(members, this.maxParameters - 1).map((chunk) => {
      const params: SqlParam[] = [];
      const g = this.bind(params, this.groupColumn, group);
      const marks = chunk.map((m) => this.bind(params, this.memberColumn, m)).join(', ');
      return { text: `DELETE FROM ${this.table} WHERE ${this.group} = ${g} AND ${this.member} IN (${marks})`, params };
    });
  }

  /** Every membership row of the group (replace, delete of the group). */
  deleteGroup(group: DbValue): SqlStatement {
    const params: SqlParam[] = [];
    return { text: `DELETE FROM ${this.table} WHERE ${this.group} = ${this.bind(params, this.groupColumn, group)}`, params };
  }

  /** Every membership row naming this member (delete of a member object). */
  deleteMember(member: DbValue): SqlStatement {
    const params: SqlParam[] = [];
    return { text: `DELETE FROM ${this.table} WHERE ${this.member} = ${this.bind(params, this.memberColumn, member)}`, params };
  }

  /** Follows a group whose anchor changed. */
  renameGroup(from: DbValue, to: DbValue): SqlStatement {
    return this.rename(this.groupColumn, from, to);
  }

  /** Follows a member whose anchor changed. */
  renameMember(from: DbValue, to: DbValue): SqlStatement {
    return this.rename(this.memberColumn, from, to);
  }

  private rename(column: ColumnInfo, from: DbValue, to: DbValue): SqlStatement {
    const params: SqlParam[] = [];
    const set = this.bind(params, column, to);
    const where = this.bind(params, column, from);
    return { text: `UPDATE ${this.table} SET ${this.q(column.name)} = ${set} WHERE ${this.q(column.name)} = ${where}`, params };
  }

  private insertChunk(group: DbValue, members: readonly DbValue[]): SqlStatement {
    const params: SqlParam[] = [];
    const g = this.q('group_key');
    const m = this.q('member_key');
    const pairs = members.map((member) => [this.bind(params, this.groupColumn, group), this.bind(params, this.memberColumn, member)] as const);
    const target = `INSERT INTO ${this.table} (${this.group}, ${this.member})`;
    const missing = `NOT EXISTS (SELECT 1 FROM ${this.table} x${this.dialect === 'mssql' ? ' WITH (UPDLOCK, HOLDLOCK)' : ''} WHERE x.${this.group} = v.${g} AND x.${this.member} = v.${m})`;
    switch (this.dialect) {
      case 'postgres': {
        // VALUES takes its column types from the casts: an untyped parameter would be text.
        const cast = (mark: string, column: ColumnInfo): string => `CAST(${mark} AS ${postgresType(column)})`;
        const rows = pairs.map(([gm, mm]) => `(${cast(gm, this.groupColumn)}, ${cast(mm, this.memberColumn)})`).join(', ');
        return { text: `${target} SELECT v.${g}, v.${m} FROM (VALUES ${rows}) AS v(${g}, ${m}) WHERE ${missing} ON CONFLICT DO NOTHING`, params };
      }
      case 'sqlite': {
        const rows = pairs.map(([gm, mm]) => `(${gm}, ${mm})`).join(', ');
        const source = `(SELECT column1 AS ${g}, column2 AS ${m} FROM (VALUES ${rows}))`;
        return { text: `${target} SELECT v.${g}, v.${m} FROM ${source} AS v WHERE ${missing} ON CONFLICT DO NOTHING`, params };
      }
      case 'mysql':
      case 'mariadb': {
        // A UNION of SELECTs: MySQL 8 wants VALUES ROW(…), MariaDB plain VALUES; this reads the same on both.
        const rows = pairs.map(([gm, mm], i) => (i === 0 ? `SELECT ${gm} AS ${g}, ${mm} AS ${m}` : `SELECT ${gm}, ${mm}`)).join(' UNION ALL ');
        return { text: `${target} SELECT v.${g}, v.${m} FROM (${rows}) AS v WHERE ${missing}`, params };
      }
      case 'mssql': {
        const rows = pairs.map(([gm, mm]) => `(${gm}, ${mm})`).join(', ');
        return { text: `${target} SELECT v.${g}, v.${m} FROM (VALUES ${rows}) AS v(${g}, ${m}) WHERE ${missing}`, params };
      }
    }
  }

  private q(name: string): string {
    return quoteIdentifier(this.dialect, name);
  }

  private bind(params: SqlParam[], column: ColumnInfo, value: DbValue): string {
    params.push({ value, sqlType: column.sqlType });
    return placeholder(this.dialect, params.length);
  }
}

/** The catalog's type name as a cast target; it comes from information_schema, never from config. */
function postgresType(column: ColumnInfo): string {
  if (!/^[A-Za-z_][A-Za-z0-9_ ]*$/.test(column.sqlType)) {
    throw new ConnectorError('unsupported', `column "${column.name}" has type "${column.sqlType}", which a membership table cannot use`);
  }
  return column.sqlType;
}

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
