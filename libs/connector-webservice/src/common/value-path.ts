import { JSONPath } from 'jsonpath-plus';

/**
 * Where a value sits in a JSON document: a JSON Pointer (RFC 6901, `/name/givenName`) or a
 * JSONPath (`$.emails[?(@.type=='work')].value`). `''` and `/` both mean the whole document.
 */
export type ValuePath =
  | { kind: 'pointer'; text: string; tokens: string[] }
  | { kind: 'jsonpath'; text: string };

export class ValuePathError extends Error {}

export function parseValuePath(text: string): ValuePath {
  if (text === '' || text === '/') return { kind: 'pointer', text, tokens: [] };
  if (text.startsWith('/')) {
    const tokens = text
      .slice(1)
      .split('/')
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (/~[^01]|~$/.test(text)) throw new ValuePathError(`"${text}" is not a JSON pointer: "~" must be followed by 0 or 1`);
    return { kind: 'pointer', text, tokens };
  }
  if (text.startsWith('$')) return { kind: 'jsonpath', text };
  throw new ValuePathError(`"${text}" is neither a JSON pointer (starting with /) nor a JSONPath (starting with $)`);
}

/** The pointer for one object key (`a/b` → `/a~1b`). */
export function pointerOf(tokens: string[]): string {
  return tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function step(node: unknown, token: string): unknown {
  if (Array.isArray(node)) return /^(0|[1-9][0-9]*)$/.test(token) ? node[Number(token)] : undefined;
  if (node !== null && typeof node === 'object' && Object.prototype.hasOwnProperty.call(node, token)) {
    return (node as Record<string, unknown>)[token];
  }
  return undefined;
}

/** The value at a pointer, or the first JSONPath match; undefined when there is none. */
export function readOne(document: unknown, path: ValuePath): unknown {
  const all = readAll(document, path);
  return all[0];
}

/**
 * Every value the path designates. A pointer gives its one value (an array stays one value: the
 * caller decides whether it is a list); a JSONPath gives all its matches.
 */
export function readAll(document: unknown, path: ValuePath): unknown[] {
  if (path.kind === 'pointer') {
    let node = document;
    for (const token of path.tokens) {
      node = step(node, token);
      if (node === undefined) return [];
    }
    return node === undefined ? [] : [node];
  }
  if (document === null || typeof document !== 'object') return [];
  // eval 'safe': filter expressions run in jsonpath-plus's sandboxed evaluator, never as JS
  const found = JSONPath({ path: path.text, json: document as object, wrap: true, eval: 'safe' }) as unknown[];
  return Array.isArray(found) ? found : [];
}

/** Sets the value at a pointer, creating objects on the way. */
export function writePointer(document: Record<string, unknown>, tokens: string[], value: unknown): void {
  if (tokens.length === 0) throw new ValuePathError('cannot write the whole document through the pointer ""');
  let node: Record<string, unknown> = document;
  for (const token of tokens.slice(0, -1)) {
    const next = node[token];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[token] = {};
    node = node[token] as Record<string, unknown>;
  }
  node[tokens[tokens.length - 1] as string] = value;
}
