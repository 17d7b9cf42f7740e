import { Subschema, parseAttributeType, parseObjectClass } from './ldap-subschema';
import { detectVendor, knownVendors } from './ldap-vendor';
import { generalizedTimeToIso, guidToText, isoToGeneralizedTime, textToGuid, toLdap, fromLdap } from './ldap-values';

const ATTRIBUTES = [
  "( 2.5.4.41 NAME 'name' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{32768} )",
  "( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC 'RFC4519: common name(s) for which the entity is known by' SUP name )",
  "( 2.5.4.4 NAME ( 'sn' 'surname' ) DESC 'RFC2256: last (family) name(s) for which the entity is known by' SUP name )",
  "( 1.3.6.1.1.1.1.0 NAME 'uidNumber' DESC 'RFC2307: An integer uniquely identifying a user' EQUALITY integerMatch ORDERING integerOrderingMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )",
  "( 1.3.6.1.1.16.4 NAME 'entryUUID' DESC 'UUID of the entry' EQUALITY UUIDMatch ORDERING UUIDOrderingMatch SYNTAX 1.3.6.1.1.16.1 SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation )",
  "( 2.5.18.2 NAME 'modifyTimestamp' EQUALITY generalizedTimeMatch ORDERING generalizedTimeOrderingMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.24 SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation )",
  "( 0.9.2342.19200300.100.1.60 NAME 'jpegPhoto' SYNTAX 1.3.6.1.4.1.1466.115.121.1.28 )",
  "( 2.5.4.35 NAME 'userPassword' EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 )",
  "( 1.2.840.113556.1.4.2 NAME 'objectGUID' SYNTAX '1.3.6.1.4.1.1466.115.121.1.40' SINGLE-VALUE NO-USER-MODIFICATION )",
  "( 9.9.9 NAME 'quote\\27d' DESC 'it\\27s' SYNTAX 1.3.6.1.4.1.1466.115.121.1.7 )",
];
const CLASSES = [
  "( 2.5.6.0 NAME 'top' ABSTRACT MUST objectClass )",
  "( 2.5.6.6 NAME 'person' DESC 'RFC2256: a person' SUP top STRUCTURAL MUST ( sn $ cn ) MAY ( userPassword $ telephoneNumber ) )",
  "( 2.5.6.7 NAME 'organizationalPerson' SUP person STRUCTURAL MAY ( title ) )",
  "( 2.16.840.1.113730.3.2.2 NAME 'inetOrgPerson' SUP organizationalPerson STRUCTURAL MAY ( uid $ mail $ jpegPhoto ) )",
  "( 1.3.6.1.1.1.2.0 NAME 'posixAccount' SUP top AUXILIARY MUST ( cn $ uid $ uidNumber $ gidNumber $ homeDirectory ) )",
];

describe('subschema', () => {
  const schema = new Subschema(ATTRIBUTES, CLASSES);

  it('parses descriptions: names, SUP, syntax with length, flags, usage, quoted escapes', () => {
    expect(parseAttributeType(ATTRIBUTES[2]!)).toEqual(expect.objectContaining({ oid: '2.5.4.4', names: ['sn', 'surname'], sup: 'name', singleValue: false }));
    expect(parseAttributeType(ATTRIBUTES[4]!)).toEqual(expect.objectContaining({ singleValue: true, noUserModification: true, usage: 'directoryOperation' }));
    expect(parseAttributeType(ATTRIBUTES[9]!).names).toEqual(["quote'd"]);
    expect(parseObjectClass(CLASSES[4]!)).toEqual(expect.objectContaining({ kind: 'AUXILIARY', must: ['cn', 'uid', 'uidNumber', 'gidNumber', 'homeDirectory'] }));
  });

  it('collects MUST and MAY through superclasses', () => {
    const { must, may } = schema.attributesOf(['inetOrgPerson', 'posixAccount']);
    expect(must.sort()).toEqual(['cn', 'gidNumber', 'homeDirectory', 'objectClass', 'sn', 'uid', 'uidNumber'].sort());
    expect(may).toEqual(expect.arrayContaining(['mail', 'title', 'userPassword', 'telephoneNumber', 'jpegPhoto']));
    expect(may).not.toContain('uid');
  });

  it('maps syntaxes to SCIM types, inheriting through SUP', () => {
    expect(schema.resolve('surname')).toEqual(expect.objectContaining({ name: 'sn', type: 'string', singleValue: false }));
    expect(schema.resolve('uidNumber')).toEqual(expect.objectContaining({ type: 'integer', singleValue: true, caseExact: true }));
    expect(schema.resolve('modifyTimestamp')).toEqual(expect.objectContaining({ type: 'dateTime', readOnly: true, operational: true }));
    expect(schema.resolve('jpegPhoto')).toEqual(expect.objectContaining({ type: 'binary', codec: 'base64' }));
    expect(schema.resolve('objectGUID')).toEqual(expect.objectContaining({ type: 'string', codec: 'guid' }));
    expect(schema.resolve("quote'd")?.type).toBe('boolean');
    expect(schema.resolve('nothing')).toBeUndefined();
  });
});

describe('vendor detection from the root DSE', () => {
  it.each([
    [{ objectclass: ['top', 'OpenLDAProotDSE'], supportedextension: ['1.3.6.1.4.1.4203.1.11.1'] }, 'openldap', 'entryUUID'],
    [{ vendorname: ['389 Project'], vendorversion: ['389-Directory/2.3.1 B2025.016.1616'] }, '389ds', 'nsUniqueId'],
    [{ supportedcapabilities: ['1.2.840.113556.1.4.1851'] }, 'adlds', 'objectGUID'],
    [{ supportedcapabilities: ['1.2.840.113556.1.4.800'], domaincontrollerfunctionality: ['7'] }, 'ad', 'objectGUID'],
    [{ vendorname: ['Apache Software Foundation'], vendorversion: ['2.0.0'] }, 'apacheds', 'entryUUID'],
    [{ vendorname: ['ForgeRock AS.'], vendorversion: ['OpenDJ Server 4.4.11'] }, 'opendj', 'entryUUID'],
    [{ vendorname: ['Sun Microsystems, Inc.'], vendorversion: ['OpenDS Directory Server 2.2.0'] }, 'opends', 'entryUUID'],
    [{ vendorname: ['Oracle Corporation'], vendorversion: ['Sun-Directory-Server/11.1.1.7'] }, 'oracle', 'nsUniqueId'],
    [{ vendorname: ['International Business Machines (IBM)'], vendorversion: ['6.4'] }, 'ibm', 'ibm-entryUUID'],
    [{ vendorname: ['Isode Limited'], vendorversion: ['19.0'] }, 'isode', 'dn'],
    [{ vendorname: ['NetIQ Corporation'], vendorversion: ['LDAP Agent for NetIQ eDirectory 9.2'] }, 'edirectory', 'GUID'],
    [{ vendorname: ['Radiant Logic, Inc.'], vendorversion: ['RadiantOne 7.4'] }, 'radiantone', 'dn'],
    [{}, 'unknown', 'dn'],
  ])('%j is %s, anchored on %s', (dse, id, anchor) => {
    const vendor = detectVendor(dse as Record<string, string[]>);
    expect({ id: vendor.id, anchor: vendor.anchor }).toEqual({ id, anchor });
  });

  it('keeps the version text and lists every vendor of Microsoft\'s list', () => {
    expect(detectVendor({ vendorname: ['389 Project'], vendorversion: ['389-Directory/2.3.1'] }).version).toBe('389-Directory/2.3.1');
    expect(knownVendors()).toHaveLength(13);
  });
});

describe('values', () => {
  it('generalized time and ISO 8601 both ways, with fractions and offsets', () => {
    expect(generalizedTimeToIso('20240102030405Z')).toBe('2024-01-02T03:04:05.000Z');
    expect(generalizedTimeToIso('20240102030405.5Z')).toBe('2024-01-02T03:04:05.500Z');
    expect(generalizedTimeToIso('202401020304+0100')).toBe('2024-01-02T02:04:00.000Z');
    expect(generalizedTimeToIso('yesterday')).toBeUndefined();
    expect(isoToGeneralizedTime('2024-01-02T04:04:05+01:00')).toBe('20240102030405Z');
    expect(isoToGeneralizedTime('2024-01-02T03:04:05.123Z')).toBe('20240102030405.123Z');
  });

  it('AD GUIDs: mixed-endian text both ways', () => {
    const text = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    const buffer = textToGuid(text)!;
    expect(buffer.toString('hex')).toBe('e004253f894fd3119a0c0305e82c3301');
    expect(guidToText(buffer)).toBe(text);
    expect(textToGuid('*)(uid=*')).toBeUndefined();
  });

  it('typed values', () => {
    expect(fromLdap({ type: 'integer' }, '10001')).toBe(10001);
    expect(fromLdap({ type: 'boolean' }, 'TRUE')).toBe(true);
    expect(toLdap({ type: 'boolean' }, false, 'x')).toBe('FALSE');
    expect(toLdap({ type: 'integer' }, 42, 'x')).toBe('42');
    expect(() => toLdap({ type: 'integer' }, 'forty', 'uidNumber')).toThrow('uidNumber');
    expect(fromLdap({ type: 'binary', codec: 'base64' }, Buffer.from([1, 2, 3]))).toBe('AQID');
    expect(toLdap({ type: 'binary', codec: 'base64' }, 'AQID', 'x')).toEqual(Buffer.from([1, 2, 3]));
  });
});
