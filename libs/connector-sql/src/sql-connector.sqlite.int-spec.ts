import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ConnectorError } from '@connector-host/connector-sdk';
import { createTempDir, TempDir } from '@connector-host/testing';
import { sqlConnectorFactory } from './sql-connector.factory';
import { sqlConnectorSuite } from './testing/sql-connector.suite';
import { contextFor, employeeBinding, sortedPairs, SqlTestDatabase } from './testing/sql-test-database';

async function openSqlite(): Promise<SqlTestDatabase & { temp: TempDir; file: string }> {
  const temp = createTempDir('connector-sql-sqlite-');
  const file = join(temp.path, 'target.db');
  const db = new Database(file);
  const q = (name: string): string => `"${name}"`;
  return {
    temp,
    file,
    dialect: 'sqlite',
    connection: { dialect: 'sqlite', file },
    watermarkColumn: 'Version',
    async createEmployees(table, options = {}) {
      db.exec(
        `CREATE TABLE ${q(table)} (ContosoLogin TEXT PRIMARY KEY NOT NULL, FirstName TEXT NOT NULL, LastName TEXT NOT NULL, ` +
          `Email TEXT, AzureID TEXT, textID TEXT, Enabled BOOLEAN NOT NULL DEFAULT 1${options.watermark ? ', Version INTEGER' : ''})`,
      );
      if (options.watermark) {
        // The application's triggers number every change: the row's Version becomes the newest.
        db.exec(
          `CREATE TRIGGER ${q(`${table}_added`)} AFTER INSERT ON ${q(table)} WHEN NEW.Version IS NULL BEGIN ` +
            `UPDATE ${q(table)} SET Version = (SELECT COALESCE(MAX(Version), 0) + 1 FROM ${q(table)}) WHERE ContosoLogin = NEW.ContosoLogin; END;` +
            `CREATE TRIGGER ${q(`${table}_changed`)} AFTER UPDATE ON ${q(table)} WHEN NEW.Version IS OLD.Version BEGIN ` +
            `UPDATE ${q(table)} SET Version = (SELECT MAX(Version) + 1 FROM ${q(table)}) WHERE ContosoLogin = NEW.ContosoLogin; END;`,
        );
      }
    },
    async createIdentityTable(table) {
      db.exec(`CREATE TABLE ${q(table)} (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL)`);
    },
    async insertEmployees(table, logins, options = {}) {
      const version = options.watermark
        ? ((db.prepare(`SELECT COALESCE(MAX(Version), 0) + 1 AS v FROM ${q(table)}`).get() as { v: number }).v)
        : undefined;
      const columns = version === undefined ? '(ContosoLogin, FirstName, LastName)' : '(ContosoLogin, FirstName, LastName, Version)';
      const marks = logins.map(() => (version === undefined ? '(?, ?, ?)' : '(?, ?, ?, ?)')).join(', ');
      const params = logins.flatMap((l) => (version === undefined ? [l, 'F', 'L'] : [l, 'F', 'L', version]));
      db.prepare(`INSERT INTO ${q(table)} ${columns} VALUES ${marks}`).run(...params);
    },
    async createGroups(groups, members, options = {}) {
      db.exec(`CREATE TABLE ${q(groups)} (Id TEXT PRIMARY KEY NOT NULL, DisplayName TEXT NOT NULL${options.watermark ? ', Version INTEGER' : ''})`);
      const fk = options.memberForeignKey ? ` REFERENCES ${q(options.memberForeignKey)} (ContosoLogin)` : '';
      db.exec(
        `CREATE TABLE ${q(members)} (GroupId TEXT NOT NULL, MemberId TEXT NOT NULL${fk} CHECK (MemberId <> 'forbidden')` +
          `${options.primaryKey === false ? '' : ', PRIMARY KEY (GroupId, MemberId)'})`,
      );
      if (options.watermark) {
        const bump = (row: string): string =>
          `UPDATE ${q(groups)} SET Version = (SELECT COALESCE(MAX(Version), 0) + 1 FROM ${q(groups)}) WHERE Id = ${row}; `;
        db.exec(
          `CREATE TRIGGER ${q(`${groups}_added`)} AFTER INSERT ON ${q(groups)} WHEN NEW.Version IS NULL BEGIN ${bump('NEW.Id')}END;` +
            `CREATE TRIGGER ${q(`${groups}_changed`)} AFTER UPDATE ON ${q(groups)} WHEN NEW.Version IS OLD.Version BEGIN ${bump('NEW.Id')}END;` +
            // The application's triggers: a membership change is a change of the group.
            `CREATE TRIGGER ${q(`${members}_added`)} AFTER INSERT ON ${q(members)} BEGIN ${bump('NEW.GroupId')}END;` +
            `CREATE TRIGGER ${q(`${members}_removed`)} AFTER DELETE ON ${q(members)} BEGIN ${bump('OLD.GroupId')}END;`,
        );
      }
    },
    async insertMemberships(table, pairs) {
      db.prepare(`INSERT INTO ${q(table)} (GroupId, MemberId) VALUES ${pairs.map(() => '(?, ?)').join(', ')}`).run(...pairs.flat());
    },
    async deleteMemberships(table, pairs) {
      const remove = db.prepare(`DELETE FROM ${q(table)} WHERE GroupId = ? AND MemberId = ?`);
      for (const [g, m] of pairs) remove.run(g, m);
    },
    async memberships(table) {
      return sortedPairs(db.prepare(`SELECT GroupId, MemberId FROM ${q(table)}`).all() as Array<Record<string, unknown>>);
    },
    async addManagerColumn(table) {
      db.exec(`ALTER TABLE ${q(table)} ADD COLUMN Manager TEXT`);
    },
    async row(table, login) {
      return db.prepare(`SELECT * FROM ${q(table)} WHERE ContosoLogin = ?`).get(login) as Record<string, unknown> | undefined;
    },
    async count(table) {
      return (db.prepare(`SELECT COUNT(*) AS n FROM ${q(table)}`).get() as { n: number }).n;
    },
    async tableExists(table) {
      return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
    },
    async close() {
      db.close();
      temp.remove();
    },
  };
}

describe('sql connector on SQLite', () => {
  sqlConnectorSuite(openSqlite);

  describe('SQLite specifics', () => {
    let db: Awaited<ReturnType<typeof openSqlite>>;
    beforeAll(async () => {
      db = await openSqlite();
    });
    afterAll(() => db.close());

    it('refuses a database file that does not exist with unavailable, creating nothing', async () => {
      const file = join(db.temp.path, 'missing.db');
      const connector = sqlConnectorFactory.create(contextFor({ dialect: 'sqlite', file }, [employeeBinding('Employees')]));
      await expect(connector.test()).rejects.toMatchObject({ reason: 'unavailable', retryable: true });
      await connector.close();
      expect(require('node:fs').existsSync(file)).toBe(false);
    });

    it('answers busy while another connection holds the write lock', async () => {
      await db.createEmployees('Locked');
      const connector = sqlConnectorFactory.create(
        contextFor({ dialect: 'sqlite', file: db.file, statementTimeoutMs: 50 }, [employeeBinding('Locked')]),
      );
      await connector.test();
      const locker = new Database(db.file);
      locker.exec('BEGIN IMMEDIATE');
      try {
        const error = await connector
          .export({ kind: 'add', objectType: 'User', attributes: { ContosoLogin: ['x'], FirstName: ['a'], LastName: ['b'] } })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConnectorError);
        expect(error).toMatchObject({ reason: 'busy', retryable: true });
      } finally {
        locker.exec('ROLLBACK');
        locker.close();
        await connector.close();
      }
    });

    it('finds the table and columns whatever their case', async () => {
      await db.createEmployees('lowercase_employees');
      const connector = sqlConnectorFactory.create(
        contextFor(db.connection, [{ ...employeeBinding('LOWERCASE_EMPLOYEES'), anchor: 'contosologin', attributes: ['FIRSTNAME'] }]),
      );
      const schema = await connector.discoverSchema();
      expect(schema.objectTypes[0]).toMatchObject({ targetName: 'lowercase_employees', anchor: 'contosologin' });
      expect(schema.objectTypes[0]?.attributes.map((a) => a.name)).toEqual(['contosologin', 'FIRSTNAME']);
      const added = await connector.export({
        kind: 'add',
        objectType: 'User',
        attributes: { contosologin: ['a'], FIRSTNAME: ['b'], lastname: ['c'] },
      }).catch((e: unknown) => e);
      // lastname is a column but not selected: not writable through this connector.
      expect(added).toMatchObject({ reason: 'schemaViolation' });
      await connector.close();
    });
  });
});
