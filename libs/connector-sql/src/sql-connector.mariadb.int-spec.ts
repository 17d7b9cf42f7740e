import { createConnection, Connection, RowDataPacket } from 'mysql2/promise';
import { findFreePort, MariaDbServer, startMariaDb } from '@connector-host/testing';
import { sqlConnectorFactory } from './sql-connector.factory';
import { sqlConnectorSuite } from './testing/sql-connector.suite';
import { contextFor, employeeBinding, sortedPairs, SqlTestDatabase } from './testing/sql-test-database';

let server: MariaDbServer;

beforeAll(async () => {
  server = await startMariaDb();
});
afterAll(async () => {
  await server?.stop();
});

async function openMariaDb(): Promise<SqlTestDatabase & { connection_: Connection; url: string }> {
  const url = await server.createDatabase();
  const connection = await createConnection(url);
  const q = (name: string): string => `\`${name.replace(/`/g, '``')}\``;
  const rows = async (sql: string, params: unknown[] = []): Promise<RowDataPacket[]> =>
    (await connection.query<RowDataPacket[]>(sql, params))[0];
  return {
    connection_: connection,
    url,
    dialect: 'mariadb',
    connection: { dialect: 'mariadb', url },
    watermarkColumn: 'UpdatedAt',
    async createEmployees(table, options = {}) {
      await connection.query(
        `CREATE TABLE ${q(table)} (ContosoLogin varchar(128) PRIMARY KEY, FirstName varchar(50) NOT NULL, LastName varchar(50) NOT NULL, ` +
          `Email varchar(128), AzureID char(36), textID varchar(128), Enabled boolean NOT NULL DEFAULT 1` +
          `${options.watermark ? ', UpdatedAt timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)' : ''})`,
      );
    },
    async createIdentityTable(table) {
      await connection.query(`CREATE TABLE ${q(table)} (Id int AUTO_INCREMENT PRIMARY KEY, Name varchar(50) NOT NULL)`);
    },
    async insertEmployees(table, logins) {
      // One statement: CURRENT_TIMESTAMP(6) is the statement's start, shared by every row.
      const marks = logins.map(() => '(?, ?, ?)').join(', ');
      await connection.query(
        `INSERT INTO ${q(table)} (ContosoLogin, FirstName, LastName) VALUES ${marks}`,
        logins.flatMap((l) => [l, 'F', 'L']),
      );
    },
    async createGroups(groups, members, options = {}) {
      await connection.query(
        `CREATE TABLE ${q(groups)} (Id varchar(64) PRIMARY KEY, DisplayName varchar(100) NOT NULL` +
          `${options.watermark ? ', UpdatedAt timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)' : ''})`,
      );
      const fk = options.memberForeignKey ? `, FOREIGN KEY (MemberId) REFERENCES ${q(options.memberForeignKey)} (ContosoLogin)` : '';
      await connection.query(
        `CREATE TABLE ${q(members)} (GroupId varchar(128) NOT NULL, MemberId varchar(128) NOT NULL, CHECK (MemberId <> 'forbidden')` +
          `${options.primaryKey === false ? '' : ', PRIMARY KEY (GroupId, MemberId)'}${fk})`,
      );
      if (options.watermark) {
        // The application's triggers: a membership change is a change of the group.
        for (const [event, row] of [
          ['INSERT', 'NEW'],
          ['DELETE', 'OLD'],
        ]) {
          await connection.query(
            `CREATE TRIGGER ${q(`${members}_${event}`)} AFTER ${event} ON ${q(members)} FOR EACH ROW ` +
              `UPDATE ${q(groups)} SET UpdatedAt = CURRENT_TIMESTAMP(6) WHERE Id = ${row}.GroupId`,
          );
        }
      }
    },
    async insertMemberships(table, pairs) {
      await connection.query(`INSERT INTO ${q(table)} (GroupId, MemberId) VALUES ${pairs.map(() => '(?, ?)').join(', ')}`, pairs.flat());
    },
    async deleteMemberships(table, pairs) {
      for (const [g, m] of pairs) await connection.query(`DELETE FROM ${q(table)} WHERE GroupId = ? AND MemberId = ?`, [g, m]);
    },
    async memberships(table) {
      return sortedPairs(await rows(`SELECT GroupId, MemberId FROM ${q(table)}`));
    },
    async addManagerColumn(table) {
      await connection.query(`ALTER TABLE ${q(table)} ADD COLUMN Manager varchar(128)`);
    },
    async row(table, login) {
      return (await rows(`SELECT * FROM ${q(table)} WHERE ContosoLogin = ?`, [login]))[0];
    },
    async count(table) {
      return Number((await rows(`SELECT COUNT(*) AS n FROM ${q(table)}`))[0]?.n);
    },
    async tableExists(table) {
      return (await rows('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table])).length === 1;
    },
    async close() {
      await connection.end();
    },
  };
}

describe('sql connector on MariaDB', () => {
  sqlConnectorSuite(openMariaDb);

  describe('MariaDB specifics', () => {
    let db: Awaited<ReturnType<typeof openMariaDb>>;
    beforeAll(async () => {
      db = await openMariaDb();
    });
    afterAll(() => db?.close());

    it('maps MariaDB column types', async () => {
      await db.connection_.query(
        'CREATE TABLE Typed (ContosoLogin varchar(64) PRIMARY KEY, Active tinyint(1), Flag bit(1), Level tinyint, Score decimal(5,2), ' +
          'Born date, Seen datetime(3), Photo varbinary(100), Code varchar(10) COLLATE utf8mb4_bin, Doubled int AS (Level * 2) VIRTUAL)',
      );
      const connector = sqlConnectorFactory.create(contextFor(db.connection, [employeeBinding('Typed')]));
      try {
        const schema = await connector.discoverSchema();
        const byName = Object.fromEntries((schema.objectTypes[0]?.attributes ?? []).map((a) => [a.name, a]));
        expect(Object.fromEntries(Object.entries(byName).map(([n, a]) => [n, a.type]))).toEqual({
          ContosoLogin: 'string',
          Active: 'boolean',
          Flag: 'boolean',
          Level: 'integer',
          Score: 'decimal',
          Born: 'dateTime',
          Seen: 'dateTime',
          Photo: 'binary',
          Code: 'string',
          Doubled: 'integer',
        });
        expect(byName.Code?.caseExact).toBe(true);
        expect(byName.ContosoLogin?.caseExact).toBe(false);
        expect(byName.Doubled?.readOnly).toBe(true);
        const added = await connector.export({
          kind: 'add',
          objectType: 'User',
          attributes: {
            ContosoLogin: ['t'],
            Active: [true],
            Flag: [true],
            Level: [3],
            Score: [1.25],
            Born: ['2000-02-29'],
            Seen: ['2024-05-01T10:20:30.123Z'],
            Photo: [Buffer.from([0, 1, 2]).toString('base64')],
          },
        });
        expect(added.attributes).toEqual({
          ContosoLogin: ['t'],
          Active: [true],
          Flag: [true],
          Level: [3],
          Score: [1.25],
          Born: ['2000-02-29T00:00:00.000Z'],
          Seen: ['2024-05-01T10:20:30.123Z'],
          Photo: [Buffer.from([0, 1, 2]).toString('base64')],
          Code: [],
          Doubled: [6],
        });
      } finally {
        await connector.close();
      }
    });

    it('counts members that differ only in case as one, as the case-insensitive collation does', async () => {
      await db.createGroups('CiGroups', 'CiMembers');
      const connector = sqlConnectorFactory.create(
        contextFor(db.connection, [
          { name: 'Group', anchor: 'Id', dn: { kind: 'autogenerated' }, target: { table: 'CiGroups', members: { table: 'CiMembers', groupColumn: 'GroupId', memberColumn: 'MemberId' } } },
        ]),
      );
      try {
        const added = await connector.export({ kind: 'add', objectType: 'Group', attributes: { Id: ['g'], DisplayName: ['G'], members: ['ada', 'ADA', 'Bob'] } });
        expect(added.attributes?.members).toEqual(['ada', 'Bob']);
        await connector.export({ kind: 'update', objectType: 'Group', anchor: 'g', dn: '', deltas: [{ attribute: 'members', op: 'add', values: ['BOB', 'cy', 'CY'] }] });
        expect(await db.memberships('CiMembers')).toEqual([
          ['g', 'Bob'],
          ['g', 'ada'],
          ['g', 'cy'],
        ]);
      } finally {
        await connector.close();
      }
    });

    it('answers timeout when a statement runs past statementTimeoutMs', async () => {
      await db.createEmployees('Slow');
      await db.insertEmployees('Slow', ['a']);
      await db.connection_.query('CREATE VIEW SlowView AS SELECT * FROM Slow WHERE SLEEP(1) = 0');
      const connector = sqlConnectorFactory.create(
        contextFor({ ...db.connection, statementTimeoutMs: 100 }, [employeeBinding('SlowView')]),
      );
      try {
        await expect(connector.get('User', 'a')).rejects.toMatchObject({ reason: 'timeout', retryable: true });
      } finally {
        await connector.close();
      }
    });

    it('answers unavailable when nothing listens', async () => {
      const port = await findFreePort();
      const connector = sqlConnectorFactory.create(
        contextFor({ dialect: 'mysql', url: `mysql://root@127.0.0.1:${port}/test` }, [employeeBinding('Employees')]),
      );
      try {
        await expect(connector.test()).rejects.toMatchObject({ reason: 'unavailable', retryable: true });
      } finally {
        await connector.close();
      }
    });
  });
});
