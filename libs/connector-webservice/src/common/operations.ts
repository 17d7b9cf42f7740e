import type { AttributeType } from '@connector-host/connector-sdk';
import type { BodyTemplate } from './template';
import type { ValuePath } from './value-path';

/** How a list operation pages. REST reads the page state from query parameters; SOAP from `{$page}`… in its request. */
export interface PagingSettings {
  type: 'none' | 'page' | 'offset' | 'cursor' | 'link';
  /** Objects per page; default: the connector's `exportPageSize`. */
  pageSize?: number;
  /** First page number (page paging). Default 1. */
  firstPage: number;
  /** REST query parameter names. */
  pageParam?: string;
  offsetParam?: string;
  sizeParam?: string;
  cursorParam?: string;
  /** cursor paging: where the next cursor is in the answer (absent, null or "" = last page). */
  nextCursor?: ValuePath;
}

/** Delta import: the list operation takes a "changed since" value. */
export interface SinceSettings {
  /** REST: the query parameter carrying it. SOAP: the request uses `{$since}`. */
  param?: string;
  format: 'iso' | 'epochMs' | 'epochSeconds';
  /** The next delta starts this long before the previous one started (clock skew, slow commits). */
  overlapSeconds: number;
}

export type OperationName = 'list' | 'get' | 'create' | 'update' | 'delete' | 'find';

/** What the shared connector logic needs to know of any operation, REST or SOAP. */
export interface OperationSpec {
  name: OperationName;
  /** `objectTypes.User.target.operations.get`, for messages. */
  where: string;
  /** list / find: where the array of objects is in the answer. */
  items?: ValuePath;
  /** get / create / update: where the object is in the answer; the whole answer when absent. */
  response?: ValuePath;
  paging?: PagingSettings;
  since?: SinceSettings;
  /** update: send only the changed attributes (PATCH-like) or the whole object (PUT-like). */
  send?: 'changed' | 'whole';
  /** Body / request template; undefined = built from the attributes' JSON pointers (REST only). */
  body?: BodyTemplate;
  /** Placeholder names used in the parts that identify the object (URL, headers). */
  addressNames: string[];
  /** Placeholder names used in the body. */
  bodyNames: string[];
}

/** An attribute as configured in `target.attributes`: a path, or a path with its definition. */
export interface AttributeSetting {
  path: string;
  type?: AttributeType;
  multiValued?: boolean;
  readOnly?: boolean;
  required?: boolean;
  caseExact?: boolean;
}

export const ATTRIBUTE_TYPES: readonly AttributeType[] = ['string', 'integer', 'decimal', 'boolean', 'dateTime', 'binary', 'reference'];

/** JSON Schema of `target.attributes`: name → path, or name → { path, type, … }. */
export const attributesSchema = {
  description: 'Attribute name → where it is in the target object: a JSON pointer (/name/givenName) or a JSONPath ($.emails[0].value), or { path, type, multiValued, readOnly, required, caseExact }.',
  type: 'object',
  propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_-]*$', errorMessage: 'is not an attribute name (letters, digits, _ and -, starting with a letter)' },
  // one schema for both forms (pattern applies to text, properties to mappings): a misspelt key
  // inside the mapping form is then reported by name, which an anyOf would hide
  additionalProperties: {
    type: ['string', 'object'],
    pattern: '^(/.*|\\$.*|)$',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', pattern: '^(/.*|\\$.*|)$' },
      type: { enum: [...ATTRIBUTE_TYPES] },
      multiValued: { type: 'boolean' },
      readOnly: { type: 'boolean', description: 'The target sets it (a generated id): never sent.' },
      required: { type: 'boolean' },
      caseExact: { type: 'boolean' },
    },
  },
};

export const pathSchema = { type: 'string', pattern: '^(/.*|\\$.*|)$', errorMessage: 'must be a JSON pointer (/a/b), a JSONPath ($.a.b) or "" for the whole answer' };

export const sinceSchema = (rest: boolean) => ({
  description: rest
    ? 'Delta import: the query parameter that asks for objects changed since a time.'
    : 'Delta import: the list request holds {$since}, the time to ask for changes since.',
  type: 'object',
  additionalProperties: false,
  ...(rest ? { required: ['param'] } : {}),
  properties: {
    ...(rest ? { param: { type: 'string', minLength: 1 } } : {}),
    format: { enum: ['iso', 'epochMs', 'epochSeconds'], description: 'How the time is written (default iso).' },
    overlapSeconds: { type: 'integer', minimum: 0, description: 'Each delta starts this long before the previous import started (default 60).' },
  },
});

export const pagingSchema = (rest: boolean) => ({
  description: rest
    ? 'Paging: none, page (page number), offset, cursor (next cursor in the answer) or link (Link: rel="next" header).'
    : 'Paging: none, page ({$page}), offset ({$offset}) or cursor ({$cursor}); {$pageSize} is the page size.',
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { enum: rest ? ['none', 'page', 'offset', 'cursor', 'link'] : ['none', 'page', 'offset', 'cursor'] },
    pageSize: { type: 'integer', minimum: 1 },
    firstPage: { type: 'integer', minimum: 0 },
    ...(rest
      ? {
          pageParam: { type: 'string', minLength: 1 },
          offsetParam: { type: 'string', minLength: 1 },
          sizeParam: { type: 'string', minLength: 1 },
          cursorParam: { type: 'string', minLength: 1 },
        }
      : {}),
    nextCursor: pathSchema,
  },
  allOf: [
    { if: { required: ['type'], properties: { type: { const: 'cursor' } } }, then: { required: ['nextCursor'] }, errorMessage: 'cursor paging needs nextCursor' },
    ...(rest
      ? [
          { if: { required: ['type'], properties: { type: { const: 'page' } } }, then: { required: ['pageParam'] }, errorMessage: 'page paging needs pageParam' },
          { if: { required: ['type'], properties: { type: { const: 'offset' } } }, then: { required: ['offsetParam'] }, errorMessage: 'offset paging needs offsetParam' },
          { if: { required: ['type'], properties: { type: { const: 'cursor' } } }, then: { required: ['cursorParam'] }, errorMessage: 'cursor paging needs cursorParam' },
        ]
      : []),
  ],
});
