import { ConnectorError } from '@connector-host/connector-sdk';
import { parseConnectionSettings, parseTargetSettings } from './ldap-settings';

const error = (run: () => unknown): ConnectorError => {
  try {
    run();
  } catch (e) {
    if (e instanceof ConnectorError) return e;
    throw e;
  }
  throw new Error('expected a ConnectorError');
};

describe('ldap settings: groups and references', () => {
  it('emptyGroupPlaceholder is kept when it is a DN, refused naming the key when not', () => {
    expect(parseTargetSettings('Group', { objectClasses: ['groupOfNames'], emptyGroupPlaceholder: 'cn=nobody,dc=contoso,dc=lab' }).emptyGroupPlaceholder).toBe(
      'cn=nobody,dc=contoso,dc=lab',
    );
    expect(parseTargetSettings('Group', { objectClasses: ['groupOfNames'] }).emptyGroupPlaceholder).toBeUndefined();
    const bad = error(() => parseTargetSettings('Group', { objectClasses: ['groupOfNames'], emptyGroupPlaceholder: 'nobody' }));
    expect(bad.reason).toBe('invalidValue');
    expect(bad.message).toContain('objectTypes.Group.target.emptyGroupPlaceholder');
  });

  it('referentialIntegrity: on by default with the default attributes; enabled false and an attribute list are kept', () => {
    expect(parseConnectionSettings({ url: 'ldap://h:389' }).referentialIntegrity).toEqual({ enabled: true });
    expect(parseConnectionSettings({ url: 'ldap://h:389', referentialIntegrity: { enabled: false } }).referentialIntegrity).toEqual({ enabled: false });
    expect(parseConnectionSettings({ url: 'ldap://h:389', referentialIntegrity: { attributes: ['member', 'secretary'] } }).referentialIntegrity).toEqual({
      enabled: true,
      attributes: ['member', 'secretary'],
    });
    expect(error(() => parseConnectionSettings({ url: 'ldap://h:389', referentialIntegrity: { attributes: [] } })).message).toContain('referentialIntegrity.attributes');
    expect(error(() => parseConnectionSettings({ url: 'ldap://h:389', referentialIntegrity: { enabled: 'yes' } })).message).toContain('referentialIntegrity.enabled');
  });
});
