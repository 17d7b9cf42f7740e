/** parseFilter and parseAttributePath: text in, AST out, or a ScimError that says where it went wrong. */
import { ScimError } from '../errors';
import type { FilterNode, PatchPathExpression } from './filter.types';
import { DEFAULT_FILTER_LIMITS, Scanner, type FilterLimits } from './scanner';

export type { FilterLimits } from './scanner';
export { DEFAULT_FILTER_LIMITS } from './scanner';

/** Parses a filter (RFC 7644 §3.4.2.2). Errors are `invalidFilter` with the 1-based position. */
export function parseFilter(text: string, limits: Partial<FilterLimits> = {}): FilterNode {
  const effective = { ...DEFAULT_FILTER_LIMITS, ...limits };
  if (typeof text !== 'string') throw ScimError.invalidFilter('The filter must be a string');
  if (text.length > effective.maxLength) {
    throw ScimError.invalidFilter(`The filter is longer than ${effective.maxLength} characters`);
  }
  const scanner = new Scanner(text, 'filter', effective);
  scanner.skipWhitespace();
  if (scanner.eof()) throw ScimError.invalidFilter('The filter is empty');
  const filter = scanner.parseOr(0, false);
  scanner.skipWhitespace();
  if (!scanner.eof()) scanner.fail('"and", "or" or the end of the filter');
  return filter;
}

/**
 * Parses an attribute path as PATCH (RFC 7644 §3.5.2), `attributes` and mappings use it: `attr`,
 * `a.b`, `urn:…:attr`, `emails[type eq "work"].value`, `members[value eq "x"]`. Errors are `invalidPath`.
 */
export function parseAttributePath(text: string, limits: Partial<FilterLimits> = {}): PatchPathExpression {
  const effective = { ...DEFAULT_FILTER_LIMITS, ...limits };
  if (typeof text !== 'string') throw ScimError.invalidPath('The path must be a string');
  if (text.length > effective.maxLength) {
    throw ScimError.invalidPath(`The path is longer than ${effective.maxLength} characters`);
  }
  return new Scanner(text, 'path', effective).parsePatchPath();
}
