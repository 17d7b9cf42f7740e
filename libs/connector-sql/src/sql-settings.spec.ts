import Ajv from 'ajv';
import { parseConnectionSettings, parseTargetSettings, sqlSettingsSchema } from './sql-settings';

describe('sqlSettingsSchema', () => {
  const ajv = new Ajv({ allErrors: true });
  const connection = ajv.compile(sqlSettingsSchema.connection);
  const target = ajv.compile(sqlSettingsSchema.target);

  it.each([
    { dialect: 'sqlite', file: '/var/lib/target.db' },
    { dialect: 'postgres', url: 'postgres://app@db/hr', pool: { max: 5 }, statementTimeoutMs: 5000, schema: 'hr' },
    { dialect: 'mariadb', host: 'db', port: 3306, user: 'app', password: 'x', database: 'hr' },
    { dialect: 'mssql', url: 'Server=db,1433;Database=hr;User Id=sa;Password=x;Encrypt=true', options: { trustServerCertificate: true } },
  ])('accepts %p', (settings) => {
    expect(connection(settings)).toBe(true);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ file: 'x.db' }, 'no dialect'],
    [{ dialect: 'oracle', url: 'x' }, 'unknown dialect'],
    [{ dialect: 'sqlite' }, 'sqlite without file'],
    [{ dialect: 'postgres' }, 'postgres without url or host'],
    [{ dialect: 'postgres', url: 'x', pool: { max: 0 } }, 'pool.max 0'],
    [{ dialect: 'postgres', url: 'x', poolSize: 3 }, 'unknown key'],
  ])('refuses %p (%s)', (settings) => {
    expect(connection(settings)).toBe(false);
  });

  it('validates object type targets', () => {
    expect(target({ table: 'Employees', watermarkColumn: 'UpdatedAt' })).toBe(true);
    expect(target({})).toBe(false);
    expect(target({ table: 'Employees', view: 'x' })).toBe(false);
  });

  it('validates a membership table and reference columns', () => {
    const members = { table: 'GroupMembers', groupColumn: 'GroupId', memberColumn: 'MemberId' };
    expect(target({ table: 'Groups', members })).toBe(true);
    expect(target({ table: 'Groups', members: { ...members, attribute: 'member', referenceTo: ['User', 'Group'] } })).toBe(true);
    expect(target({ table: 'Employees', references: { Manager: 'User', Sponsor: ['User', 'Contact'] } })).toBe(true);
    expect(target({ table: 'Groups', members: { table: 'GroupMembers', groupColumn: 'GroupId' } })).toBe(false);
    expect(target({ table: 'Groups', members: { ...members, column: 'x' } })).toBe(false);
    expect(target({ table: 'Groups', members: { ...members, referenceTo: [] } })).toBe(false);
    expect(target({ table: 'Employees', references: { Manager: 3 } })).toBe(false);
    expect(target({ table: 'Employees', references: { Manager: [] } })).toBe(false);
  });
});

describe('parseConnectionSettings', () => {
  it('shapes valid settings', () => {
    expect(parseConnectionSettings({ dialect: 'postgres', url: 'postgres://x', pool: { max: 3 } })).toMatchObject({
      dialect: 'postgres',
      url: 'postgres://x',
      pool: { max: 3 },
    });
  });

  it('refuses what the schema would refuse', () => {
    expect(() => parseConnectionSettings({ dialect: 'oracle' })).toThrow('dialect');
    expect(() => parseConnectionSettings({ dialect: 'sqlite' })).toThrow('file');
    expect(() => parseConnectionSettings({ dialect: 'mysql', url: 'x', port: 'x' })).toThrow('port');
    expect(() => parseTargetSettings('User', {})).toThrow('objectTypes.User.target.table');
  });

  it('shapes members and references, defaulting the attribute name, and names the key of a bad one', () => {
    const types = ['User', 'Group'];
    expect(parseTargetSettings('Group', { table: 'Groups', members: { table: 'M', groupColumn: 'G', memberColumn: 'U' } }, types)).toEqual({
      table: 'Groups',
      members: { table: 'M', groupColumn: 'G', memberColumn: 'U', attribute: 'members' },
    });
    expect(parseTargetSettings('User', { table: 'E', references: { Manager: 'User' } }, types)).toEqual({ table: 'E', references: { Manager: ['User'] } });
    expect(() => parseTargetSettings('Group', { table: 'G', members: { table: 'M', groupColumn: 'G' } }, types)).toThrow(
      'objectTypes.Group.target.members.memberColumn',
    );
    expect(() =>
      parseTargetSettings('Group', { table: 'G', members: { table: 'M', groupColumn: 'G', memberColumn: 'U', referenceTo: ['Device'] } }, types),
    ).toThrow('objectTypes.Group.target.members.referenceTo names Device, not an object type of this connector (User, Group)');
    expect(() => parseTargetSettings('User', { table: 'E', references: { Manager: 'Boss' } }, types)).toThrow('objectTypes.User.target.references.Manager');
    expect(() => parseTargetSettings('User', { table: 'E', references: ['Manager'] }, types)).toThrow('objectTypes.User.target.references');
  });
});
