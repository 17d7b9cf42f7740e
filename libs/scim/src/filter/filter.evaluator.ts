/**
 * Evaluates a filter AST against resources of one ResourceSchema. Attribute names are
 * case-insensitive; strings compare case-insensitively unless the attribute is caseExact; a
 * multi-valued attribute matches when any value does; dateTimes compare as instants; `pr` is false
 * for null and empty values. Paths and values are checked once, in compileFilter.
 */
import { ScimError } from '../errors';
import type { ResourceSchema } from '../schemas/resource-schema';
import { findSubAttribute, type AttributeDefinition } from '../schemas/schema.types';
import { asArray, compareInstants, isEmptyValue, isPlainObject, parseDateTime, type ScimResource } from '../values';
import { formatAttributePath, type AttributePathExpression, type CompareOperator, type FilterNode, type FilterValue } from './filter.types';

export type FilterPredicate = (resource: ScimResource) => boolean;

export interface CompileFilterOptions {
  /**
   * What a filter on an attribute the known schemas do not define does: `error` (400 invalidFilter,
   * the default: a misspelt matching attribute must not silently match nothing and let a client
   * create a duplicate) or `noMatch`. A URN the resource type does not know always matches nothing.
   */
  unknownAttributes?: 'error' | 'noMatch';
}

type ObjectPredicate = (object: Record<string, unknown>) => boolean;

/** Where a path's values come from: the leaf definition compared against, and how to read them. */
interface Accessor {
  leaf: AttributeDefinition;
  /** The complex attribute when the path names one without sub-attribute (`emails`, `manager`). */
  complex?: AttributeDefinition;
  read: (object: Record<string, unknown>) => unknown[];
  /** The elements a value filter runs over (complex values, or primitives wrapped as `{ value }`). */
  elements: (object: Record<string, unknown>) => Record<string, unknown>[];
  label: string;
}

const NEVER: ObjectPredicate = () => false;

/** Compiles once, evaluates many times: use for lists. */
export function compileFilter(filter: FilterNode, resourceSchema: ResourceSchema, options: CompileFilterOptions = {}): FilterPredicate {
  const predicate = compileNode(filter, (path) => resourceAccessor(path, resourceSchema, options));
  return (resource) => predicate(resource);
}

export function evaluateFilter(filter: FilterNode, resource: ScimResource, resourceSchema: ResourceSchema, options: CompileFilterOptions = {}): boolean {
  return compileFilter(filter, resourceSchema, options)(resource);
}

/**
 * A predicate over the values of one attribute, as the inner filter of `emails[type eq "work"]` or a
 * PATCH path sees them: paths name sub-attributes of `parent`. Primitive values are seen as `{ value }`.
 */
export function compileValueFilter(filter: FilterNode, parent: AttributeDefinition): (element: Record<string, unknown>) => boolean {
  return compileNode(filter, (path) => elementAccessor(path, parent));
}

/** The sub-attributes the value filter of `parent` can name. */
export function elementDefinition(parent: AttributeDefinition): AttributeDefinition {
  if (parent.type === 'complex') return parent;
  return {
    ...parent,
    type: 'complex',
    multiValued: false,
    subAttributes: [{ ...parent, multiValued: false, name: 'value', subAttributes: undefined }],
  };
}

/** The values of `parent` as filterable elements: complex values as they are, primitives as `{ value }`. */
export function attributeElements(parent: AttributeDefinition, raw: unknown): Record<string, unknown>[] {
  const values = asArray(raw);
  if (parent.type === 'complex') return values.filter(isPlainObject);
  return values.filter((value) => !isEmptyValue(value)).map((value) => ({ value }));
}

type AccessorFactory = (path: AttributePathExpression) => Accessor | 'noMatch';

function compileNode(node: FilterNode, accessorFor: AccessorFactory): ObjectPredicate {
  switch (node.type) {
    case 'and': {
      const left = compileNode(node.left, accessorFor);
      const right = compileNode(node.right, accessorFor);
      return (object) => left(object) && right(object);
    }
    case 'or': {
      const left = compileNode(node.left, accessorFor);
      const right = compileNode(node.right, accessorFor);
      return (object) => left(object) || right(object);
    }
    case 'not': {
      const inner = compileNode(node.filter, accessorFor);
      return (object) => !inner(object);
    }
    case 'present': {
      const accessor = accessorFor(node.path);
      if (accessor === 'noMatch') return NEVER;
      return (object) => accessor.read(object).some((value) => !isEmptyValue(value));
    }
    case 'valuePath': {
      const accessor = accessorFor(node.path);
      if (accessor === 'noMatch') return NEVER;
      const parent = accessor.complex ?? accessor.leaf;
      const inner = compileNode(node.filter, (path) => elementAccessor(path, parent));
      return (object) => accessor.elements(object).some(inner);
    }
    case 'compare': {
      const accessor = accessorFor(node.path);
      if (accessor === 'noMatch') return NEVER;
      const test = compileComparison(node.operator, node.value, accessor);
      return (object) => test(accessor.read(object));
    }
  }
}

function resourceAccessor(path: AttributePathExpression, resourceSchema: ResourceSchema, options: CompileFilterOptions): Accessor | 'noMatch' {
  const target = resourceSchema.resolve(path);
  const label = formatAttributePath(path);
  switch (target.kind) {
    case 'unknownSchema':
      return 'noMatch';
    case 'unknownAttribute':
      if (options.unknownAttributes === 'noMatch') return 'noMatch';
      throw ScimError.invalidFilter(`Unknown attribute "${label}" in filter`);
    case 'schema':
      throw ScimError.invalidFilter(`"${label}" names a schema, not an attribute`);
    case 'attribute': {
      const { attribute, subAttribute, extension, schemaUrn } = target;
      const container = (object: Record<string, unknown>): Record<string, unknown> | undefined => {
        if (!extension) return object;
        const nested = object[schemaUrn];
        return isPlainObject(nested) ? nested : undefined;
      };
      const raw = (object: Record<string, unknown>): unknown => container(object)?.[attribute.name];
      const elements = (object: Record<string, unknown>) => attributeElements(attribute, raw(object));
      return valueAccessor(attribute, subAttribute, raw, elements, label);
    }
  }
}

function elementAccessor(path: AttributePathExpression, parent: AttributeDefinition): Accessor {
  const label = formatAttributePath(path);
  const element = elementDefinition(parent);
  if (path.uri !== undefined) throw ScimError.invalidFilter(`"${label}": a value filter names sub-attributes of ${parent.name}, without a schema URN`);
  const attribute = findSubAttribute(element, path.attribute);
  if (!attribute) throw ScimError.invalidFilter(`Unknown sub-attribute "${parent.name}.${path.attribute}" in filter`);
  if (path.subAttribute !== undefined) throw ScimError.invalidFilter(`"${label}": sub-attributes of ${parent.name} have no sub-attributes`);
  const raw = (object: Record<string, unknown>): unknown => object[attribute.name];
  return valueAccessor(attribute, undefined, raw, () => [], `${parent.name}.${attribute.name}`);
}

function valueAccessor(
  attribute: AttributeDefinition,
  subAttribute: AttributeDefinition | undefined,
  raw: (object: Record<string, unknown>) => unknown,
  elements: (object: Record<string, unknown>) => Record<string, unknown>[],
  label: string,
): Accessor {
  if (subAttribute) {
    return {
      leaf: subAttribute,
      read: (object) => asArray(raw(object)).flatMap((value) => (isPlainObject(value) ? asArray(value[subAttribute.name]) : [])),
      elements,
      label,
    };
  }
  if (attribute.type === 'complex') {
    // RFC 7644 §3.4.2.2: `emails co "x"` compares the `value` sub-attribute of a complex attribute.
    const valueSub = findSubAttribute(attribute, 'value');
    return {
      leaf: valueSub ?? attribute,
      complex: attribute,
      read: (object) => {
        const values = asArray(raw(object));
        return valueSub ? values.flatMap((value) => (isPlainObject(value) ? asArray(value[valueSub.name]) : [])) : values;
      },
      elements,
      label,
    };
  }
  return { leaf: attribute, read: (object) => asArray(raw(object)), elements, label };
}

type ValueTest = (values: unknown[]) => boolean;

function compileComparison(operator: CompareOperator, literal: FilterValue, accessor: Accessor): ValueTest {
  const { leaf, label } = accessor;
  if (leaf.type === 'complex') {
    throw ScimError.invalidFilter(`"${label}" is a complex attribute: compare one of its sub-attributes or use pr`);
  }
  if (literal === null) {
    if (operator === 'eq') return (values) => values.every(isEmptyValue);
    if (operator === 'ne') return (values) => !values.every(isEmptyValue);
    throw ScimError.invalidFilter(`"${operator}" cannot compare "${label}" with null`);
  }
  const match = compileValueMatch(operator, literal, leaf, label);
  if (operator === 'ne') return (values) => !values.some(match);
  return (values) => values.some(match);
}

const ORDERING: ReadonlySet<CompareOperator> = new Set<CompareOperator>(['gt', 'ge', 'lt', 'le']);
const SUBSTRING: ReadonlySet<CompareOperator> = new Set<CompareOperator>(['co', 'sw', 'ew']);

function ordered(operator: CompareOperator, comparison: number): boolean {
  switch (operator) {
    case 'gt':
      return comparison > 0;
    case 'ge':
      return comparison >= 0;
    case 'lt':
      return comparison < 0;
    case 'le':
      return comparison <= 0;
    default:
      return comparison === 0;
  }
}

/** One value against the literal; for `ne` the caller negates `eq`. */
function compileValueMatch(operator: CompareOperator, literal: string | number | boolean, leaf: AttributeDefinition, label: string): (value: unknown) => boolean {
  const op = operator === 'ne' ? 'eq' : operator;
  switch (leaf.type) {
    case 'boolean': {
      if (op !== 'eq') throw ScimError.invalidFilter(`"${operator}" is not supported for the boolean attribute "${label}"`);
      const expected = toBoolean(literal);
      if (expected === undefined) throw ScimError.invalidFilter(`"${label}" is boolean: compare it with true or false`);
      return (value) => toBoolean(value) === expected;
    }
    case 'integer':
    case 'decimal': {
      if (SUBSTRING.has(op)) throw ScimError.invalidFilter(`"${operator}" is not supported for the numeric attribute "${label}"`);
      const expected = toNumber(literal);
      if (expected === undefined) throw ScimError.invalidFilter(`"${label}" is numeric: compare it with a number`);
      return (value) => {
        const actual = toNumber(value);
        return actual !== undefined && ordered(op, Math.sign(actual - expected));
      };
    }
    case 'dateTime': {
      if (!SUBSTRING.has(op)) {
        const expected = typeof literal === 'string' ? parseDateTime(literal) : undefined;
        if (!expected) throw ScimError.invalidFilter(`"${label}" is a dateTime: compare it with a dateTime string`);
        return (value) => {
          const actual = typeof value === 'string' ? parseDateTime(value) : undefined;
          return actual !== undefined && ordered(op, compareInstants(actual, expected));
        };
      }
      return stringMatch(op, String(literal), false);
    }
    case 'binary':
      if (ORDERING.has(op)) throw ScimError.invalidFilter(`"${operator}" is not supported for the binary attribute "${label}"`);
      return stringMatch(op, String(literal), true);
    case 'string':
    case 'reference':
    default:
      return stringMatch(op, String(literal), leaf.caseExact);
  }
}

function stringMatch(op: CompareOperator, literal: string, caseExact: boolean): (value: unknown) => boolean {
  const expected = caseExact ? literal : literal.toLowerCase();
  return (value) => {
    if (value === undefined || value === null || typeof value === 'object') return false;
    const raw = String(value);
    const actual = caseExact ? raw : raw.toLowerCase();
    switch (op) {
      case 'co':
        return actual.includes(expected);
      case 'sw':
        return actual.startsWith(expected);
      case 'ew':
        return actual.endsWith(expected);
      default:
        return ordered(op, actual < expected ? -1 : actual > expected ? 1 : 0);
    }
  };
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    return Number.isFinite(number) ? number : undefined;
  }
  return undefined;
}
