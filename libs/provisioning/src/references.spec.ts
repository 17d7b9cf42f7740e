import type { ObjectTypeSchema } from '@connector-host/connector-sdk';
import type { ObjectTypeConfig } from '@connector-host/config';
import { ObjectMapper } from './object-mapper';
import { ImportedDirectory, referencesOf, referencesToSpace, type Reference } from './references';

const attr = (name: string, extra: Partial<ObjectTypeSchema['attributes'][0]> = {}) => ({
  name,
  type: 'string' as const,
  multiValued: false,
  required: false,
  readOnly: false,
  caseExact: false,
  ...extra,
});

const groupSchema: ObjectTypeSchema = {
  name: 'Group',
  targetName: 'groupOfNames',
  anchor: 'entryUUID',
  attributes: [attr('entryUUID', { readOnly: true }), attr('cn'), attr('member', { type: 'reference', multiValued: true, required: true }), attr('memberUid', { multiValued: true })],
};

const groupConfig = (overrides: Partial<ObjectTypeConfig> = {}): ObjectTypeConfig => ({
  name: 'Group',
  anchor: 'entryUUID',
  queryAttributes: ['cn'],
  dn: { kind: 'template', template: 'cn={cn},ou=Groups,dc=example,dc=com' },
  scimMappings: { displayName: 'cn', members: 'member' },
  deprovisioning: { disable: { flow: 'none' }, delete: { flow: 'delete' } },
  references: [],
  target: {},
  ...overrides,
});

describe('referencesOf', () => {
  it('makes the attribute mapped from members a reference to users and groups, by DN for a DN-valued attribute', () => {
    expect(referencesOf(groupConfig(), groupSchema, ['User', 'Group'])).toEqual([{ attribute: 'member', to: ['User', 'Group'], by: { kind: 'dn' } }]);
  });

  it('keeps only the referenced types the connector provisions', () => {
    expect(referencesOf(groupConfig(), groupSchema, ['Group'])).toEqual([{ attribute: 'member', to: ['Group'], by: { kind: 'dn' } }]);
  });

  it('follows the connector’s referenceBy, and the config over both', () => {
    const anchored = { ...groupSchema, attributes: groupSchema.attributes.map((a) => (a.name === 'member' ? { ...a, referenceBy: 'anchor' as const } : a)) };
    expect(referencesOf(groupConfig(), anchored, ['User', 'Group'])[0].by).toEqual({ kind: 'anchor' });
    const config = groupConfig({ scimMappings: { displayName: 'cn', members: 'memberUid' }, references: [{ attribute: 'memberUid', to: ['User'], by: 'uid' }] });
    expect(referencesOf(config, groupSchema, ['User', 'Group'])).toEqual([{ attribute: 'memberUid', to: ['User'], by: { kind: 'attribute', attribute: 'uid' } }]);
  });

  it('makes the enterprise manager a reference to users; a plain string column is by anchor', () => {
    const schema: ObjectTypeSchema = { name: 'User', targetName: 'Employees', anchor: 'Login', attributes: [attr('Login'), attr('Manager')] };
    const config = groupConfig({ name: 'User', anchor: 'Login', scimMappings: { userName: 'Login', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager': 'Manager' } });
    expect(referencesOf(config, schema, ['User'])).toEqual([{ attribute: 'Manager', to: ['User'], by: { kind: 'anchor' } }]);
  });

  it('refuses a reference attribute the target does not have', () => {
    expect(() => referencesOf(groupConfig({ references: [{ attribute: 'owner' }] }), groupSchema, ['User'])).toThrow('reference attribute "owner"');
  });
});

describe('ImportedDirectory and referencesToSpace', () => {
  const member: Reference = { attribute: 'member', to: ['User', 'Group'], by: { kind: 'dn' } };
  const users = [
    { objectType: 'User', anchor: 'u-1', dn: 'uid=ada,ou=People,dc=example,dc=com', attributes: { uid: ['ada'] } },
    { objectType: 'User', anchor: 'u-2', dn: 'uid=bob,ou=People,dc=example,dc=com', attributes: { uid: ['Bob'] } },
  ];

  it('turns member DNs into anchors, case-insensitively, and leaves out what names no known object', async () => {
    const directory = new ImportedDirectory(new Map());
    directory.add('User', users);
    directory.add('Group', [{ objectType: 'Group', anchor: 'g-1', dn: 'cn=ops,ou=Groups,dc=example,dc=com', attributes: {} }]);
    const [group] = await referencesToSpace(
      [
        {
          objectType: 'Group',
          anchor: 'g-2',
          dn: 'cn=all,ou=Groups,dc=example,dc=com',
          attributes: {
            cn: ['all'],
            member: ['UID=ADA,ou=People,dc=example,dc=com', 'cn=ops,ou=Groups,dc=example,dc=com', 'cn=placeholder,dc=example,dc=com', 'uid=ada,ou=People,dc=example,dc=com'],
          },
        },
      ],
      [member],
      directory.lookup(),
    );
    expect(group.attributes).toEqual({ cn: ['all'], member: ['u-1', 'g-1'] });
  });

  it('keeps references by anchor as they are, known objects or not (the target already holds SCIM ids)', async () => {
    const members: Reference = { attribute: 'Members', to: ['User'], by: { kind: 'anchor' } };
    const objects = [{ objectType: 'Group', anchor: 'g', dn: '', attributes: { Members: ['ada', 'not-yet-provisioned'] } }];
    expect(await referencesToSpace(objects, [members], new ImportedDirectory(new Map()).lookup())).toEqual(objects);
  });

  it('drops the attribute when no value resolves, and resolves memberUid by the users’ uid', async () => {
    const directory = new ImportedDirectory(new Map([['User', ['uid']]]));
    directory.add('User', users);
    const memberUid: Reference = { attribute: 'memberUid', to: ['User'], by: { kind: 'attribute', attribute: 'uid' } };
    const objects = [
      { objectType: 'Group', anchor: 'g', dn: 'cn=g', attributes: { cn: ['g'], member: ['cn=nobody'], memberUid: ['bob', 'carol'] } },
    ];
    const [group] = await referencesToSpace(objects, [member, memberUid], directory.lookup());
    expect(group.attributes).toEqual({ cn: ['g'], memberUid: ['u-2'] });
  });
});

describe('ObjectMapper with members', () => {
  const mapper = new ObjectMapper(groupConfig(), groupSchema, referencesOf(groupConfig(), groupSchema, ['User', 'Group']));

  it('renders members as complex values holding the members’ ids', () => {
    const resource = mapper.toScim({ objectType: 'Group', anchor: 'g-1', dn: 'cn=ops', attributes: { cn: ['ops'], member: ['u-1', 'u-2'] } });
    expect(resource.displayName).toBe('ops');
    expect(resource.members).toEqual([{ value: 'u-1' }, { value: 'u-2' }]);
    expect(mapper.isReference('MEMBER')).toBe(true);
  });

  it('reads members back from every shape Entra sends', () => {
    const target = mapper.toTarget({ displayName: 'ops', members: [{ value: 'u-1', display: 'Ada' }, { value: 'u-2', $ref: 'https://x/Users/u-2' }] });
    expect(target.attributes.member).toEqual(['u-1', 'u-2']);
  });
});
