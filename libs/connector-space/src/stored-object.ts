import { valuesOf, type Attributes, type TargetObject } from '@connector-host/connector-sdk';

/** An object as stored in Redis (the objects hash, anchor -> JSON). */
export interface StoredObject {
  anchor: string;
  dn: string;
  attributes: Attributes;
  /** Milliseconds since the epoch when this version was written. */
  writtenAt: number;
  source: 'import' | 'export';
}

/**
 * An object ready to store, with its index members (`ix`, attribute -> members), computed once in
 * TypeScript so the Lua scripts never normalise values themselves (Lua's lower() is ASCII only).
 * The members go to the index-entries hash, not into the object's JSON.
 */
export interface StoredEntry {
  object: StoredObject;
  ix: Record<string, string[]>;
}

export interface IndexSpec {
  /** Target attribute name. */
  attribute: string;
  caseExact: boolean;
}

const SEP = '\u0000';

/**
 * Index name of the objects' DNs: references by DN (LDAP `member`, `manager`) resolve through it.
 * Not a target attribute name (targets cannot have `-dn-`, as Microsoft's virtual attribute).
 */
export const DN_INDEX = '-dn-';

export function normaliseIndexValue(value: unknown, caseExact: boolean): string {
  const text = String(value).replace(/\u0000/g, '');
  return caseExact ? text : text.toLowerCase();
}

export function indexMember(value: unknown, caseExact: boolean, anchor: string): string {
  return `${normaliseIndexValue(value, caseExact)}${SEP}${anchor}`;
}

/** ZRANGEBYLEX bounds for every member whose value equals `value`. */
export function equalityRange(value: unknown, caseExact: boolean): [string, string] {
  const v = normaliseIndexValue(value, caseExact);
  return [`[${v}${SEP}`, `(${v}\u0001`];
}

/** ZRANGEBYLEX bounds for every member whose value starts with `prefix`. */
export function prefixRange(prefix: unknown, caseExact: boolean): [string, string] {
  const v = normaliseIndexValue(prefix, caseExact);
  return [`[${v}`, `(${v}\uffff`];
}

export function anchorOfMember(member: string): string {
  return member.slice(member.indexOf(SEP) + 1);
}

export function valueOfMember(member: string): string {
  return member.slice(0, member.indexOf(SEP));
}

export function toStored(object: TargetObject, indexes: IndexSpec[], source: StoredObject['source'], writtenAt: number): StoredEntry {
  const ix: Record<string, string[]> = {};
  for (const spec of indexes) {
    const values =
      spec.attribute === DN_INDEX ? (object.dn ? [object.dn] : []) : spec.attribute === object.anchor ? [object.anchor] : valuesOf(object.attributes, spec.attribute);
    ix[spec.attribute.toLowerCase()] = values.map((value) => indexMember(value, spec.caseExact, object.anchor));
  }
  return { object: { anchor: object.anchor, dn: object.dn, attributes: object.attributes, writtenAt, source }, ix };
}
