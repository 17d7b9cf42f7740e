/** The filter AST (RFC 7644 §3.4.2.2) and the attribute path expressions filters and PATCH share. */

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export const COMPARE_OPERATORS: readonly CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

export type FilterValue = string | number | boolean | null;

/**
 * `[URI ":"] ATTRNAME ["." subAttr]`, as written (not yet resolved against a schema). `uri` is the
 * text before the last `:`; the resolver also copes with `urn:…:User.attr` (a dot after the URN).
 */
export interface AttributePathExpression {
  uri?: string;
  attribute: string;
  subAttribute?: string;
}

export type FilterNode =
  | { type: 'compare'; path: AttributePathExpression; operator: CompareOperator; value: FilterValue }
  | { type: 'present'; path: AttributePathExpression }
  | { type: 'and'; left: FilterNode; right: FilterNode }
  | { type: 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; filter: FilterNode }
  /** `emails[type eq "work" and value co "@x"]`: one value of `path` satisfies the whole inner filter. */
  | { type: 'valuePath'; path: AttributePathExpression; filter: FilterNode };

/** A PATCH path (RFC 7644 §3.5.2): `attrPath`, or `valuePath ["." subAttr]`. */
export interface PatchPathExpression extends AttributePathExpression {
  /** The value selection filter in `emails[type eq "work"].value`. */
  filter?: FilterNode;
}

export function formatAttributePath(path: AttributePathExpression): string {
  const name = path.subAttribute === undefined ? path.attribute : `${path.attribute}.${path.subAttribute}`;
  return path.uri === undefined ? name : `${path.uri}:${name}`;
}
