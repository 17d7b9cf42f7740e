/**
 * The subschema (RFC 4512 §4.1): object class and attribute type descriptions parsed from the
 * subschema entry, superclasses and attribute supertypes resolved, LDAP syntaxes mapped to the
 * SDK's attribute types.
 */
import type { AttributeType } from '@connector-host/connector-sdk';

export interface AttributeTypeDescription {
  oid: string;
  /** Every name, the primary one first (`sn`, `surname`). */
  names: string[];
  sup?: string;
  equality?: string;
  ordering?: string;
  syntax?: string;
  singleValue: boolean;
  noUserModification: boolean;
  /** userApplications, or one of the operational usages. */
  usage: string;
  obsolete: boolean;
}

export interface ObjectClassDescription {
  oid: string;
  names: string[];
  sup: string[];
  kind: 'STRUCTURAL' | 'AUXILIARY' | 'ABSTRACT';
  must: string[];
  may: string[];
  obsolete: boolean;
}

type Token = string | Token[];

/** Splits a description into tokens: words, quoted strings (as `'x'`), and parenthesised lists. */
function tokenize(text: string): Token[] {
  let i = 0;
  const read = (): Token[] => {
    const list: Token[] = [];
    while (i < text.length) {
      const c = text[i]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        i++;
      } else if (c === '(') {
        i++;
        list.push(read());
      } else if (c === ')') {
        i++;
        return list;
      } else if (c === "'") {
        const end = text.indexOf("'", i + 1);
        const raw = end < 0 ? text.slice(i + 1) : text.slice(i + 1, end);
        list.push(`'${raw.replace(/\\27/gi, "'").replace(/\\5c/gi, '\\')}`);
        i = end < 0 ? text.length : end + 1;
      } else if (c === '$') {
        i++;
      } else {
        const start = i;
        while (i < text.length && !' \t\n\r()$\''.includes(text[i]!)) i++;
        list.push(text.slice(start, i));
      }
    }
    return list;
  };
  const top = read();
  return top.length === 1 && Array.isArray(top[0]) ? top[0] : top;
}

function words(token: Token | undefined): string[] {
  if (token === undefined) return [];
  const list = Array.isArray(token) ? token : [token];
  return list.filter((t): t is string => typeof t === 'string').map((t) => (t.startsWith("'") ? t.slice(1) : t));
}

function fields(text: string): { oid: string; get: (key: string) => Token | undefined; has: (key: string) => boolean } {
  const tokens = tokenize(text);
  const oid = typeof tokens[0] === 'string' ? tokens[0] : '';
  const map = new Map<string, Token | undefined>();
  for (let i = 1; i < tokens.length; i++) {
    const key = tokens[i];
    if (typeof key !== 'string') continue;
    const upper = key.toUpperCase();
    if (['SINGLE-VALUE', 'NO-USER-MODIFICATION', 'OBSOLETE', 'COLLECTIVE', 'STRUCTURAL', 'AUXILIARY', 'ABSTRACT'].includes(upper)) {
      map.set(upper, undefined);
      continue;
    }
    map.set(upper, tokens[i + 1]);
    i++;
  }
  return { oid, get: (k) => map.get(k), has: (k) => map.has(k) };
}

export function parseAttributeType(text: string): AttributeTypeDescription {
  const f = fields(text);
  const syntax = words(f.get('SYNTAX'))[0]?.replace(/\{.*$/, '');
  return {
    oid: f.oid,
    names: words(f.get('NAME')),
    ...(f.get('SUP') !== undefined ? { sup: words(f.get('SUP'))[0] } : {}),
    ...(f.get('EQUALITY') !== undefined ? { equality: words(f.get('EQUALITY'))[0] } : {}),
    ...(f.get('ORDERING') !== undefined ? { ordering: words(f.get('ORDERING'))[0] } : {}),
    ...(syntax ? { syntax } : {}),
    singleValue: f.has('SINGLE-VALUE'),
    noUserModification: f.has('NO-USER-MODIFICATION'),
    usage: words(f.get('USAGE'))[0] ?? 'userApplications',
    obsolete: f.has('OBSOLETE'),
  };
}

export function parseObjectClass(text: string): ObjectClassDescription {
  const f = fields(text);
  return {
    oid: f.oid,
    names: words(f.get('NAME')),
    sup: words(f.get('SUP')),
    kind: f.has('AUXILIARY') ? 'AUXILIARY' : f.has('ABSTRACT') ? 'ABSTRACT' : 'STRUCTURAL',
    must: words(f.get('MUST')),
    may: words(f.get('MAY')),
    obsolete: f.has('OBSOLETE'),
  };
}

/** Syntax OIDs (RFC 4517 and the common vendor ones) → SDK attribute types. */
const SYNTAX_TYPES: Record<string, AttributeType> = {
  '1.3.6.1.4.1.1466.115.121.1.7': 'boolean',
  '1.3.6.1.4.1.1466.115.121.1.27': 'integer',
  '1.3.6.1.4.1.1466.115.121.1.36': 'string', // numeric string: digits and spaces, kept as text
  '1.3.6.1.4.1.1466.115.121.1.24': 'dateTime',
  '1.3.6.1.4.1.1466.115.121.1.53': 'dateTime', // UTC time
  '1.3.6.1.4.1.1466.115.121.1.12': 'reference', // DN
  '1.3.6.1.4.1.1466.115.121.1.34': 'reference', // name and optional UID
  '1.3.6.1.4.1.1466.115.121.1.5': 'binary',
  '1.3.6.1.4.1.1466.115.121.1.8': 'binary', // certificate
  '1.3.6.1.4.1.1466.115.121.1.9': 'binary', // certificate list
  '1.3.6.1.4.1.1466.115.121.1.10': 'binary', // certificate pair
  '1.3.6.1.4.1.1466.115.121.1.28': 'binary', // JPEG
  '1.3.6.1.4.1.1466.115.121.1.40': 'binary', // octet string
  '1.3.6.1.4.1.1466.115.121.1.49': 'binary', // supported algorithm
  '1.2.840.113556.1.4.906': 'integer', // AD large integer
  '1.2.840.113556.1.4.907': 'binary', // AD security descriptor
};

/** Attributes whose values are octets even where the server declares a string syntax. */
const BINARY_NAMES = new Set(['objectguid', 'objectsid', 'userpassword', 'guid', 'jpegphoto', 'usercertificate', 'cacertificate']);

export interface ResolvedAttribute {
  name: string;
  names: string[];
  type: AttributeType;
  singleValue: boolean;
  readOnly: boolean;
  operational: boolean;
  caseExact: boolean;
  /**
   * How octets reach the host: `base64` (binary attributes), `guid` (AD `objectGUID`, in its
   * mixed-endian text form), `hex` (eDirectory `GUID`); undefined for text.
   */
  codec?: 'base64' | 'guid' | 'hex';
}

/** The server's schema, indexed by every name (lower case) and OID. */
export class Subschema {
  private readonly attributes = new Map<string, AttributeTypeDescription>();
  private readonly classes = new Map<string, ObjectClassDescription>();

  constructor(attributeTypes: string[], objectClasses: string[]) {
    for (const text of attributeTypes) {
      const description = parseAttributeType(text);
      for (const key of [description.oid, ...description.names]) this.attributes.set(key.toLowerCase(), description);
    }
    for (const text of objectClasses) {
      const description = parseObjectClass(text);
      for (const key of [description.oid, ...description.names]) this.classes.set(key.toLowerCase(), description);
    }
  }

  get size(): { attributeTypes: number; objectClasses: number } {
    return { attributeTypes: new Set(this.attributes.values()).size, objectClasses: new Set(this.classes.values()).size };
  }

  objectClass(name: string): ObjectClassDescription | undefined {
    return this.classes.get(name.toLowerCase());
  }

  attributeType(name: string): AttributeTypeDescription | undefined {
    return this.attributes.get(name.toLowerCase());
  }

  /** The classes and every superclass, nearest first, without repeats. */
  lineage(classNames: string[]): ObjectClassDescription[] {
    const out: ObjectClassDescription[] = [];
    const seen = new Set<ObjectClassDescription>();
    const visit = (name: string): void => {
      const description = this.objectClass(name);
      if (!description || seen.has(description)) return;
      seen.add(description);
      out.push(description);
      for (const sup of description.sup) visit(sup);
    };
    for (const name of classNames) visit(name);
    return out;
  }

  /** MUST and MAY attribute names (primary names) of the classes through their superclasses. */
  attributesOf(classNames: string[]): { must: string[]; may: string[] } {
    const must = new Map<string, string>();
    const may = new Map<string, string>();
    for (const description of this.lineage(classNames)) {
      for (const name of description.must) must.set(this.primaryName(name).toLowerCase(), this.primaryName(name));
      for (const name of description.may) may.set(this.primaryName(name).toLowerCase(), this.primaryName(name));
    }
    for (const key of must.keys()) may.delete(key);
    return { must: [...must.values()], may: [...may.values()] };
  }

  primaryName(name: string): string {
    return this.attributeType(name)?.names[0] ?? name;
  }

  /** Syntax, single-value and equality, inherited through SUP when the type does not say. */
  resolve(name: string): ResolvedAttribute | undefined {
    const description = this.attributeType(name);
    if (!description) return undefined;
    let syntax = description.syntax;
    let equality = description.equality;
    let current: AttributeTypeDescription | undefined = description;
    for (let depth = 0; current && depth < 10 && (!syntax || !equality); depth++) {
      current = current.sup ? this.attributeType(current.sup) : undefined;
      syntax ??= current?.syntax;
      equality ??= current?.equality;
    }
    const lowerNames = description.names.map((n) => n.toLowerCase());
    const binary = lowerNames.some((n) => BINARY_NAMES.has(n)) || SYNTAX_TYPES[syntax ?? ''] === 'binary';
    const codec = lowerNames.includes('objectguid') ? 'guid' : lowerNames.includes('guid') ? 'hex' : binary ? 'base64' : undefined;
    const type: AttributeType = codec === 'guid' || codec === 'hex' ? 'string' : binary ? 'binary' : SYNTAX_TYPES[syntax ?? ''] ?? 'string';
    const operational = description.usage !== 'userApplications';
    return {
      name: description.names[0] ?? name,
      names: description.names,
      type,
      singleValue: description.singleValue,
      readOnly: description.noUserModification,
      operational,
      caseExact: /exact|octetstring|bitstring|uuid|integer/i.test(equality ?? '') || binary,
      ...(codec ? { codec } : {}),
    };
  }
}
