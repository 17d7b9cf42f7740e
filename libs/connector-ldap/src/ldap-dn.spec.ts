import { canonicalDn, dnKey, escapeRdnValue, formatDn, isUnder, parseDn, sameDn } from './ldap-dn';
import { escapeFilterValue } from './ldap-filter';

describe('DNs (RFC 4514)', () => {
  it('parses multi-valued RDNs, escapes and hex escapes, and writes them back escaped', () => {
    const dn = parseDn('cn=Smith\\, John+uid=js,OU=People , dc=example,dc=com');
    expect(dn).toEqual([
      [{ type: 'cn', value: 'Smith, John' }, { type: 'uid', value: 'js' }],
      [{ type: 'OU', value: 'People' }],
      [{ type: 'dc', value: 'example' }],
      [{ type: 'dc', value: 'com' }],
    ]);
    expect(formatDn(dn)).toBe('cn=Smith\\, John+uid=js,OU=People,dc=example,dc=com');
    expect(parseDn('cn=\\4A\\C3\\A9r\\C3\\B4me,dc=x')[0]![0]!.value).toBe('Jérôme');
  });

  it('keeps characters beyond the BMP whole (an emoji is one code point, two UTF-16 units)', () => {
    expect(parseDn('uid=🙂 emoji,ou=People,dc=x')[0]![0]!.value).toBe('🙂 emoji');
    expect(parseDn(`cn=${escapeRdnValue('g 🙂,x')},dc=x`)[0]![0]!.value).toBe('g 🙂,x');
  });

  it('escapes every special character of a value, leading # and space and trailing space', () => {
    expect(escapeRdnValue('a,b+c;d"e\\f<g>h=i')).toBe('a\\,b\\+c\\;d\\"e\\\\f\\<g\\>h\\=i');
    expect(escapeRdnValue('#x')).toBe('\\#x');
    expect(escapeRdnValue(' x ')).toBe('\\ x\\ ');
    expect(escapeRdnValue('a,b\\', true)).toBe('a\\2Cb\\5C');
    const tricky = 'a,b=c+d;"e"\\f<g> #h ';
    expect(parseDn(`uid=${escapeRdnValue(tricky)},dc=x`)[0]![0]!.value).toBe(tricky);
  });

  it('refuses what is not a DN', () => {
    for (const bad of ['no equals sign', 'cn=a,', '=x', 'cn=a\\', 'cn=a"b', 'c n=x']) expect(() => parseDn(bad)).toThrow(/not a valid DN/);
    expect(parseDn('')).toEqual([]);
  });

  it('compares case-insensitively, and a comma inside a value cannot fake a suffix', () => {
    expect(sameDn('UID=A, OU=People,DC=Example,DC=com', 'uid=a,ou=people,dc=example,dc=com')).toBe(true);
    expect(isUnder('uid=a,ou=People,dc=x', 'OU=people,DC=x')).toBe(true);
    expect(isUnder('uid=a\\,ou\\=People\\,dc\\=x,dc=y', 'ou=People,dc=x')).toBe(false);
    expect(dnKey('cn=B+uid=a,dc=x')).toBe(dnKey('uid=A+cn=b,dc=x'));
    expect(canonicalDn('CN = bsimon , DC=Contoso')).toBe('CN=bsimon,DC=Contoso');
  });
});

describe('filter values (RFC 4515)', () => {
  it('escapes *, (, ), \\ and NUL', () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeFilterValue('a\\b\u0000')).toBe('a\\5cb\\00');
    expect(escapeFilterValue(Buffer.from([0x01, 0xff]))).toBe('\\01\\ff');
  });
});
