import { ConfigError, parseConfig } from './index';

const env = { T: 'a-secret-token-of-some-length' };

function file(rules: string, attributes = '[uid, uidNumber, gidNumber, homeDirectory, loginShell]'): string {
  return [
    'connectors:',
    '  posix:',
    '    type: ldap',
    '    secretToken: ${T}',
    '    objectTypes:',
    '      User:',
    '        anchor: entryUUID',
    `        attributes: ${attributes}`,
    '        rules:',
    ...rules.split('\n').map((line) => `          ${line}`),
  ].join('\n');
}

function issues(yaml: string): string[] {
  try {
    parseConfig(yaml, { sourceName: 'posix.yaml', env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('objectTypes.<type>.rules', () => {
  it('shapes constants, templates and allocations', () => {
    const config = parseConfig(
      file(['uidNumber: { allocate: { from: 10000, to: 60000 } }', 'gidNumber: { constant: 10000 }', 'homeDirectory: { template: "/home/{uid}" }', 'loginShell: { constant: [/bin/bash] }'].join('\n')),
      { env },
    );
    expect(config.connectors[0]!.objectTypes[0]!.rules).toEqual([
      { attribute: 'uidNumber', kind: 'allocate', from: 10000, to: 60000 },
      { attribute: 'gidNumber', kind: 'constant', values: [10000] },
      { attribute: 'homeDirectory', kind: 'template', template: '/home/{uid}' },
      { attribute: 'loginShell', kind: 'constant', values: ['/bin/bash'] },
    ]);
  });

  it('no rules: the key stays absent', () => {
    const yaml = file('uidNumber: { constant: 1 }').replace(/\n\s+rules:\n.*$/s, '');
    expect(parseConfig(yaml, { env }).connectors[0]!.objectTypes[0]!.rules).toBeUndefined();
  });

  it('names the key of a rule that is not one of the three forms', () => {
    expect(issues(file('uidNumber: { allocate: { from: 10000 } }')).join('\n')).toMatch(
      /posix\.yaml:\d+: connectors\.posix\.objectTypes\.User\.rules\.uidNumber: must be \{ constant/,
    );
    expect(issues(file('gidNumber: { sequence: 3 }')).join('\n')).toContain('connectors.posix.objectTypes.User.rules.gidNumber');
  });

  it('names an empty range, an unselected attribute and a template placeholder that is not selected', () => {
    expect(issues(file('uidNumber: { allocate: { from: 60000, to: 10000 } }')).join('\n')).toContain(
      'connectors.posix.objectTypes.User.rules.uidNumber.allocate: the range is empty: from (60000) is above to (10000)',
    );
    expect(issues(file('employeeNumber: { constant: 1 }')).join('\n')).toContain(
      'connectors.posix.objectTypes.User.rules.employeeNumber: "employeeNumber" is not among the selected attributes',
    );
    expect(issues(file('homeDirectory: { template: "/home/{login}" }')).join('\n')).toContain(
      'connectors.posix.objectTypes.User.rules.homeDirectory.template: template uses "login" is not among the selected attributes',
    );
  });
});
