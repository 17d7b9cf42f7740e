import { ConnectorError, type AttributeValue } from '@connector-host/connector-sdk';

/**
 * Templates: `{name}` placeholders in URL templates, headers and JSON body templates. `name` is an
 * attribute of the object, or one of the host's variables (`$anchor`, `$page`, `$offset`,
 * `$pageSize`, `$cursor`, `$since`, `$password`). `{{` and `}}` are literal braces.
 *
 * Nothing is ever built by concatenating text into a URL or a JSON document: URL values are
 * percent-encoded as one path segment (or query value), and bodies are built as values, then
 * serialised once.
 */
export type TemplatePart = { text: string } | { name: string };

export interface CompiledTemplate {
  source: string;
  parts: TemplatePart[];
  names: string[];
}

const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_$][A-Za-z0-9_.$-]*)\}|[{}]/g;

export class TemplateError extends Error {}

export function compileTemplate(source: string): CompiledTemplate {
  const parts: TemplatePart[] = [];
  const names: string[] = [];
  let last = 0;
  let text = '';
  for (const match of source.matchAll(PLACEHOLDER)) {
    text += source.slice(last, match.index);
    last = (match.index ?? 0) + match[0].length;
    if (match[0] === '{{') text += '{';
    else if (match[0] === '}}') text += '}';
    else if (match[1]) {
      if (text) parts.push({ text });
      text = '';
      parts.push({ name: match[1] });
      names.push(match[1]);
    } else {
      throw new TemplateError(`"${source}": a lone "${match[0]}" (write {{ or }} for a literal brace, {name} for a placeholder)`);
    }
  }
  text += source.slice(last);
  if (text) parts.push({ text });
  return { source, parts, names };
}

/** What a template is rendered against. */
export interface TemplateScope {
  /** The values of an attribute or variable; [] = known but without a value. */
  values(name: string): AttributeValue[];
  multiValued(name: string): boolean;
  /**
   * Changed-attributes mode (PATCH): only placeholders of attributes taking part in this write
   * are rendered; undefined = every placeholder (create, whole-object update).
   */
  takesPart?(name: string): boolean;
}

/** Variables that only ever appear in bodies: never in a URL or a header. */
const BODY_ONLY = new Set(['$password']);

/**
 * A URL path and query from a template: each value percent-encoded, so a value can never add a
 * path segment, a query parameter or leave the base URL. A missing or empty value is an error (an
 * empty segment would turn `/users/{id}` into `/users/`).
 */
export function renderUrl(template: CompiledTemplate, scope: TemplateScope): string {
  let out = '';
  let inQuery = false;
  for (const part of template.parts) {
    if ('text' in part) {
      out += part.text;
      if (part.text.includes('?')) inQuery = true;
      continue;
    }
    if (BODY_ONLY.has(part.name)) throw new ConnectorError('invalidValue', `{${part.name}} may not appear in a URL`);
    const value = single(part.name, scope, `URL template "${template.source}"`);
    if (value === undefined || value === '') {
      throw new ConnectorError('invalidValue', `URL template "${template.source}" needs a value for {${part.name}}`);
    }
    const text = String(value);
    // "." and ".." are path navigation even percent-encoded (%2E%2E): URL parsers resolve them
    if (!inQuery && (text === '.' || text === '..')) {
      throw new ConnectorError('invalidValue', `URL template "${template.source}": "${text}" cannot name an object in a URL path`);
    }
    out += encodeURIComponent(text);
  }
  return out;
}

/** A header value: placeholders filled, line breaks refused (no header injection). */
export function renderHeader(template: CompiledTemplate, scope: TemplateScope): string {
  let out = '';
  for (const part of template.parts) {
    if ('text' in part) out += part.text;
    else {
      if (BODY_ONLY.has(part.name)) throw new ConnectorError('invalidValue', `{${part.name}} may not appear in a header`);
      out += String(single(part.name, scope, `header template "${template.source}"`) ?? '');
    }
  }
  if (/[\r\n\0]/.test(out)) throw new ConnectorError('invalidValue', `header template "${template.source}": a value holds a line break`);
  return out;
}

function single(name: string, scope: TemplateScope, where: string): AttributeValue | undefined {
  const values = scope.values(name);
  if (values.length > 1) throw new ConnectorError('invalidValue', `${where}: {${name}} has ${values.length} values where one fits`);
  return values[0];
}

/** A JSON body template, parsed once: strings holding placeholders are compiled. */
export type BodyTemplate =
  | { kind: 'literal'; value: unknown }
  | { kind: 'string'; template: CompiledTemplate }
  | { kind: 'object'; entries: Array<[string, BodyTemplate]> }
  | { kind: 'array'; items: BodyTemplate[] };

export function compileBody(value: unknown): BodyTemplate {
  if (typeof value === 'string') {
    const template = compileTemplate(value);
    return template.names.length ? { kind: 'string', template } : { kind: 'literal', value: template.parts.map((p) => ('text' in p ? p.text : '')).join('') };
  }
  if (Array.isArray(value)) return { kind: 'array', items: value.map(compileBody) };
  if (value !== null && typeof value === 'object') {
    return { kind: 'object', entries: Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, compileBody(v)]) };
  }
  return { kind: 'literal', value };
}

/** Every placeholder name in a body template. */
export function bodyNames(template: BodyTemplate): string[] {
  switch (template.kind) {
    case 'literal':
      return [];
    case 'string':
      return template.template.names;
    case 'object':
      return template.entries.flatMap(([, t]) => bodyNames(t));
    case 'array':
      return template.items.flatMap(bodyNames);
  }
}

const OMIT = Symbol('omit');
type Rendered = unknown | typeof OMIT;

/**
 * Builds the body as a value. A string that is exactly one placeholder takes the value with its
 * type (a number stays a number, a multi-valued attribute is an array); a placeholder inside text
 * is interpolated into that string. A key whose placeholders have no value is left out; in
 * changed-attributes mode a cleared attribute is sent as null and keys of attributes not taking
 * part are left out (with objects that end up holding nothing that changed).
 */
export function renderBody(template: BodyTemplate, scope: TemplateScope): unknown {
  const value = render(template, scope, true);
  return value === OMIT ? {} : value;
}

function render(template: BodyTemplate, scope: TemplateScope, root: boolean): Rendered {
  switch (template.kind) {
    case 'literal':
      return template.value;
    case 'string':
      return renderString(template.template, scope);
    case 'object': {
      const out: Record<string, unknown> = {};
      let dynamic = false;
      let kept = false;
      for (const [key, child] of template.entries) {
        const value = render(child, scope, false);
        if (bodyNames(child).length) dynamic = true;
        if (value === OMIT) continue;
        out[key] = value;
        if (bodyNames(child).length) kept = true;
      }
      // in changed mode, an object whose placeholders all stayed out carries nothing that changed
      if (!root && scope.takesPart && dynamic && !kept) return OMIT;
      return out;
    }
    case 'array': {
      const out: unknown[] = [];
      let dynamic = false;
      let kept = false;
      for (const child of template.items) {
        const value = render(child, scope, false);
        if (bodyNames(child).length) dynamic = true;
        if (value === OMIT) continue;
        out.push(value);
        if (bodyNames(child).length) kept = true;
      }
      if (!root && scope.takesPart && dynamic && !kept) return OMIT;
      return out;
    }
  }
}

function renderString(template: CompiledTemplate, scope: TemplateScope): Rendered {
  const names = template.names;
  if (scope.takesPart && !names.some((n) => scope.takesPart!(n))) return OMIT;
  const whole = template.parts.length === 1 && 'name' in template.parts[0]!;
  if (whole) {
    const name = names[0] as string;
    const values = scope.values(name);
    if (scope.multiValued(name)) return values.length || scope.takesPart ? [...values] : OMIT;
    if (values.length > 1) throw new ConnectorError('invalidValue', `{${name}} is single-valued but has ${values.length} values`);
    // a cleared attribute is sent as null; a variable without a value ($password) is left out
    if (values.length === 0) return scope.takesPart && !name.startsWith('$') ? null : OMIT;
    return values[0];
  }
  let out = '';
  let any = false;
  for (const part of template.parts) {
    if ('text' in part) {
      out += part.text;
      continue;
    }
    const values = scope.values(part.name);
    if (values.length > 1) throw new ConnectorError('invalidValue', `"${template.source}": {${part.name}} has ${values.length} values where one fits`);
    if (values.length) any = true;
    out += values.length ? String(values[0]) : '';
  }
  if (!any) return scope.takesPart ? null : OMIT;
  return out;
}
