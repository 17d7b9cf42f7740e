/**
 * A resource type's schemas: one core schema plus extensions, and the case-insensitive resolver that
 * turns an attribute path (`userName`, `name.givenName`, `urn:…:ECMA2Host:2.0:User:FirstName`) into
 * canonical definitions. Core and common attributes live at the top of a resource; an extension's
 * attributes live in an object under the extension's URN.
 */
import type { AttributePathExpression } from '../filter/filter.types';
import { COMMON_ATTRIBUTES } from './common-attributes';
import { findSubAttribute, type AttributeDefinition, type SchemaDefinition } from './schema.types';

export interface SchemaExtension {
  schema: SchemaDefinition;
  required: boolean;
}

export interface ResourceSchemaInit {
  /** `User`, `Group`: the ResourceType id and name. */
  resourceType: string;
  /** `/Users`, `/Groups`. */
  endpoint: string;
  description?: string;
  core: SchemaDefinition;
  extensions?: readonly SchemaExtension[];
}

/** What an attribute path names, once resolved. */
export type PathTarget =
  | {
      kind: 'attribute';
      /** The canonical URN of the schema that defines the attribute (core URN for common attributes). */
      schemaUrn: string;
      /** True when values live under `resource[schemaUrn]`. */
      extension: boolean;
      attribute: AttributeDefinition;
      subAttribute?: AttributeDefinition;
    }
  /** The path is a schema URN itself (`urn:…:enterprise:2.0:User`): the whole extension object. */
  | { kind: 'schema'; schemaUrn: string; extension: boolean }
  /** A URN this resource type does not know: tolerated, the caller ignores it. */
  | { kind: 'unknownSchema'; uri: string }
  /** A schema this resource type knows, but no such attribute (or sub-attribute) in it. */
  | { kind: 'unknownAttribute'; schemaUrn: string; name: string };

export interface ResolveOptions {
  /**
   * When a name without URN is not a core or common attribute, look it up in the extensions (in
   * order). Default true: clients write `employeeNumber` for the enterprise attribute.
   */
  fallbackToExtensions?: boolean;
}

export class ResourceSchema {
  readonly resourceType: string;
  readonly endpoint: string;
  readonly description: string;
  readonly core: SchemaDefinition;
  readonly extensions: readonly SchemaExtension[];

  private readonly schemasByLowerUrn = new Map<string, SchemaDefinition>();
  private readonly attributesBySchema = new Map<string, Map<string, AttributeDefinition>>();
  private readonly commonByLowerName = new Map<string, AttributeDefinition>();

  constructor(init: ResourceSchemaInit) {
    this.resourceType = init.resourceType;
    this.endpoint = init.endpoint;
    this.description = init.description ?? init.resourceType;
    this.core = init.core;
    this.extensions = init.extensions ?? [];
    for (const schema of this.schemas) {
      const key = schema.id.toLowerCase();
      if (this.schemasByLowerUrn.has(key)) throw new Error(`Schema ${schema.id} is listed twice for ${init.resourceType}`);
      this.schemasByLowerUrn.set(key, schema);
      this.attributesBySchema.set(
        schema.id,
        new Map(schema.attributes.map((definition) => [definition.name.toLowerCase(), definition])),
      );
    }
    for (const definition of COMMON_ATTRIBUTES) this.commonByLowerName.set(definition.name.toLowerCase(), definition);
  }

  /** The core schema first, then the extensions. */
  get schemas(): SchemaDefinition[] {
    return [this.core, ...this.extensions.map((extension) => extension.schema)];
  }

  get commonAttributes(): readonly AttributeDefinition[] {
    return COMMON_ATTRIBUTES;
  }

  /** Case-insensitive lookup of a known schema URN. */
  findSchema(urn: string): SchemaDefinition | undefined {
    return this.schemasByLowerUrn.get(urn.toLowerCase());
  }

  isExtension(urn: string): boolean {
    const schema = this.findSchema(urn);
    return schema !== undefined && schema !== this.core;
  }

  /** An attribute of one schema (core also answers the common attributes), case-insensitive. */
  findAttribute(schemaUrn: string, name: string): AttributeDefinition | undefined {
    const schema = this.findSchema(schemaUrn);
    if (!schema) return undefined;
    const lower = name.toLowerCase();
    const found = this.attributesBySchema.get(schema.id)?.get(lower);
    if (found) return found;
    return schema === this.core ? this.commonByLowerName.get(lower) : undefined;
  }

  /** Resolves a path expression (see PathTarget). Never throws. */
  resolve(path: AttributePathExpression, options: ResolveOptions = {}): PathTarget {
    let schema: SchemaDefinition | undefined;
    let name = path.attribute;
    let subName = path.subAttribute;
    if (path.uri !== undefined) {
      // `urn:…:2.0:User` parses as uri `urn:…:2.0` + attribute `User`; so does `urn:…:2.0:User.manager`.
      const whole = this.findSchema(`${path.uri}:${path.attribute}`);
      if (whole) {
        if (subName === undefined) return { kind: 'schema', schemaUrn: whole.id, extension: whole !== this.core };
        schema = whole;
        name = subName;
        subName = undefined;
      } else {
        schema = this.findSchema(path.uri);
        if (!schema) return { kind: 'unknownSchema', uri: path.uri };
      }
    }
    let definition: AttributeDefinition | undefined;
    if (schema) {
      definition = this.findAttribute(schema.id, name);
    } else {
      schema = this.core;
      definition = this.findAttribute(this.core.id, name);
      if (!definition && options.fallbackToExtensions !== false) {
        for (const extension of this.extensions) {
          definition = this.findAttribute(extension.schema.id, name);
          if (definition) {
            schema = extension.schema;
            break;
          }
        }
      }
    }
    if (!definition) return { kind: 'unknownAttribute', schemaUrn: schema.id, name };
    const extension = schema !== this.core;
    if (subName === undefined) return { kind: 'attribute', schemaUrn: schema.id, extension, attribute: definition };
    const subAttribute = findSubAttribute(definition, subName);
    if (!subAttribute) return { kind: 'unknownAttribute', schemaUrn: schema.id, name: `${definition.name}.${subName}` };
    return { kind: 'attribute', schemaUrn: schema.id, extension, attribute: definition, subAttribute };
  }

  /** The canonical text of a resolved attribute: `name.givenName`, `urn:…:enterprise:2.0:User:manager.value`. */
  canonicalPath(target: { schemaUrn: string; extension: boolean; attribute: AttributeDefinition; subAttribute?: AttributeDefinition }): string {
    const name = target.subAttribute ? `${target.attribute.name}.${target.subAttribute.name}` : target.attribute.name;
    return target.extension ? `${target.schemaUrn}:${name}` : name;
  }
}
