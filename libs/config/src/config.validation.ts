/**
 * JSON Schema validation of the plain config value, with ajv errors turned into issues a person
 * can act on: the key, its line, what was expected. Values are echoed only when they cannot be
 * secrets.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ConfigIssue } from './config.error';
import { fromPointer, toPointer } from './config.key-path';
import { isSecretKey } from './config.redaction';
import { configSchema, type ConnectorSettingsSchemas } from './config.schema';
import type { ConfigSource } from './config.source';

/** An issue located by JSON Pointer; the loader turns it into a ConfigIssue with its line. */
export interface PointedIssue {
  pointer: string;
  message: string;
  /** Line to use instead of the pointer's own (a key written with no value). */
  line?: number;
}

let hostValidator: ValidateFunction | undefined;

function newAjv(strict: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict, allowUnionTypes: true });
  // Annotation only: editors (VS Code, yaml-language-server) show it; so does describeError.
  ajv.addKeyword('errorMessage');
  addFormats(ajv);
  return ajv;
}

export function validateHostSchema(data: unknown, source: ConfigSource): PointedIssue[] {
  hostValidator ??= newAjv(true).compile(configSchema);
  return validateWith(hostValidator, data, '', source);
}

/**
 * Validates each connector's `connection` and each object type's `target` against its type's
 * schemas. Call only on data that passed the host schema.
 */
export function validateConnectorSettings(
  connectors: Record<string, { type: string; connection?: unknown; objectTypes: Record<string, { target?: unknown }> }>,
  schemas: ConnectorSettingsSchemas,
  source: ConfigSource,
): PointedIssue[] {
  const ajv = newAjv(false);
  const compiled = new Map<object, ValidateFunction>();
  const compile = (type: string, block: 'connection' | 'target', schema: object): ValidateFunction => {
    let validate = compiled.get(schema);
    if (!validate) {
      try {
        validate = ajv.compile(schema);
      } catch (error) {
        throw new Error(`connector type "${type}" has an invalid ${block} schema: ${(error as Error).message}`);
      }
      compiled.set(schema, validate);
    }
    return validate;
  };
  const known = Object.keys(schemas).sort();
  const issues: PointedIssue[] = [];
  for (const [name, connector] of Object.entries(connectors)) {
    const typeSchemas = Object.prototype.hasOwnProperty.call(schemas, connector.type) ? schemas[connector.type] : undefined;
    if (!typeSchemas) {
      issues.push({
        pointer: toPointer(['connectors', name, 'type']),
        message: `unknown connector type "${connector.type}"; known types: ${known.join(', ') || '(none)'}`,
      });
      continue;
    }
    const connection = (connector.connection ??= {});
    issues.push(
      ...validateWith(compile(connector.type, 'connection', typeSchemas.connection), connection, toPointer(['connectors', name, 'connection']), source),
    );
    for (const [typeName, objectType] of Object.entries(connector.objectTypes)) {
      const target = (objectType.target ??= {});
      const base = toPointer(['connectors', name, 'objectTypes', typeName, 'target']);
      issues.push(...validateWith(compile(connector.type, 'target', typeSchemas.target), target, base, source));
    }
  }
  return issues;
}

function validateWith(validate: ValidateFunction, data: unknown, base: string, source: ConfigSource): PointedIssue[] {
  // An unquoted `${VAR}` arrives as text; where the schema wants a number or a boolean, retype it.
  for (let round = 0; round < 3; round++) {
    if (validate(data)) return [];
    if (!coerceInterpolated(validate.errors ?? [], data, base, source)) break;
  }
  return describeErrors(validate.errors ?? [], base, source);
}

function coerceInterpolated(errors: ErrorObject[], data: unknown, base: string, source: ConfigSource): boolean {
  let changed = false;
  for (const error of errors) {
    const pointer = base + error.instancePath;
    if (error.keyword !== 'type' || error.instancePath === '' || !source.interpolated.has(pointer)) continue;
    const segments = fromPointer(error.instancePath);
    const parent = segments.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], data);
    const key = segments[segments.length - 1]!;
    const value = (parent as Record<string, unknown> | undefined)?.[key];
    if (typeof value !== 'string') continue;
    const retyped = retype(value, String(error.params['type']).split(','));
    if (retyped === undefined) continue;
    (parent as Record<string, unknown>)[key] = retyped;
    source.interpolated.delete(pointer);
    changed = true;
  }
  return changed;
}

function retype(text: string, types: string[]): number | boolean | undefined {
  const trimmed = text.trim();
  if (types.includes('integer') && /^[-+]?[0-9]+$/.test(trimmed)) return Number(trimmed);
  if (types.includes('number') && /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(trimmed)) return Number(trimmed);
  if (types.includes('boolean') && /^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  return undefined;
}

type SchemaObject = Record<string, unknown>;

function describeErrors(errors: ErrorObject[], base: string, source: ConfigSource): PointedIssue[] {
  // A failed oneOf/anyOf reports once, in its own words, not once per branch.
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const inAlternative = (e: ErrorObject): boolean =>
    alternatives.some(
      (alt) =>
        e !== alt &&
        e.schemaPath.startsWith(`${alt.schemaPath}/`) &&
        (e.instancePath === alt.instancePath || e.instancePath.startsWith(`${alt.instancePath}/`)),
    );
  const relevant = errors.filter((e) => e.propertyName === undefined && !inAlternative(e));

  const suggested = new Set<string>();
  const issues: PointedIssue[] = [];
  for (const error of relevant.filter((e) => e.keyword === 'additionalProperties')) {
    const key = String(error.params['additionalProperty']);
    const allowed = Object.keys(((error.parentSchema as SchemaObject | undefined)?.['properties'] as SchemaObject) ?? {});
    const suggestion = closest(key, allowed);
    if (suggestion) suggested.add(base + toPointer([...fromPointer(error.instancePath), suggestion]));
    issues.push({
      pointer: base + toPointer([...fromPointer(error.instancePath), key]),
      message: suggestion
        ? `unknown key "${key}" (did you mean "${suggestion}"?)`
        : `unknown key "${key}"; allowed keys: ${allowed.join(', ')}`,
    });
  }
  for (const error of relevant) {
    if (error.keyword === 'additionalProperties') continue;
    const pointer = base + error.instancePath;
    if (error.keyword === 'required') {
      const missing = base + toPointer([...fromPointer(error.instancePath), String(error.params['missingProperty'])]);
      if (suggested.has(missing)) continue; // the misspelt key already says it
      const emptyLine = source.empty.get(missing);
      issues.push(
        emptyLine === undefined
          ? { pointer: missing, message: 'is required', line: source.lineOf(pointer) }
          : { pointer: missing, message: 'has no value; it is required', line: emptyLine },
      );
      continue;
    }
    if (error.keyword === 'propertyNames') {
      const name = String(error.params['propertyName']);
      const hint = (error.schema as SchemaObject | undefined)?.['errorMessage'];
      issues.push({
        pointer: base + toPointer([...fromPointer(error.instancePath), name]),
        message: typeof hint === 'string' ? hint : 'is not an allowed name',
      });
      continue;
    }
    issues.push({ pointer, message: describeError(error, pointer, source) });
  }
  return issues;
}

function describeError(error: ErrorObject, pointer: string, source: ConfigSource): string {
  const params = error.params as Record<string, unknown>;
  const custom = (error.parentSchema as SchemaObject | undefined)?.['errorMessage'];
  const got = echo(error.data, pointer, source);
  if (typeof custom === 'string') return `${custom}${got}`;
  switch (error.keyword) {
    case 'type':
      return `must be ${String(params['type']).split(',').map(typeName).join(' or ')}, not ${kindOf(error.data)}`;
    case 'enum':
      return `must be one of: ${(params['allowedValues'] as unknown[]).map(String).join(', ')}${got}`;
    case 'const':
      return `must be ${JSON.stringify(params['allowedValue'])}${got}`;
    case 'minLength':
      return `must be at least ${params['limit']} characters long`;
    case 'maxLength':
      return `must be at most ${params['limit']} characters long`;
    case 'minimum':
      return `must be at least ${params['limit']}`;
    case 'maximum':
      return `must be at most ${params['limit']}`;
    case 'exclusiveMinimum':
      return `must be greater than ${params['limit']}`;
    case 'exclusiveMaximum':
      return `must be less than ${params['limit']}`;
    case 'minItems':
      return `must list at least ${params['limit']} item${params['limit'] === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must list at most ${params['limit']} items`;
    case 'minProperties':
      return `must have at least ${params['limit']} entr${params['limit'] === 1 ? 'y' : 'ies'}`;
    case 'uniqueItems':
      return `lists the same value twice (items ${Math.min(Number(params['i']), Number(params['j']))} and ${Math.max(Number(params['i']), Number(params['j']))})`;
    case 'pattern':
      return `must match the pattern ${String(params['pattern'])}`;
    case 'format':
      return `must be a valid ${String(params['format'])}`;
    case 'oneOf':
    case 'anyOf':
      return `does not match any of the allowed forms${got}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function typeName(type: string): string {
  const names: Record<string, string> = {
    string: 'text',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    object: 'a mapping (key: value)',
    array: 'a list',
    null: 'empty',
  };
  return names[type] ?? type;
}

function kindOf(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'boolean') return 'true/false';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
  return typeof value;
}

/** `, got "verbose"` — only for short text under keys that cannot hold a secret. */
function echo(value: unknown, pointer: string, source: ConfigSource): string {
  if (typeof value !== 'string' || value.length > 64 || source.secrets.has(value)) return '';
  const segments = fromPointer(pointer);
  if (segments.some(isSecretKey) || segments.includes('connection')) return '';
  return `, got ${JSON.stringify(value)}`;
}

/** The allowed key a typo most likely meant, if any is close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

