import * as mssql from 'mssql';
import { mssqlConfigFromUrl } from './sql-client';
import { sqlConnectorSuite } from './testing/sql-connector.suite';
import { sortedPairs, SqlTestDatabase } from './testing/sql-test-database';

// SQL Server cannot run on the CI machine: this suite runs only against a server named by
// MSSQL_URL (`mssql://sa:pass@host:1433/master?trustServerCertificate=true` or a connection string).
const url = process.env.MSSQL_URL;
const describeMssql = url ? describe : describe.skip;

async function openMssql(): Promise<SqlTestDatabase> {
  const target = url as string;
  const pool = new mssql.ConnectionPool(/^(mssql|sqlserver):\/\//i.test(target) ? mssqlConfigFromUrl(target) : target);
  await pool.connect();
  const schema = `test_${Math.random().toString(36).slice(2, 10)}`;
  await pool.request().batch(`CREATE SCHEMA [${schema}]`);
  const q = (table: string): string => `[${schema}].[${table.replace(/]/g, ']]')}]`;
  const tables: string[] = [];
  const run = async (sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => {
    const request = pool.request();
    params.forEach((value, i) => request.input(`p${i + 1}`, value));
    return (await request.query(sql)).recordset ?? [];
  };
  return {
    dialect: 'mssql',
    connection: { dialect: 'mssql', url: target, schema },
    // datetime2(3): the driver reads dates to the millisecond, so the watermark text is exact.
    watermarkColumn: 'UpdatedAt',
    async createEmployees(table, options = {}) {
      tables.push(table);
      await run(
        `CREATE TABLE ${q(table)} ([ContosoLogin] nvarchar(128) NOT NULL PRIMARY KEY, [FirstName] nvarchar(50) NOT NULL, ` +
          `[LastName] nvarchar(50) NOT NULL, [Email] nvarchar(128) NULL, [AzureID] uniqueidentifier NULL, [textID] nvarchar(128) NULL, ` +
          `[Enabled] bit NOT NULL DEFAULT 1${options.watermark ? ', [UpdatedAt] datetime2(3) NOT NULL DEFAULT SYSUTCDATETIME()' : ''})`,
      );
      if (options.watermark) {
        // A trigger, as real schemas have: the connector's OUTPUT … INTO must cope with it.
        await run(
          `CREATE TRIGGER [${schema}].[${table}_touch] ON ${q(table)} AFTER UPDATE AS BEGIN SET NOCOUNT ON; ` +
            `IF NOT UPDATE([UpdatedAt]) UPDATE t SET [UpdatedAt] = SYSUTCDATETIME() FROM ${q(table)} t ` +
            `JOIN inserted i ON t.[ContosoLogin] = i.[ContosoLogin]; END`,
        );
      }
    },
    async createIdentityTable(table) {
      tables.push(table);
      await run(`CREATE TABLE ${q(table)} ([Id] int IDENTITY(1,1) PRIMARY KEY, [Name] nvarchar(50) NOT NULL)`);
    },
    async insertEmployees(table, logins) {
      const marks = logins.map((_, i) => `(@p${i * 3 + 1}, @p${i * 3 + 2}, @p${i * 3 + 3})`).join(', ');
      await run(`INSERT INTO ${q(table)} ([ContosoLogin], [FirstName], [LastName]) VALUES ${marks}`, logins.flatMap((l) => [l, 'F', 'L']));
    },
    async createGroups(groups, members, options = {}) {
      tables.push(groups, members);
      await run(
        `CREATE TABLE ${q(groups)} ([Id] nvarchar(64) NOT NULL PRIMARY KEY, [DisplayName] nvarchar(100) NOT NULL` +
          `${options.watermark ? ', [UpdatedAt] datetime2(3) NOT NULL DEFAULT SYSUTCDATETIME()' : ''})`,
      );
      const fk = options.memberForeignKey ? ` REFERENCES ${q(options.memberForeignKey)} ([ContosoLogin])` : '';
      await run(
        `CREATE TABLE ${q(members)} ([GroupId] nvarchar(128) NOT NULL, [MemberId] nvarchar(128) NOT NULL${fk} CHECK ([MemberId] <> N'forbidden')` +
          `${options.primaryKey === false ? '' : ', PRIMARY KEY ([GroupId], [MemberId])'})`,
      );
      if (options.watermark) {
        await run(
          `CREATE TRIGGER [${schema}].[${groups}_touch] ON ${q(groups)} AFTER UPDATE AS BEGIN SET NOCOUNT ON; ` +
            `IF NOT UPDATE([UpdatedAt]) UPDATE t SET [UpdatedAt] = SYSUTCDATETIME() FROM ${q(groups)} t JOIN inserted i ON t.[Id] = i.[Id]; END`,
        );
        // The application's trigger: a membership change is a change of the group.
        await run(
          `CREATE TRIGGER [${schema}].[${members}_changed] ON ${q(members)} AFTER INSERT, DELETE AS BEGIN SET NOCOUNT ON; ` +
            `UPDATE g SET [UpdatedAt] = SYSUTCDATETIME() FROM ${q(groups)} g ` +
            `WHERE g.[Id] IN (SELECT [GroupId] FROM inserted UNION SELECT [GroupId] FROM deleted); END`,
        );
      }
    },
    async insertMemberships(table, pairs) {
      const marks = pairs.map((_, i) => `(@p${i * 2 + 1}, @p${i * 2 + 2})`).join(', ');
      await run(`INSERT INTO ${q(table)} ([GroupId], [MemberId]) VALUES ${marks}`, pairs.flat());
    },
    async deleteMemberships(table, pairs) {
      for (const [g, m] of pairs) await run(`DELETE FROM ${q(table)} WHERE [GroupId] = @p1 AND [MemberId] = @p2`, [g, m]);
    },
    async memberships(table) {
      return sortedPairs(await run(`SELECT [GroupId], [MemberId] FROM ${q(table)}`));
    },
    async addManagerColumn(table) {
      await run(`ALTER TABLE ${q(table)} ADD [Manager] nvarchar(128) NULL`);
    },
    async row(table, login) {
      return (await run(`SELECT * FROM ${q(table)} WHERE [ContosoLogin] = @p1`, [login]))[0];
    },
    async count(table) {
      return Number((await run(`SELECT COUNT(*) AS n FROM ${q(table)}`))[0]?.n);
    },
    async tableExists(table) {
      return (await run('SELECT OBJECT_ID(@p1) AS id', [q(table)]))[0]?.id !== null;
    },
    async close() {
      // Newest first: a membership table's foreign key points at an older table.
      for (const table of [...tables].reverse()) await run(`DROP TABLE IF EXISTS ${q(table)}`).catch(() => undefined);
      await run(`DROP SCHEMA IF EXISTS [${schema}]`).catch(() => undefined);
      await pool.close();
    },
  };
}

describeMssql('sql connector on SQL Server', () => {
  sqlConnectorSuite(openMssql);
});
