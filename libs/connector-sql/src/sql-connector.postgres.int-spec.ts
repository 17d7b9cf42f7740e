import { Client } from 'pg';
import { findFreePort, PostgresServer, startPostgres } from '@connector-host/testing';
import { sqlConnectorFactory } from './sql-connector.factory';
import { sqlConnectorSuite } from './testing/sql-connector.suite';
import { contextFor, employeeBinding, sortedPairs, SqlTestDatabase } from './testing/sql-test-database';

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

async function openPostgres(): Promise<SqlTestDatabase & { client: Client; url: string }> {
  const url = await server.createDatabase();
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(
    `CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW."UpdatedAt" := clock_timestamp(); RETURN NEW; END $$`,
  );
  const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
  return {
    client,
    url,
    dialect: 'postgres',
    connection: { dialect: 'postgres', url },
    watermarkColumn: 'UpdatedAt',
    async createEmployees(table, options = {}) {
      await client.query(
        `CREATE TABLE ${q(table)} ("ContosoLogin" varchar(128) PRIMARY KEY, "FirstName" varchar(50) NOT NULL, "LastName" varchar(50) NOT NULL, ` +
          `"Email" varchar(128), "AzureID" uuid, "textID" varchar(128), "Enabled" boolean NOT NULL DEFAULT true` +
          `${options.watermark ? ', "UpdatedAt" timestamptz NOT NULL DEFAULT now()' : ''})`,
      );
      if (options.watermark) {
        await client.query(`CREATE TRIGGER ${q(`${table}_touch`)} BEFORE UPDATE ON ${q(table)} FOR EACH ROW EXECUTE FUNCTION touch_updated_at()`);
      }
    },
    async createIdentityTable(table) {
      await client.query(`CREATE TABLE ${q(table)} ("Id" integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "Name" varchar(50) NOT NULL)`);
    },
    async insertEmployees(table, logins) {
      // One statement, one transaction: now() gives every row the same UpdatedAt.
      const marks = logins.map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`).join(', ');
      await client.query(
        `INSERT INTO ${q(table)} ("ContosoLogin", "FirstName", "LastName") VALUES ${marks}`,
        logins.flatMap((l) => [l, 'F', 'L']),
      );
    },
    async createGroups(groups, members, options = {}) {
      await client.query(
        `CREATE TABLE ${q(groups)} ("Id" varchar(64) PRIMARY KEY, "DisplayName" varchar(100) NOT NULL` +
          `${options.watermark ? ', "UpdatedAt" timestamptz NOT NULL DEFAULT now()' : ''})`,
      );
      const fk = options.memberForeignKey ? ` REFERENCES ${q(options.memberForeignKey)} ("ContosoLogin")` : '';
      await client.query(
        `CREATE TABLE ${q(members)} ("GroupId" varchar(128) NOT NULL, "MemberId" varchar(128) NOT NULL${fk} CHECK ("MemberId" <> 'forbidden')` +
          `${options.primaryKey === false ? '' : ', PRIMARY KEY ("GroupId", "MemberId")'})`,
      );
      if (options.watermark) {
        await client.query(`CREATE TRIGGER ${q(`${groups}_touch`)} BEFORE UPDATE ON ${q(groups)} FOR EACH ROW EXECUTE FUNCTION touch_updated_at()`);
        // The application's trigger: a membership change is a change of the group.
        await client.query(
          `CREATE FUNCTION ${q(`${members}_touch_group`)}() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE g varchar; BEGIN ` +
            `IF TG_OP = 'DELETE' THEN g := OLD."GroupId"; ELSE g := NEW."GroupId"; END IF; ` +
            `UPDATE ${q(groups)} SET "UpdatedAt" = clock_timestamp() WHERE "Id" = g; RETURN NULL; END $$`,
        );
        await client.query(
          `CREATE TRIGGER ${q(`${members}_changed`)} AFTER INSERT OR DELETE ON ${q(members)} FOR EACH ROW EXECUTE FUNCTION ${q(`${members}_touch_group`)}()`,
        );
      }
    },
    async insertMemberships(table, pairs) {
      const marks = pairs.map((_, i) => `($${i * 2 + 1}, $${i * 2 + 2})`).join(', ');
      await client.query(`INSERT INTO ${q(table)} ("GroupId", "MemberId") VALUES ${marks}`, pairs.flat());
    },
    async deleteMemberships(table, pairs) {
      for (const [g, m] of pairs) await client.query(`DELETE FROM ${q(table)} WHERE "GroupId" = $1 AND "MemberId" = $2`, [g, m]);
    },
    async memberships(table) {
      return sortedPairs((await client.query(`SELECT "GroupId", "MemberId" FROM ${q(table)}`)).rows);
    },
    async addManagerColumn(table) {
      await client.query(`ALTER TABLE ${q(table)} ADD COLUMN "Manager" varchar(128)`);
    },
    async row(table, login) {
      return (await client.query(`SELECT * FROM ${q(table)} WHERE "ContosoLogin" = $1`, [login])).rows[0];
    },
    async count(table) {
      return Number((await client.query(`SELECT COUNT(*) AS n FROM ${q(table)}`)).rows[0].n);
    },
    async tableExists(table) {
      return (await client.query('SELECT to_regclass($1) AS t', [q(table)])).rows[0].t !== null;
    },
    async close() {
      await client.end();
    },
  };
}

describe('sql connector on PostgreSQL', () => {
  sqlConnectorSuite(openPostgres);

  describe('PostgreSQL specifics', () => {
    let db: Awaited<ReturnType<typeof openPostgres>>;
    beforeAll(async () => {
      db = await openPostgres();
    });
    afterAll(() => db?.close());

    it('finds an unquoted (lower-case) table and columns by their configured spelling', async () => {
      await db.client.query(
        'CREATE TABLE Employees (ContosoLogin varchar(64) PRIMARY KEY, FirstName varchar(50) NOT NULL, Enabled boolean, Score numeric(5,2), Born date, Photo bytea, Seen timestamp)',
      );
      const connector = sqlConnectorFactory.create(contextFor(db.connection, [employeeBinding('Employees')]));
      try {
        const schema = await connector.discoverSchema();
        const types = Object.fromEntries((schema.objectTypes[0]?.attributes ?? []).map((a) => [a.name, a.type]));
        expect(schema.objectTypes[0]).toMatchObject({ targetName: 'employees', anchor: 'ContosoLogin' });
        expect(types).toEqual({
          ContosoLogin: 'string',
          firstname: 'string',
          enabled: 'boolean',
          score: 'decimal',
          born: 'dateTime',
          photo: 'binary',
          seen: 'dateTime',
        });
        const added = await connector.export({
          kind: 'add',
          objectType: 'User',
          attributes: {
            ContosoLogin: ['grace'],
            FirstName: ['Grace'],
            score: ['12.5'],
            born: ['1906-12-09T00:00:00Z'],
            photo: [Buffer.from('png!').toString('base64')],
            seen: ['2024-05-01T10:20:30.123Z'],
          },
        });
        expect(added.attributes).toEqual({
          ContosoLogin: ['grace'],
          firstname: ['Grace'],
          enabled: [],
          score: [12.5],
          born: ['1906-12-09T00:00:00.000Z'],
          photo: [Buffer.from('png!').toString('base64')],
          seen: ['2024-05-01T10:20:30.123Z'],
        });
        const raw = (await db.client.query('SELECT contosologin, seen::text AS seen FROM employees')).rows[0];
        expect(raw).toEqual({ contosologin: 'grace', seen: '2024-05-01 10:20:30.123' });
      } finally {
        await connector.close();
      }
    });

    it('reads a table in the configured schema', async () => {
      await db.client.query('CREATE SCHEMA hr');
      await db.client.query('CREATE TABLE hr."Staff" ("ContosoLogin" text PRIMARY KEY, "FirstName" text NOT NULL)');
      await db.client.query(`INSERT INTO hr."Staff" VALUES ('a', 'A')`);
      const connector = sqlConnectorFactory.create(contextFor({ ...db.connection, schema: 'hr' }, [employeeBinding('Staff')]));
      try {
        expect(await connector.get('User', 'a')).toMatchObject({ anchor: 'a', attributes: { FirstName: ['A'] } });
      } finally {
        await connector.close();
      }
    });

    it('answers invalidValue to a value PostgreSQL cannot convert', async () => {
      await db.createEmployees('Typed');
      const connector = sqlConnectorFactory.create(contextFor(db.connection, [employeeBinding('Typed')]));
      try {
        const error = await connector
          .export({ kind: 'add', objectType: 'User', attributes: { ContosoLogin: ['x'], FirstName: ['a'], LastName: ['b'], AzureID: ['not-a-guid'] } })
          .catch((e: unknown) => e);
        expect(error).toMatchObject({ reason: 'invalidValue', retryable: false });
      } finally {
        await connector.close();
      }
    });

    it('answers timeout when a statement runs past statementTimeoutMs', async () => {
      await db.createEmployees('Slow');
      await db.insertEmployees('Slow', ['a']);
      await db.client.query(`CREATE VIEW "SlowView" AS SELECT * FROM "Slow" WHERE pg_sleep(1) IS NOT NULL`);
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
        contextFor({ dialect: 'postgres', url: `postgres://postgres@127.0.0.1:${port}/postgres` }, [employeeBinding('Employees')]),
      );
      try {
        await expect(connector.test()).rejects.toMatchObject({ reason: 'unavailable', retryable: true });
      } finally {
        await connector.close();
      }
    });
  });
});
