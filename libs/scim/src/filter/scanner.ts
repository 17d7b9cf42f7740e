/**
 * One recursive-descent reader for the filter grammar and the PATCH path grammar (a PATCH path embeds
 * a filter). Errors say where (1-based character position) and what was expected.
 */
import { ScimError, type ScimType } from '../errors';
import {
  COMPARE_OPERATORS,
  type AttributePathExpression,
  type CompareOperator,
  type FilterNode,
  type FilterValue,
  type PatchPathExpression,
} from './filter.types';

export interface FilterLimits {
  /** Longest accepted text (default 4096 characters). */
  maxLength: number;
  /** Deepest nesting of parentheses, `not` and value filters (default 32). */
  maxDepth: number;
  /**
   * Accept unquoted words as string values (`userName eq bjensen`, `meta.created gt 2015-10-10T14:38:21Z`),
   * as Microsoft's and Okta's conformance collections send them. Default true.
   */
  allowBareValues: boolean;
}

export const DEFAULT_FILTER_LIMITS: FilterLimits = { maxLength: 4096, maxDepth: 32, allowBareValues: true };

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NAME_CHAR = /[A-Za-z0-9_$-]/;
const WHITESPACE = /\s/;

export class Scanner {
  pos = 0;

  constructor(
    readonly text: string,
    /** `filter` or `path`: the error's scimType and wording follow it. */
    readonly what: 'filter' | 'path',
    readonly limits: FilterLimits,
  ) {}

  private get scimType(): ScimType {
    return this.what === 'filter' ? 'invalidFilter' : 'invalidPath';
  }

  fail(expected: string, at: number = this.pos): never {
    const found = at >= this.text.length ? 'the end of the input' : `"${this.excerpt(at)}"`;
    throw new ScimError(400, `Invalid ${this.what} at position ${at + 1}: expected ${expected}, found ${found}`, this.scimType);
  }

  failWith(detail: string, at: number = this.pos): never {
    throw new ScimError(400, `Invalid ${this.what} at position ${at + 1}: ${detail}`, this.scimType);
  }

  private excerpt(at: number): string {
    const rest = this.text.slice(at);
    const word = /^\S+/.exec(rest)?.[0] ?? rest.slice(0, 1);
    return word.length > 20 ? `${word.slice(0, 20)}…` : word;
  }

  eof(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.pos);
  }

  skipWhitespace(): number {
    const start = this.pos;
    while (!this.eof() && WHITESPACE.test(this.peek())) this.pos++;
    return this.pos - start;
  }

  expect(char: string, description: string): void {
    if (this.peek() !== char) this.fail(description);
    this.pos++;
  }

  /** Case-insensitive keyword at the cursor, followed by whitespace or one of `followers` (not consumed). */
  matchKeyword(keyword: string, followers: string): boolean {
    const end = this.pos + keyword.length;
    if (this.text.slice(this.pos, end).toLowerCase() !== keyword) return false;
    const next = this.text.charAt(end);
    if (next !== '' && !WHITESPACE.test(next) && !followers.includes(next)) return false;
    this.pos = end;
    return true;
  }

  private readName(description: string): string {
    const start = this.pos;
    while (!this.eof() && NAME_CHAR.test(this.peek())) this.pos++;
    if (this.pos === start) this.fail(description);
    return this.text.slice(start, this.pos);
  }

  /** `[URI ":"] ATTRNAME ["." ATTRNAME]`. */
  readAttributePath(): AttributePathExpression {
    const start = this.pos;
    if (this.text.slice(start, start + 4).toLowerCase() === 'urn:') {
      while (!this.eof() && !/[\s[\]()"]/.test(this.peek())) this.pos++;
      const token = this.text.slice(start, this.pos);
      const colon = token.lastIndexOf(':');
      const uri = token.slice(0, colon);
      const rest = token.slice(colon + 1);
      const restStart = start + colon + 1;
      if (rest === '') this.fail('an attribute name after the schema URN', restStart);
      const dot = rest.indexOf('.');
      const attribute = dot < 0 ? rest : rest.slice(0, dot);
      const subAttribute = dot < 0 ? undefined : rest.slice(dot + 1);
      this.checkName(attribute, restStart);
      if (subAttribute !== undefined) this.checkName(subAttribute, restStart + dot + 1);
      return subAttribute === undefined ? { uri, attribute } : { uri, attribute, subAttribute };
    }
    const attribute = this.readName('an attribute name');
    if (this.peek() !== '.') return { attribute };
    this.pos++;
    const subAttribute = this.readName('a sub-attribute name after "."');
    if (this.peek() === '.') this.failWith('an attribute path has at most one sub-attribute');
    return { attribute, subAttribute };
  }

  private checkName(name: string, at: number): void {
    for (let i = 0; i < name.length; i++) {
      if (!NAME_CHAR.test(name.charAt(i))) {
        if (name.charAt(i) === '.') this.failWith('an attribute path has at most one sub-attribute', at + i);
        this.fail('an attribute name character (letter, digit, "-", "_" or "$")', at + i);
      }
    }
    if (name === '') this.fail('an attribute name', at);
  }

  // FILTER = logExp / attrExp / valuePath / "not" "(" FILTER ")" / "(" FILTER ")"; not > and > or.
  parseOr(depth: number, inValuePath: boolean): FilterNode {
    let left = this.parseAnd(depth, inValuePath);
    for (;;) {
      const save = this.pos;
      this.skipWhitespace();
      if (!this.matchKeyword('or', '(')) {
        this.pos = save;
        return left;
      }
      const right = this.parseAnd(depth, inValuePath);
      left = { type: 'or', left, right };
    }
  }

  private parseAnd(depth: number, inValuePath: boolean): FilterNode {
    let left = this.parseUnary(depth, inValuePath);
    for (;;) {
      const save = this.pos;
      this.skipWhitespace();
      if (!this.matchKeyword('and', '(')) {
        this.pos = save;
        return left;
      }
      const right = this.parseUnary(depth, inValuePath);
      left = { type: 'and', left, right };
    }
  }

  private enter(depth: number): number {
    if (depth + 1 > this.limits.maxDepth) {
      this.failWith(`nested deeper than ${this.limits.maxDepth} levels`);
    }
    return depth + 1;
  }

  private parseUnary(depth: number, inValuePath: boolean): FilterNode {
    this.skipWhitespace();
    if (this.eof()) this.fail('an attribute path, "not" or "("');
    if (this.peek() === '(') {
      const inner = this.enter(depth);
      this.pos++;
      const filter = this.parseOr(inner, inValuePath);
      this.skipWhitespace();
      this.expect(')', '")"');
      return filter;
    }
    const save = this.pos;
    if (this.matchKeyword('not', '(')) {
      this.skipWhitespace();
      if (this.peek() === '(') {
        const inner = this.enter(depth);
        this.pos++;
        const filter = this.parseOr(inner, inValuePath);
        this.skipWhitespace();
        this.expect(')', '")"');
        return { type: 'not', filter };
      }
      // Not followed by "(": an attribute that happens to be called "not".
      this.pos = save;
    }
    const pathStart = this.pos;
    const path = this.readAttributePath();
    if (this.peek() === '[') {
      if (inValuePath) this.failWith('value filters cannot be nested');
      if (path.subAttribute !== undefined) this.failWith('a value filter applies to an attribute, not to a sub-attribute', pathStart);
      const inner = this.enter(depth);
      this.pos++;
      const filter = this.parseOr(inner, true);
      this.skipWhitespace();
      this.expect(']', '"]" closing the value filter');
      return { type: 'valuePath', path, filter };
    }
    if (this.skipWhitespace() === 0) {
      this.fail('a space and then an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)');
    }
    const operatorStart = this.pos;
    while (!this.eof() && /[A-Za-z]/.test(this.peek())) this.pos++;
    const operator = this.text.slice(operatorStart, this.pos).toLowerCase();
    const next = this.peek();
    const operatorEnds = next === '' || WHITESPACE.test(next) || next === ')' || next === ']' || next === '"';
    if (operator === 'pr' && operatorEnds && next !== '"') return { type: 'present', path };
    if (!operatorEnds || !(COMPARE_OPERATORS as readonly string[]).includes(operator)) {
      this.fail('an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)', operatorStart);
    }
    this.skipWhitespace();
    const value = this.readValue();
    return { type: 'compare', path, operator: operator as CompareOperator, value };
  }

  private readValue(): FilterValue {
    const start = this.pos;
    const expected = 'a value (a quoted string, a number, true, false or null)';
    if (this.peek() === '"') {
      this.pos++;
      for (;;) {
        if (this.eof()) this.fail('a closing quote for the string that starts at position ' + (start + 1));
        const char = this.peek();
        if (char === '\\') this.pos += 2;
        else if (char === '"') break;
        else this.pos++;
      }
      this.pos++;
      try {
        return JSON.parse(this.text.slice(start, this.pos)) as string;
      } catch {
        this.failWith('the string is not a valid JSON string (bad escape or control character)', start);
      }
    }
    while (!this.eof() && !/[\s)\]]/.test(this.peek())) this.pos++;
    const token = this.text.slice(start, this.pos);
    if (token === '') this.fail(expected, start);
    const lower = token.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (NUMBER.test(token)) return Number(token);
    if (!this.limits.allowBareValues) this.fail(expected, start);
    return token;
  }

  /** PATH = attrPath / valuePath [subAttr] */
  parsePatchPath(): PatchPathExpression {
    this.skipWhitespace();
    if (this.eof()) this.fail('an attribute path');
    const pathStart = this.pos;
    const path: PatchPathExpression = this.readAttributePath();
    if (this.peek() === '[') {
      if (path.subAttribute !== undefined) this.failWith('a value filter applies to an attribute, not to a sub-attribute', pathStart);
      this.pos++;
      path.filter = this.parseOr(1, true);
      this.skipWhitespace();
      this.expect(']', '"]" closing the value filter');
      if (this.peek() === '.') {
        this.pos++;
        const start = this.pos;
        while (!this.eof() && NAME_CHAR.test(this.peek())) this.pos++;
        if (this.pos === start) this.fail('a sub-attribute name after "."');
        path.subAttribute = this.text.slice(start, this.pos);
      }
    }
    this.skipWhitespace();
    if (!this.eof()) this.fail('the end of the path');
    return path;
  }
}
