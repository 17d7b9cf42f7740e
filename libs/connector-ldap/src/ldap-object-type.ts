/**
 * One configured object type bound to the discovered subschema: which LDAP attributes it reads
 * and writes (in the host's spelling), its anchor, its MUST attributes, and the conversions
 * between search entries and TargetObjects.
 */
import type { AttributeSchema, AttributeValue, Attributes, ObjectTypeBinding, ObjectTypeSchema, TargetObject } from '@connector-host/connector-sdk';
import { ConnectorError } from '@connector-host/connector-sdk';
import type { Entry } from 'ldapts';
import { dnKey, parseDn } from './ldap-dn';
import type { LdapTargetSettings } from './ldap-settings';
import type { ResolvedAttribute, Subschema } from './ldap-subschema';
import { fromLdap } from './ldap-values';

export interface BoundAttribute {
  /** The host's spelling (the configured one, else the schema's primary name). */
  name: string;
  /** The primary LDAP name. */
  ldapName: string;
  resolved: ResolvedAttribute;
  /** Multi-valued as the host sees it (after `singleValue`). */
  multiValued: boolean;
  readOnly: boolean;
  required: boolean;
}

/** The anchor `dn`: the entry's DN is the SCIM id. */
export const DN_ANCHOR = 'dn';

export class BoundObjectType {
  readonly attributes: BoundAttribute[];
  /** Every name and alias (lower case) → the bound attribute. */
  private readonly byName = new Map<string, BoundAttribute>();
  readonly anchorIsDn: boolean;
  readonly anchor?: BoundAttribute;
  readonly schema: ObjectTypeSchema;
  /** LDAP attributes to ask for on every read. */
  readonly readAttributes: string[];
  readonly bufferAttributes: string[];
  /**
   * MUST attributes of DN syntax (`member` of groupOfNames, `uniqueMember` of groupOfUniqueNames),
   * primary LDAP names: an entry of these classes cannot exist without a value in each.
   */
  readonly requiredMembers: string[];
  /**
   * `target.emptyGroupPlaceholder`: the value kept in `requiredMembers` of an empty group; undefined
   * when the classes require no member (it is then only filtered out of reads).
   */
  readonly placeholder?: string;
  private readonly placeholderKey?: string;

  constructor(
    readonly binding: ObjectTypeBinding,
    readonly target: LdapTargetSettings,
    readonly subschema: Subschema,
    /** The anchor attribute, resolved (`auto` → the vendor's). */
    readonly anchorName: string,
    readonly base: string,
    private readonly passwordAttribute: string,
    /** Object types a DN-valued attribute may name (every configured one: a DN can name any entry). */
    referenceTo: string[] = [],
  ) {
    for (const name of target.objectClasses) {
      if (!subschema.objectClass(name)) {
        throw new ConnectorError('schemaViolation', `object class "${name}" of ${binding.name} is not in the server's schema`);
      }
    }
    const { must, may } = subschema.attributesOf(target.objectClasses);
    const mustKeys = new Set(must.map((m) => m.toLowerCase()));
    const singleValue = new Set(target.singleValue.map((n) => subschema.primaryName(n).toLowerCase()));
    const password = subschema.primaryName(passwordAttribute).toLowerCase();
    this.anchorIsDn = anchorName.toLowerCase() === DN_ANCHOR || anchorName === '-dn-';
    this.requiredMembers = must.filter((m) => subschema.resolve(m)?.type === 'reference');
    const requiredMemberKeys = new Set(this.requiredMembers.map((m) => m.toLowerCase()));
    if (target.emptyGroupPlaceholder !== undefined) {
      // still hidden from reads: a placeholder written earlier (or by another tool) is never a member
      this.placeholderKey = dnKey(target.emptyGroupPlaceholder);
      // 389 DS's groupOfNames / groupOfUniqueNames only MAY have members: then it is never written
      if (this.requiredMembers.length > 0) this.placeholder = target.emptyGroupPlaceholder;
    }

    const names = binding.attributes ?? [...must, ...may].filter((n) => n.toLowerCase() !== password);
    if (!names.some((n) => n.toLowerCase() === 'objectclass')) names.push('objectClass');
    this.attributes = [];
    const bind = (name: string, overrides: Partial<BoundAttribute> = {}): BoundAttribute => {
      const resolved = subschema.resolve(name);
      if (!resolved) {
        throw new ConnectorError('schemaViolation', `attribute "${name}" of ${binding.name} is not in the server's schema`);
      }
      const key = resolved.name.toLowerCase();
      const existing = this.attributes.find((a) => a.ldapName.toLowerCase() === key);
      if (existing) return existing;
      const attribute: BoundAttribute = {
        name,
        ldapName: resolved.name,
        resolved,
        multiValued: !resolved.singleValue && !singleValue.has(key),
        readOnly: resolved.readOnly,
        // objectClass is filled from the config; an empty group gets the placeholder (or a clear
        // error naming the setting); the rest of MUST has to come from the host
        required: mustKeys.has(key) && key !== 'objectclass' && !requiredMemberKeys.has(key),
        ...overrides,
      };
      this.attributes.push(attribute);
      for (const alias of [name, ...resolved.names]) this.byName.set(alias.toLowerCase(), attribute);
      return attribute;
    };
    for (const name of names) bind(name);
    if (!this.anchorIsDn) {
      this.anchor = bind(anchorName, { readOnly: true, required: false, multiValued: false });
    }

    const schemaAttributes: AttributeSchema[] = this.attributes.map((a) => ({
      name: a.name,
      type: a.resolved.type,
      multiValued: a.multiValued,
      required: a.required,
      readOnly: a.readOnly,
      caseExact: a.resolved.caseExact,
      // DN and name-and-optional-UID syntax: member, uniqueMember, manager, owner, seeAlso…
      ...(a.resolved.type === 'reference' ? { referenceBy: 'dn' as const, referenceTo } : {}),
    }));
    if (this.anchorIsDn) {
      schemaAttributes.unshift({ name: anchorName, type: 'string', multiValued: false, required: false, readOnly: true, caseExact: false });
    }
    this.schema = { name: binding.name, targetName: target.objectClasses[0]!, anchor: anchorName, attributes: schemaAttributes };
    this.readAttributes = this.attributes.filter((a) => a.ldapName.toLowerCase() !== password).map((a) => a.ldapName);
    this.bufferAttributes = this.attributes.filter((a) => a.resolved.codec).flatMap((a) => a.resolved.names);
  }

  attribute(name: string): BoundAttribute | undefined {
    return this.byName.get(name.toLowerCase());
  }

  isRequiredMember(ldapName: string): boolean {
    return this.requiredMembers.some((m) => m.toLowerCase() === ldapName.toLowerCase());
  }

  isPlaceholder(value: string): boolean {
    return this.placeholderKey !== undefined && dnKey(value) === this.placeholderKey;
  }

  /** Multi-valued DN attributes (group members): large, and the host keeps its own view of them. */
  isLargeReference(attribute: BoundAttribute): boolean {
    return attribute.multiValued && attribute.resolved.type === 'reference';
  }

  /** MUST attributes of these object classes, through their superclasses (primary names). */
  mustOf(classes: string[]): string[] {
    return this.subschema.attributesOf(classes).must.filter((m) => m.toLowerCase() !== 'objectclass');
  }

  /** A search entry as the host sees it; attributes outside the selection are left out. */
  toTargetObject(entry: Entry): TargetObject {
    const attributes: Attributes = {};
    // parsed only when needed: a full import converts every entry, and most have no doubled value
    let rdn: Array<{ type: string; value: string }> | undefined;
    for (const [key, raw] of Object.entries(entry)) {
      if (key === 'dn') continue;
      const attribute = this.attribute(key.replace(/;binary$/i, ''));
      if (!attribute) continue;
      const list = (Array.isArray(raw) ? raw : [raw]) as Array<string | Buffer>;
      let values: AttributeValue[] = list.map((v) => fromLdap(attribute.resolved, v));
      if (this.placeholderKey !== undefined && attribute.resolved.type === 'reference') {
        values = values.filter((v) => !this.isPlaceholder(String(v)));
      }
      if (!attribute.multiValued && values.length > 1) {
        // "treat as single value": the value that is not the RDN's, when the RDN forced a second one
        rdn ??= safeRdn(entry.dn);
        const rdnValue = rdn.find((ava) => this.attribute(ava.type) === attribute)?.value.toLowerCase();
        values = [values.find((v) => String(v).toLowerCase() !== rdnValue) ?? values[0]!];
      }
      if (values.length) attributes[attribute.name] = values;
    }
    let anchor: string;
    if (this.anchorIsDn) {
      anchor = entry.dn;
      attributes[this.anchorName] = [entry.dn];
    } else {
      const value = attributes[this.anchor!.name]?.[0];
      if (value === undefined) {
        throw new ConnectorError('schemaViolation', `entry ${entry.dn} has no ${this.anchorName}: the anchor must be an attribute every entry has`);
      }
      anchor = String(value);
    }
    return { objectType: this.binding.name, anchor, dn: entry.dn, attributes };
  }
}

function safeRdn(dn: string): Array<{ type: string; value: string }> {
  try {
    return parseDn(dn)[0] ?? [];
  } catch {
    return [];
  }
}
