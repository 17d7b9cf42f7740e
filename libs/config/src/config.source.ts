/**
 * Reads the YAML text into a plain value, keeping the line of every key and interpolating
 * `${NAME}` in string values. Problems come back as issues rather than exceptions so that one run
 * reports them all.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigIssue } from './config.error';
import { interpolate, type Environment } from './config.interpolation';
import { displayPath, fromPointer, toPointer, type KeyPath } from './config.key-path';
import { isSecretKey } from './config.redaction';

export interface ConfigSource {
  value: unknown;
  issues: ConfigIssue[];
  /** True when the text is not valid YAML; `value` must not be used then. */
  syntaxError: boolean;
  /** Pointers whose value could not be read (interpolation failed, duplicate key): no further issues there. */
  unreliable: Set<string>;
  /** Pointers of values that came from the environment: retyped where the schema wants a number or boolean. */
  interpolated: Set<string>;
  /** Pointers of keys written with no value (`key:`), which count as absent, with their line. */
  empty: Map<string, number>;
  /** Values of secret-looking keys, raw and interpolated, to keep out of every message. */
  secrets: Set<string>;
  /** Line of the key (or item) at this pointer, or of its nearest enclosing key. */
  lineOf(pointer: string): number | undefined;
}

/** Bounds alias expansion ("billion laughs"). */
const MAX_NODES = 100_000;

export function readConfigSource(text: string, env: Environment): ConfigSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
    schema: 'core',
    merge: false,
  });
  const lines = new Map<string, number>();
  const source: ConfigSource = {
    value: undefined,
    issues: [],
    syntaxError: false,
    unreliable: new Set(),
    interpolated: new Set(),
    empty: new Map(),
    secrets: new Set(),
    lineOf(pointer) {
      let segments = fromPointer(pointer);
      for (;;) {
        const line = lines.get(toPointer(segments));
        if (line !== undefined || segments.length === 0) return line;
        segments = segments.slice(0, -1);
      }
    },
  };
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;

  // Only the first: later YAML errors are mostly echoes of it, and they quote source text.
  const [problem] = [...doc.errors, ...doc.warnings].sort((a, b) => a.pos[0] - b.pos[0]);
  if (problem) {
    const line = lineAt(problem.pos[0]);
    const lineText = text.split(/\r?\n/)[line - 1] ?? '';
    const hint = /[{[].*\$\{/.test(lineText) ? ' (inside { } or [ ], put values that use ${...} in quotes)' : '';
    source.syntaxError = true;
    source.issues.push({ path: '', line, message: `YAML: ${problem.message}${hint}` });
  }

  let visited = 0;
  const walk = (node: unknown, path: KeyPath, line: number, active: Set<unknown>): unknown => {
    const pointer = toPointer(path);
    if (!lines.has(pointer)) lines.set(pointer, line);
    if (++visited > MAX_NODES) {
      if (visited === MAX_NODES + 1) {
        source.issues.push({ path: displayPath(path), line, message: 'the file expands to too many values (aliases?)' });
      }
      source.unreliable.add(pointer);
      return null;
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(doc as Document);
      if (target === undefined || active.has(target)) {
        source.issues.push({ path: displayPath(path), line, message: `alias *${node.source} refers to nothing, or to a value that contains it` });
        source.unreliable.add(pointer);
        return null;
      }
      return walk(target, path, line, new Set([...active, target]));
    }
    if (isMap(node)) {
      const entries: [string, unknown][] = [];
      const firstLine = new Map<string, number>();
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const keyLine = keyNode?.range ? lineAt(keyNode.range[0]) : line;
        if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
          source.issues.push({ path: displayPath(path), line: keyLine, message: 'keys must be plain names' });
          source.unreliable.add(pointer);
          continue;
        }
        const key = String(keyNode.value);
        if (key === '<<' && keyNode.type === 'PLAIN') {
          source.issues.push({ path: displayPath(path), line: keyLine, message: 'merge keys (<<) are not supported; repeat the keys' });
          source.unreliable.add(pointer);
          continue;
        }
        const childPath = [...path, key];
        const childPointer = toPointer(childPath);
        const seen = firstLine.get(key);
        if (seen !== undefined) {
          source.issues.push({
            path: displayPath(childPath),
            line: keyLine,
            message: `duplicate key "${key}" (first given on line ${seen})`,
          });
          source.unreliable.add(childPointer);
          continue;
        }
        firstLine.set(key, keyLine);
        lines.set(childPointer, keyLine);
        const value = walk(pair.value, childPath, keyLine, active);
        if (value === null) {
          // `key:` with nothing after it counts as absent, so commented-out sections stay valid.
          source.empty.set(childPointer, keyLine);
        } else {
          entries.push([key, value]);
        }
      }
      // fromEntries defines own properties, so a `__proto__` key stays an ordinary (unknown) key.
      return Object.fromEntries(entries);
    }
    if (isSeq(node)) {
      return node.items.map((item, index) => {
        const itemLine = (item as Node | null)?.range ? lineAt((item as Node).range![0]) : line;
        lines.set(toPointer([...path, index]), itemLine);
        return walk(item, [...path, index], itemLine, active);
      });
    }
    if (isScalar(node)) {
      const value = node.value;
      const secret = path.some(isSecretKey);
      if (secret && node.source !== undefined) source.secrets.add(node.source);
      if (typeof value !== 'string') return value;
      if (secret) source.secrets.add(value);
      const result = interpolate(value, env);
      if (secret) source.secrets.add(result.value);
      for (const problem of result.problems) {
        source.issues.push({ path: displayPath(path), line, message: problem });
        source.unreliable.add(pointer);
      }
      if (!result.interpolated || result.problems.length > 0) return value;
      // Unquoted and empty is YAML's own "no value". Otherwise the schema types it (`port: ${PORT}`).
      if (node.type === 'PLAIN' && result.value === '') return null;
      source.interpolated.add(pointer);
      return result.value;
    }
    source.issues.push({ path: displayPath(path), line, message: 'unsupported YAML value' });
    source.unreliable.add(pointer);
    return null;
  };

  const root = doc.contents;
  if (!source.syntaxError) {
    source.value = walk(root, [], root?.range ? lineAt(root.range[0]) : 1, new Set());
  } else if (root) {
    // Still walk a broken document, only to learn its secrets so that no message repeats them.
    const issues = source.issues;
    source.issues = [];
    walk(root, [], 1, new Set());
    source.issues = issues;
  }
  return source;
}
