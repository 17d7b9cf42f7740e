import { ConnectorError } from '@connector-host/connector-sdk';
import type { ColumnInfo } from './sql-columns';
import { bindMembership, MAX_PARAMETERS, MembershipStatements } from './sql-membership';
import type { SqlDialect } from './sql-settings';

function column(name: string, sqlType = 'varchar', extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return { name, sqlType, type: 'string', nullable: false, hasDefault: false, autoIncrement: false, computed: false, caseExact: true, ...extra };
}

const group = column('GroupId', 'character varying');
const member = column('MemberId', 'integer', { type: 'integer' });

function statements(dialect: SqlDialect, maxParameters?: number): MembershipStatements {
  const table = dialect === 'postgres' || dialect === 'mssql' ? { schema: 'hr', name: 'Group Members' } : { name: 'Group Members' };
  return new MembershipStatements(dialect, table, group, member, maxParameters);
}

describe('MembershipStatements', () => {
  it('adds members in one INSERT that skips pairs already there, per dialect', () => {
    expect(statements('postgres').insert('g', [1, 2])).toEqual([
      {
        text:
          'INSERT INTO "hr"."Group Members" ("GroupId", "MemberId") SELECT v."group_key", v."member_key" FROM ' +
          '(VALUES (CAST($1 AS character varying), CAST($2 AS integer)), (CAST($3 AS character varying), CAST($4 AS integer))) AS v("group_key", "member_key") ' +
          'WHERE NOT EXISTS (SELECT 1 FROM "hr"."Group Members" x WHERE x."GroupId" = v."group_key" AND x."MemberId" = v."member_key") ON CONFLICT DO NOTHING',
        params: [
          { value: 'g', sqlType: 'character varying' },
          { value: 1, sqlType: 'integer' },
          { value: 'g', sqlType: 'character varying' },
          { value: 2, sqlType: 'integer' },
        ],
      },
    ]);
    expect(statements('sqlite').insert('g', [1, 2])[0]?.text).toBe(
      'INSERT INTO "Group Members" ("GroupId", "MemberId") SELECT v."group_key", v."member_key" FROM ' +
        '(SELECT column1 AS "group_key", column2 AS "member_key" FROM (VALUES (?, ?), (?, ?))) AS v ' +
        'WHERE NOT EXISTS (SELECT 1 FROM "Group Members" x WHERE x."GroupId" = v."group_key" AND x."MemberId" = v."member_key") ON CONFLICT DO NOTHING',
    );
    expect(statements('mariadb').insert('g', [1, 2])[0]?.text).toBe(
      'INSERT INTO `Group Members` (`GroupId`, `MemberId`) SELECT v.`group_key`, v.`member_key` FROM ' +
        '(SELECT ? AS `group_key`, ? AS `member_key` UNION ALL SELECT ?, ?) AS v ' +
        'WHERE NOT EXISTS (SELECT 1 FROM `Group Members` x WHERE x.`GroupId` = v.`group_key` AND x.`MemberId` = v.`member_key`)',
    );
    expect(statements('mssql').insert('g', [1, 2])[0]?.text).toBe(
      'INSERT INTO [hr].[Group Members] ([GroupId], [MemberId]) SELECT v.[group_key], v.[member_key] FROM ' +
        '(VALUES (@p1, @p2), (@p3, @p4)) AS v([group_key], [member_key]) ' +
        'WHERE NOT EXISTS (SELECT 1 FROM [hr].[Group Members] x WITH (UPDLOCK, HOLDLOCK) WHERE x.[GroupId] = v.[group_key] AND x.[MemberId] = v.[member_key])',
    );
  });

  it('removes members in one DELETE … IN, and reads members of many groups in one SELECT', () => {
    expect(statements('mssql').delete('g', [1, 2, 3])).toEqual([
      {
        text: 'DELETE FROM [hr].[Group Members] WHERE [GroupId] = @p1 AND [MemberId] IN (@p2, @p3, @p4)',
        params: [
          { value: 'g', sqlType: 'character varying' },
          { value: 1, sqlType: 'integer' },
          { value: 2, sqlType: 'integer' },
          { value: 3, sqlType: 'integer' },
        ],
      },
    ]);
    expect(statements('postgres').selectMembers(['a', 'b'])).toEqual([
      {
        text: 'SELECT "GroupId", "MemberId" FROM "hr"."Group Members" WHERE "GroupId" IN ($1, $2) ORDER BY "GroupId", "MemberId"',
        params: [
          { value: 'a', sqlType: 'character varying' },
          { value: 'b', sqlType: 'character varying' },
        ],
      },
    ]);
    expect(statements('mysql').deleteGroup('g').text).toBe('DELETE FROM `Group Members` WHERE `GroupId` = ?');
    expect(statements('sqlite').deleteMember(7).text).toBe('DELETE FROM "Group Members" WHERE "MemberId" = ?');
    expect(statements('postgres').renameMember(7, 8)).toEqual({
      text: 'UPDATE "hr"."Group Members" SET "MemberId" = $1 WHERE "MemberId" = $2',
      params: [
        { value: 8, sqlType: 'integer' },
        { value: 7, sqlType: 'integer' },
      ],
    });
  });

  it('splits only where a statement would pass the parameter limit', () => {
    const members = Array.from({ length: 25 }, (_, i) => i);
    const small = statements('sqlite', 10);
    expect(small.insert('g', members).map((s) => s.params.length)).toEqual([10, 10, 10, 10, 10]);
    expect(small.delete('g', members).map((s) => s.params.length)).toEqual([10, 10, 8]) // the group's parameter and 9 members each;
    expect(small.selectMembers(members).map((s) => s.params.length)).toEqual([10, 10, 5]);
    expect(small.insert('g', [])).toEqual([]);
    expect(small.delete('g', [])).toEqual([]);

    // SQL Server's 2000: 1,000 members fit one INSERT (2,000 parameters) and one DELETE.
    const thousand = Array.from({ length: 1000 }, (_, i) => i);
    expect(statements('mssql').insert('g', thousand)).toHaveLength(1);
    expect(statements('mssql').insert('g', [...thousand, ...thousand.map((i) => i + 1000)]).map((s) => s.params.length)).toEqual([2000, 2000]);
    expect(statements('mssql').delete('g', thousand)).toHaveLength(1);
    expect(MAX_PARAMETERS.postgres).toBe(65535);
    for (const statement of statements('mssql').insert('g', [...thousand, ...thousand])) expect(statement.params.length).toBeLessThanOrEqual(2000);
  });

  it('never inlines a PostgreSQL type it cannot trust as a cast', () => {
    const odd = new MembershipStatements('postgres', { name: 'm' }, column('g', 'varchar"; DROP TABLE x; --'), member);
    expect(() => odd.insert('g', [1])).toThrow(ConnectorError);
  });
});

describe('bindMembership', () => {
  const columns = [column('groupid'), column('memberid')];

  it('finds the columns case-insensitively and describes the members attribute', () => {
    const bound = bindMembership('postgres', 'Group', { table: 'm', groupColumn: 'GroupId', memberColumn: 'MemberId', attribute: 'members' }, ['User'], { name: 'm' }, columns);
    expect([bound.groupColumn.name, bound.memberColumn.name]).toEqual(['groupid', 'memberid']);
    expect(bound.schema).toEqual({
      name: 'members',
      type: 'reference',
      multiValued: true,
      required: false,
      readOnly: false,
      caseExact: true,
      referenceTo: ['User'],
      referenceBy: 'anchor',
    });
  });

  it('names the config key of a missing column', () => {
    expect(() =>
      bindMembership('sqlite', 'Team', { table: 'm', groupColumn: 'GroupId', memberColumn: 'Who', attribute: 'members' }, ['User'], { name: 'm' }, columns),
    ).toThrow('objectTypes.Team.target.members.memberColumn "Who" is not a column of the membership table m');
  });
});
