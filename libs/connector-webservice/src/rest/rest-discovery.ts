import { ConnectorError, type AttributeSchema, type AttributeType } from '@connector-host/connector-sdk';
import { parse as parseYaml } from 'yaml';
import { typeOfSample, type AttributeBindingSpec } from '../common/attribute-values';
import { parseValuePath, readAll, type ValuePath } from '../common/value-path';

/** What a schema source says of one field of the object. */
export interface FieldInfo {
  type: AttributeType;
  multiValued: boolean;
  readOnly: boolean;
  required: boolean;
}

/** A schema source: answers for a JSON pointer (or JSONPath) what is there. */
export interface FieldSource {
  /** Every leaf field, as pointer tokens, for when no attributes are configured. */
  leaves(): Array<{ tokens: string[]; info: FieldInfo }>;
  at(path: ValuePath): FieldInfo | undefined;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
/** Nested objects deeper than this are not flattened (and recursive schemas end). */
const MAX_DEPTH = 6;

/** Fields of a sample object as the API returns it. */
export function sampleSource(sample: Json): FieldSource {
  const infoOf = (value: unknown): FieldInfo | undefined => {
    if (Array.isArray(value)) {
      const first = value.find((v) => v !== null && v !== undefined);
      if (isObject(first) || Array.isArray(first)) return undefined;
      return { type: first === undefined ? 'string' : typeOfSample(first), multiValued: true, readOnly: false, required: false };
    }
    if (isObject(value)) return undefined;
    return { type: typeOfSample(value), multiValued: false, readOnly: false, required: false };
  };
  return {
    leaves() {
      const out: Array<{ tokens: string[]; info: FieldInfo }> = [];
      const walk = (node: Json, prefix: string[]): void => {
        for (const [key, value] of Object.entries(node)) {
          if (isObject(value) && prefix.length < MAX_DEPTH) walk(value, [...prefix, key]);
          else {
            const info = infoOf(value);
            if (info) out.push({ tokens: [...prefix, key], info });
          }
        }
      };
      walk(sample, []);
      return out;
    },
    at(path) {
      const found = readAll(sample, path);
      if (found.length === 0) return undefined;
      if (path.kind === 'jsonpath' && found.length > 1) return { ...(infoOf(found[0]) ?? { type: 'string', readOnly: false, required: false }), multiValued: true };
      return infoOf(found[0]);
    },
  };
}

/** Reads an OpenAPI (3.x) or Swagger (2.0) document, JSON or YAML. */
export function parseOpenApi(text: string, where: string): Json {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new ConnectorError('schemaViolation', `${where}: not JSON or YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (!isObject(doc) || (!('openapi' in doc) && !('swagger' in doc))) {
    throw new ConnectorError('schemaViolation', `${where}: not an OpenAPI document (no "openapi" or "swagger" key)`);
  }
  return doc;
}

/** Fields of a named schema of an OpenAPI document (`components.schemas.<name>` or `definitions.<name>`). */
export function openApiSource(doc: Json, name: string, where: string): FieldSource {
  const schemas = (isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : isObject(doc.definitions) ? doc.definitions : {}) as Json;
  if (!isObject(schemas[name])) {
    throw new ConnectorError('schemaViolation', `${where}: the OpenAPI document has no schema "${name}" (it has: ${Object.keys(schemas).join(', ') || 'none'})`);
  }

  const resolve = (schema: unknown, depth = 0): Json => {
    if (!isObject(schema) || depth > 20) return {};
    if (typeof schema.$ref === 'string') {
      const match = /^#\/(?:components\/schemas|definitions)\/(.+)$/.exec(schema.$ref);
      return match ? resolve(schemas[decodeURIComponent(match[1]!.replace(/~1/g, '/').replace(/~0/g, '~'))], depth + 1) : {};
    }
    const parts = [...(Array.isArray(schema.allOf) ? schema.allOf : []), ...(Array.isArray(schema.oneOf) ? schema.oneOf.slice(0, 1) : []), ...(Array.isArray(schema.anyOf) ? schema.anyOf.slice(0, 1) : [])];
    if (parts.length === 0) return schema;
    // allOf (and the first branch of oneOf/anyOf): their properties and required lists together
    const merged: Json = { ...schema, properties: { ...((schema.properties as Json) ?? {}) }, required: [...((schema.required as string[]) ?? [])] };
    for (const part of parts) {
      const resolved = resolve(part, depth + 1);
      Object.assign(merged.properties as Json, (resolved.properties as Json) ?? {});
      (merged.required as string[]).push(...((resolved.required as string[]) ?? []));
      if (!merged.type && resolved.type) merged.type = resolved.type;
      if (!merged.items && resolved.items) merged.items = resolved.items;
    }
    return merged;
  };
  const typeName = (schema: Json): string | undefined => {
    const type = schema.type;
    if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
    return typeof type === 'string' ? type : schema.properties ? 'object' : undefined;
  };
  const scalarType = (schema: Json): AttributeType => {
    const type = typeName(schema);
    if (type === 'integer') return 'integer';
    if (type === 'number') return 'decimal';
    if (type === 'boolean') return 'boolean';
    if (schema.format === 'date-time' || schema.format === 'date') return 'dateTime';
    if (schema.format === 'byte' || schema.format === 'binary') return 'binary';
    return 'string';
  };
  const infoOf = (schema: Json, required: boolean): FieldInfo | undefined => {
    const type = typeName(schema);
    if (type === 'object') return undefined;
    if (type === 'array') {
      const items = resolve(schema.items);
      if (typeName(items) === 'object' || typeName(items) === 'array') return undefined;
      return { type: scalarType(items), multiValued: true, readOnly: schema.readOnly === true, required };
    }
    return { type: scalarType(schema), multiValued: false, readOnly: schema.readOnly === true, required };
  };
  const root = resolve(schemas[name]);

  return {
    leaves() {
      const out: Array<{ tokens: string[]; info: FieldInfo }> = [];
      const walk = (schema: Json, prefix: string[]): void => {
        const required = new Set((schema.required as string[] | undefined) ?? []);
        for (const [key, child] of Object.entries((schema.properties as Json | undefined) ?? {})) {
          const resolved = resolve(child);
          if (typeName(resolved) === 'object' && prefix.length < MAX_DEPTH) walk(resolved, [...prefix, key]);
          else {
            const info = infoOf(resolved, required.has(key) && prefix.length === 0);
            if (info) out.push({ tokens: [...prefix, key], info });
          }
        }
      };
      walk(root, []);
      return out;
    },
    at(path) {
      if (path.kind !== 'pointer') return undefined;
      let schema = root;
      let required = false;
      for (const [i, token] of path.tokens.entries()) {
        const type = typeName(schema);
        if (type === 'array') {
          if (!/^\d+$/.test(token)) return undefined;
          schema = resolve(schema.items);
          continue;
        }
        const child = (schema.properties as Json | undefined)?.[token];
        if (!child) return undefined;
        required = i === 0 && ((schema.required as string[] | undefined) ?? []).includes(token);
        schema = resolve(child);
      }
      return infoOf(schema, required);
    },
  };
}

/** Attribute names for flattened nested fields: `name/givenName` → `name_givenName`. */
export function attributeNameOf(tokens: string[]): string {
  return tokens.map((t) => t.replace(/[^A-Za-z0-9_-]/g, '_')).join('_');
}

/**
 * The attributes of an object type: configured paths typed by the schema source (or explicitly),
 * or, without configured paths, every leaf field of the schema source.
 */
export function attributesFrom(
  where: string,
  configured: AttributeBindingSpec[] | undefined,
  source: FieldSource | undefined,
): { bindings: AttributeBindingSpec[]; attributes: AttributeSchema[] } {
  let bindings: AttributeBindingSpec[];
  if (configured) bindings = configured;
  else if (source) {
    bindings = source.leaves().map(({ tokens }) => ({ name: attributeNameOf(tokens), path: parseValuePath(`/${tokens.map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`) }));
  } else {
    throw new ConnectorError('schemaViolation', `${where}: give attributes, or a schema (a sample object or an OpenAPI schema) to discover them from`);
  }
  const seen = new Set<string>();
  const attributes = bindings.map((binding): AttributeSchema => {
    const lower = binding.name.toLowerCase();
    if (seen.has(lower)) throw new ConnectorError('schemaViolation', `${where}: attribute "${binding.name}" is named twice (names are case-insensitive)`);
    seen.add(lower);
    const info = source?.at(binding.path);
    return {
      name: binding.name,
      type: binding.type ?? info?.type ?? 'string',
      multiValued: binding.multiValued ?? info?.multiValued ?? false,
      required: binding.required ?? info?.required ?? false,
      readOnly: binding.readOnly ?? info?.readOnly ?? false,
      caseExact: binding.caseExact ?? false,
    };
  });
  return { bindings, attributes };
}
