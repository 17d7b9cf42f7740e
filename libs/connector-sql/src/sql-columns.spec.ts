import { AttributeType } from '@connector-host/connector-sdk';
import { attributeTypeOf, columnFromCatalog, columnsFromSqlite, mssqlDeclaredType } from './sql-columns';
import type { SqlDialect } from './sql-settings';

describe('attributeTypeOf', () => {
  const cases: Array<[SqlDialect, string, AttributeType]> = [
    ['sqlite', 'INTEGER', 'integer'],
    ['sqlite', 'BIGINT', 'integer'],
    ['sqlite', 'BOOLEAN', 'boolean'],
    ['sqlite', 'TINYINT(1)', 'boolean'],
    ['sqlite', 'VARCHAR(50)', 'string'],
    ['sqlite', 'TEXT', 'string'],
    ['sqlite', '', 'string'],
    ['sqlite', 'REAL', 'decimal'],
    ['sqlite', 'NUMERIC(10,2)', 'decimal'],
    ['sqlite', 'DATETIME', 'dateTime'],
    ['sqlite', 'TIMESTAMP', 'dateTime'],
    ['sqlite', 'BLOB', 'binary'],
    ['postgres', 'integer', 'integer'],
    ['postgres', 'bigint', 'integer'],
    ['postgres', 'smallint', 'integer'],
    ['postgres', 'numeric', 'decimal'],
    ['postgres', 'double precision', 'decimal'],
    ['postgres', 'real', 'decimal'],
    ['postgres', 'boolean', 'boolean'],
    ['postgres', 'timestamp with time zone', 'dateTime'],
    ['postgres', 'timestamp without time zone', 'dateTime'],
    ['postgres', 'date', 'dateTime'],
    ['postgres', 'time without time zone', 'string'],
    ['postgres', 'bytea', 'binary'],
    ['postgres', 'character varying', 'string'],
    ['postgres', 'uuid', 'string'],
    ['postgres', 'citext', 'string'],
    ['mysql', 'int(11)', 'integer'],
    ['mysql', 'bigint(20) unsigned', 'integer'],
    ['mysql', 'tinyint(1)', 'boolean'],
    ['mysql', 'tinyint(4)', 'integer'],
    ['mysql', 'bit(1)', 'boolean'],
    ['mysql', 'decimal(10,2)', 'decimal'],
    ['mysql', 'double', 'decimal'],
    ['mysql', 'datetime(6)', 'dateTime'],
    ['mysql', 'timestamp', 'dateTime'],
    ['mysql', 'date', 'dateTime'],
    ['mysql', 'varbinary(16)', 'binary'],
    ['mysql', 'longblob', 'binary'],
    ['mariadb', 'varchar(64)', 'string'],
    ['mariadb', "enum('a','b')", 'string'],
    ['mssql', 'int', 'integer'],
    ['mssql', 'tinyint', 'integer'],
    ['mssql', 'bit', 'boolean'],
    ['mssql', 'decimal', 'decimal'],
    ['mssql', 'money', 'decimal'],
    ['mssql', 'datetime2', 'dateTime'],
    ['mssql', 'datetimeoffset', 'dateTime'],
    ['mssql', 'timestamp', 'binary'],
    ['mssql', 'varbinary', 'binary'],
    ['mssql', 'nvarchar', 'string'],
    ['mssql', 'uniqueidentifier', 'string'],
  ];
  it.each(cases)('%s %s → %s', (dialect, sqlType, type) => {
    expect(attributeTypeOf(dialect, sqlType)).toBe(type);
  });
});

describe('columnFromCatalog', () => {
  it('reads PostgreSQL identity, serial, generated, defaults and citext', () => {
    const base = { table_name: 'employees', is_nullable: 'NO', column_default: null, is_identity: 'NO', is_generated: 'NEVER', collation_name: null };
    expect(columnFromCatalog('postgres', { ...base, column_name: 'id', data_type: 'integer', udt_name: 'int4', is_identity: 'YES' })).toMatchObject({
      type: 'integer',
      autoIncrement: true,
      computed: false,
    });
    expect(
      columnFromCatalog('postgres', { ...base, column_name: 'n', data_type: 'bigint', udt_name: 'int8', column_default: "nextval('t_n_seq'::regclass)" }),
    ).toMatchObject({ autoIncrement: true, hasDefault: true });
    expect(columnFromCatalog('postgres', { ...base, column_name: 'g', data_type: 'text', udt_name: 'text', is_generated: 'ALWAYS' })).toMatchObject({
      computed: true,
      caseExact: true,
    });
    expect(columnFromCatalog('postgres', { ...base, column_name: 'mail', data_type: 'USER-DEFINED', udt_name: 'citext', is_nullable: 'YES' })).toEqual({
      name: 'mail',
      sqlType: 'citext',
      type: 'string',
      nullable: true,
      hasDefault: false,
      autoIncrement: false,
      computed: false,
      caseExact: false,
    });
  });

  it('reads MySQL auto_increment, generated columns, tinyint(1) and collations', () => {
    const base = { table_name: 'Employees', is_nullable: 'YES', column_default: null, extra: '', collation_name: null };
    expect(columnFromCatalog('mysql', { ...base, column_name: 'Id', data_type: 'int', column_type: 'int(11)', extra: 'auto_increment' })).toMatchObject({
      type: 'integer',
      autoIncrement: true,
    });
    expect(columnFromCatalog('mariadb', { ...base, column_name: 'On', data_type: 'tinyint', column_type: 'tinyint(1)', column_default: '1' })).toMatchObject({
      type: 'boolean',
      hasDefault: true,
    });
    expect(columnFromCatalog('mariadb', { ...base, column_name: 'G', data_type: 'int', column_type: 'int(11)', extra: 'VIRTUAL GENERATED' })).toMatchObject({
      computed: true,
    });
    expect(
      columnFromCatalog('mysql', { ...base, column_name: 'U', data_type: 'timestamp', column_type: 'timestamp', extra: 'DEFAULT_GENERATED on update CURRENT_TIMESTAMP' }),
    ).toMatchObject({ computed: false, type: 'dateTime' });
    expect(columnFromCatalog('mysql', { ...base, column_name: 'B', data_type: 'varchar', column_type: 'varchar(9)', collation_name: 'utf8mb4_bin' }).caseExact).toBe(true);
    expect(
      columnFromCatalog('mysql', { ...base, column_name: 'C', data_type: 'varchar', column_type: 'varchar(9)', collation_name: 'utf8mb4_0900_as_cs' }).caseExact,
    ).toBe(true);
    expect(
      columnFromCatalog('mysql', { ...base, column_name: 'D', data_type: 'varchar', column_type: Buffer.from('varchar(9)'), collation_name: 'utf8mb4_general_ci' }),
    ).toMatchObject({ sqlType: 'varchar(9)', caseExact: false });
  });

  it('reads SQL Server identity, computed, rowversion and collations', () => {
    const base = { table_name: 'Employees', is_nullable: 'NO', column_default: null, collation_name: null, is_identity: 0, is_computed: 0 };
    expect(columnFromCatalog('mssql', { ...base, column_name: 'Id', data_type: 'int', is_identity: 1 })).toMatchObject({
      autoIncrement: true,
      declaredType: 'int',
    });
    expect(columnFromCatalog('mssql', { ...base, column_name: 'V', data_type: 'timestamp' })).toMatchObject({ type: 'binary', computed: true });
    expect(columnFromCatalog('mssql', { ...base, column_name: 'F', data_type: 'nvarchar', is_computed: 1, char_length: 10 })).toMatchObject({
      computed: true,
      declaredType: 'nvarchar(10)',
    });
    expect(
      columnFromCatalog('mssql', { ...base, column_name: 'L', data_type: 'nvarchar', char_length: 64, collation_name: 'SQL_Latin1_General_CP1_CI_AS' }).caseExact,
    ).toBe(false);
    expect(columnFromCatalog('mssql', { ...base, column_name: 'L', data_type: 'varchar', char_length: 64, collation_name: 'Latin1_General_CS_AS' }).caseExact).toBe(
      true,
    );
    expect(columnFromCatalog('mssql', { ...base, column_name: 'E', data_type: 'bit', column_default: '((1))' })).toMatchObject({
      type: 'boolean',
      hasDefault: true,
    });
  });

  it('declares SQL Server types in full', () => {
    expect(mssqlDeclaredType({ data_type: 'nvarchar', char_length: -1 })).toBe('nvarchar(max)');
    expect(mssqlDeclaredType({ data_type: 'varchar', char_length: 128 })).toBe('varchar(128)');
    expect(mssqlDeclaredType({ data_type: 'decimal', numeric_precision: 10, numeric_scale: 2 })).toBe('decimal(10,2)');
    expect(mssqlDeclaredType({ data_type: 'datetime2', datetime_precision: 3 })).toBe('datetime2(3)');
    expect(mssqlDeclaredType({ data_type: 'uniqueidentifier' })).toBe('uniqueidentifier');
  });
});

describe('columnsFromSqlite', () => {
  const row = (name: string, type: string, extra: Partial<{ notnull: number; dflt_value: string | null; pk: number; hidden: number }> = {}) => ({
    name,
    type,
    notnull: 0,
    dflt_value: null,
    pk: 0,
    hidden: 0,
    ...extra,
  });

  it('treats a lone INTEGER PRIMARY KEY as the rowid the database fills', () => {
    const [id, name] = columnsFromSqlite([row('Id', 'INTEGER', { pk: 1 }), row('Name', 'TEXT', { notnull: 1 })], false);
    expect(id).toMatchObject({ type: 'integer', autoIncrement: true, nullable: true });
    expect(name).toMatchObject({ type: 'string', autoIncrement: false, nullable: false });
  });

  it('does not in WITHOUT ROWID tables, compound keys or INT keys', () => {
    expect(columnsFromSqlite([row('Id', 'INTEGER', { pk: 1 })], true)[0]?.autoIncrement).toBe(false);
    expect(columnsFromSqlite([row('A', 'INTEGER', { pk: 1 }), row('B', 'INTEGER', { pk: 2 })], false)[0]?.autoIncrement).toBe(false);
    expect(columnsFromSqlite([row('Id', 'INT', { pk: 1 })], false)[0]?.autoIncrement).toBe(false);
  });

  it('marks generated columns computed and skips hidden ones', () => {
    const columns = columnsFromSqlite([row('A', 'TEXT'), row('G', 'TEXT', { hidden: 2 }), row('S', 'TEXT', { hidden: 3 }), row('H', '', { hidden: 1 })], false);
    expect(columns.map((c) => [c.name, c.computed])).toEqual([
      ['A', false],
      ['G', true],
      ['S', true],
    ]);
  });

  it('reads defaults', () => {
    expect(columnsFromSqlite([row('E', 'BOOLEAN', { notnull: 1, dflt_value: '1' })], false)[0]).toMatchObject({ type: 'boolean', hasDefault: true });
  });
});
