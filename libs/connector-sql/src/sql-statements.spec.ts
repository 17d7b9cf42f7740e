import type { ColumnInfo } from './sql-columns';
import type { SqlDialect } from './sql-settings';
import { placeholder, quoteIdentifier, SqlStatements } from './sql-statements';

function column(name: string, sqlType = 'varchar', extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return { name, sqlType, type: 'string', nullable: true, hasDefault: false, autoIncrement: false, computed: false, caseExact: false, ...extra };
}

const columns = new Map(
  [
    column('Login', 'nvarchar', { declaredType: 'nvarchar(128)' }),
    column('First Name', 'nvarchar'),
    column('Stamp', 'datetime2'),
  ].map((c) => [c.name, c]),
);

function statements(dialect: SqlDialect, withWatermark = true): SqlStatements {
  const table = dialect === 'postgres' || dialect === 'mssql' ? { schema: 'hr', name: 'Employees' } : { name: 'Employees' };
  return new SqlStatements(dialect, table, columns, ['Login', 'First Name', 'Stamp'], 'Login', withWatermark ? 'Stamp' : undefined);
}

describe('quoteIdentifier', () => {
  it.each<[SqlDialect, string]>([
    ['sqlite', '"a""b"'],
    ['postgres', '"a""b"'],
    ['mysql', '`a"b`'],
    ['mariadb', '`a"b`'],
    ['mssql', '[a"b]'],
  ])('%s quotes and escapes', (dialect, quoted) => {
    expect(quoteIdentifier(dialect, 'a"b')).toBe(quoted);
  });

  it('doubles the closing quote character', () => {
    expect(quoteIdentifier('mysql', 'a`b')).toBe('`a``b`');
    expect(quoteIdentifier('mssql', 'a]b')).toBe('[a]]b]');
    expect(quoteIdentifier('postgres', 'x"; DROP TABLE t;--')).toBe('"x""; DROP TABLE t;--"');
  });

  it('numbers placeholders per dialect', () => {
    expect([placeholder('sqlite', 3), placeholder('mysql', 3), placeholder('postgres', 3), placeholder('mssql', 3)]).toEqual(['?', '?', '$3', '@p3']);
  });
});

describe('SqlStatements', () => {
  it('reads a full-import page by keyset, anchor-ordered', () => {
    expect(statements('sqlite').selectPage(undefined, 101)).toEqual({
      text: 'SELECT "Login", "First Name", "Stamp" FROM "Employees" ORDER BY "Login" LIMIT 101',
      params: [],
    });
    expect(statements('postgres').selectPage('bob', 101)).toEqual({
      text: 'SELECT "Login", "First Name", "Stamp" FROM "hr"."Employees" WHERE "Login" > $1 ORDER BY "Login" LIMIT 101',
      params: [{ value: 'bob', sqlType: 'nvarchar' }],
    });
    expect(statements('mysql').selectPage('bob', 11).text).toBe(
      'SELECT `Login`, `First Name`, `Stamp` FROM `Employees` WHERE `Login` > ? ORDER BY `Login` LIMIT 11',
    );
    expect(statements('mssql').selectPage('bob', 11).text).toBe(
      'SELECT [Login], [First Name], [Stamp] FROM [hr].[Employees] WHERE [Login] > @p1 ORDER BY [Login] OFFSET 0 ROWS FETCH NEXT 11 ROWS ONLY',
    );
  });

  it('refuses a page size that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => statements('sqlite').selectPage(undefined, bad)).toThrow('page size');
  });

  it('reads one row, nothing, and the newest watermark', () => {
    expect(statements('mariadb').selectByAnchor('a')).toEqual({
      text: 'SELECT `Login`, `First Name`, `Stamp` FROM `Employees` WHERE `Login` = ?',
      params: [{ value: 'a', sqlType: 'nvarchar' }],
    });
    expect(statements('mssql').selectNothing().text).toBe('SELECT [Login], [First Name], [Stamp] FROM [hr].[Employees] WHERE 1 = 0');
    expect(statements('postgres').selectMaxWatermark().text).toBe('SELECT MAX("Stamp") AS "watermark" FROM "hr"."Employees"');
    expect(() => statements('postgres', false).selectMaxWatermark()).toThrow('no watermark column');
  });

  it('reads delta pages in (watermark, anchor) order', () => {
    const pg = statements('postgres');
    expect(pg.selectDelta(undefined, 3).text).toBe(
      'SELECT "Login", "First Name", "Stamp" FROM "hr"."Employees" WHERE "Stamp" IS NOT NULL ORDER BY "Stamp", "Login" LIMIT 3',
    );
    expect(pg.selectDelta({ watermark: '2024-01-01' }, 3)).toEqual({
      text: 'SELECT "Login", "First Name", "Stamp" FROM "hr"."Employees" WHERE "Stamp" > $1 ORDER BY "Stamp", "Login" LIMIT 3',
      params: [{ value: '2024-01-01', sqlType: 'datetime2' }],
    });
    expect(pg.selectDelta({ watermark: 5, anchor: 'k' }, 3)).toEqual({
      text:
        'SELECT "Login", "First Name", "Stamp" FROM "hr"."Employees" WHERE "Stamp" > $1 OR ("Stamp" = $2 AND "Login" > $3) ' +
        'ORDER BY "Stamp", "Login" LIMIT 3',
      params: [
        { value: 5, sqlType: 'datetime2' },
        { value: 5, sqlType: 'datetime2' },
        { value: 'k', sqlType: 'nvarchar' },
      ],
    });
    expect(statements('mssql').selectDelta({ watermark: 5, anchor: 'k' }, 3).text).toBe(
      'SELECT [Login], [First Name], [Stamp] FROM [hr].[Employees] WHERE [Stamp] > @p1 OR ([Stamp] = @p2 AND [Login] > @p3) ' +
        'ORDER BY [Stamp], [Login] OFFSET 0 ROWS FETCH NEXT 3 ROWS ONLY',
    );
  });

  it('inserts with RETURNING on SQLite and PostgreSQL, and plainly on MySQL', () => {
    const values = [
      ['Login', 'ada'],
      ['First Name', "Robert'); DROP TABLE Employees;--"],
    ] as const;
    expect(statements('sqlite').insert(values)).toEqual({
      text: 'INSERT INTO "Employees" ("Login", "First Name") VALUES (?, ?) RETURNING "Login", "First Name", "Stamp"',
      params: [
        { value: 'ada', sqlType: 'nvarchar' },
        { value: "Robert'); DROP TABLE Employees;--", sqlType: 'nvarchar' },
      ],
    });
    expect(statements('postgres').insert(values).text).toBe(
      'INSERT INTO "hr"."Employees" ("Login", "First Name") VALUES ($1, $2) RETURNING "Login", "First Name", "Stamp"',
    );
    expect(statements('mysql').insert(values).text).toBe('INSERT INTO `Employees` (`Login`, `First Name`) VALUES (?, ?)');
    expect(statements('mysql').insert([]).text).toBe('INSERT INTO `Employees` () VALUES ()');
    expect(statements('postgres').insert([]).text).toBe('INSERT INTO "hr"."Employees" DEFAULT VALUES RETURNING "Login", "First Name", "Stamp"');
  });

  it('inserts on SQL Server through OUTPUT INSERTED INTO a table variable (tables with triggers allow it)', () => {
    expect(statements('mssql').insert([['First Name', 'Ada']]).text).toBe(
      'DECLARE @keys TABLE ([anchor] nvarchar(128)); ' +
        'INSERT INTO [hr].[Employees] ([First Name]) OUTPUT INSERTED.[Login] INTO @keys VALUES (@p1); ' +
        'SELECT [Login], [First Name], [Stamp] FROM [hr].[Employees] WHERE [Login] IN (SELECT [anchor] FROM @keys);',
    );
    expect(statements('mssql').insert([]).text).toContain('OUTPUT INSERTED.[Login] INTO @keys DEFAULT VALUES;');
  });

  it('updates only the given columns, by anchor', () => {
    const sets = [['First Name', 'Grace']] as const;
    expect(statements('sqlite').update(sets, 'ada')).toEqual({
      text: 'UPDATE "Employees" SET "First Name" = ? WHERE "Login" = ? RETURNING "Login", "First Name", "Stamp"',
      params: [
        { value: 'Grace', sqlType: 'nvarchar' },
        { value: 'ada', sqlType: 'nvarchar' },
      ],
    });
    expect(statements('postgres').update([...sets, ['Stamp', null]], 'ada').text).toBe(
      'UPDATE "hr"."Employees" SET "First Name" = $1, "Stamp" = $2 WHERE "Login" = $3 RETURNING "Login", "First Name", "Stamp"',
    );
    expect(statements('mariadb').update(sets, 'ada').text).toBe('UPDATE `Employees` SET `First Name` = ? WHERE `Login` = ?');
    expect(statements('mssql').update(sets, 'ada').text).toBe(
      'DECLARE @keys TABLE ([anchor] nvarchar(128)); ' +
        'UPDATE [hr].[Employees] SET [First Name] = @p1 OUTPUT INSERTED.[Login] INTO @keys WHERE [Login] = @p2; ' +
        'SELECT [Login], [First Name], [Stamp] FROM [hr].[Employees] WHERE [Login] IN (SELECT [anchor] FROM @keys);',
    );
    expect(() => statements('sqlite').update([], 'ada')).toThrow();
  });

  it('deletes by anchor', () => {
    expect(statements('postgres').delete('ada')).toEqual({ text: 'DELETE FROM "hr"."Employees" WHERE "Login" = $1', params: [{ value: 'ada', sqlType: 'nvarchar' }] });
    expect(statements('mssql').delete('ada').text).toBe('DELETE FROM [hr].[Employees] WHERE [Login] = @p1');
    expect(statements('mysql').delete('ada').text).toBe('DELETE FROM `Employees` WHERE `Login` = ?');
  });

  it('only ever names columns of the discovered table', () => {
    expect(() => statements('sqlite').insert([['Nope; DROP TABLE x', 'v']])).toThrow('not in the table');
    expect(() => statements('sqlite').update([['Nope', 'v']], 'a')).toThrow('not in the table');
    expect(() => new SqlStatements('sqlite', { name: 't' }, columns, ['Missing'], 'Login')).toThrow('not in the table');
  });
});
