/**
 * Replays a Runscope API-test export (the format of Okta's SCIM spec tests) against a server:
 * every request step in order with its headers and body, `{{variable}}` substitution, the
 * variables a step extracts from its response, its assertions and its post-response scripts.
 *
 * What it deliberately does not do, so that its results can be compared exactly from run to run:
 * - `response_time` assertions are reported with the time measured but not evaluated (`timed`):
 *   the tests share two cores with other work, and a test's verdict must not depend on load.
 * - `pause` steps are not waited: they give an eventually consistent server time to catch up, and
 *   a connector host acknowledges a write only once the target holds it, so skipping them only
 *   makes the replay stricter.
 *
 * Assertion semantics follow Runscope's documented comparisons: a JSON property is a dot and
 * bracket path (`Resources[0].emails[0].value`; `emails.value` on an array names nothing);
 * `equal` compares text (`true` equals "true"), `equal_number` numbers, `not_empty` fails on a
 * missing value, null, "", [] and {} (false and 0 are values), `has_value` asks an array (or an
 * object's values) for an element with that text, `contains` looks for the text in a string or in
 * an array's or object's JSON, `is_a_number` wants a number.
 */
import { runInNewContext } from 'node:vm';
import * as nodeAssert from 'node:assert';

export interface RunscopeAssertion {
  source: 'response_status' | 'response_json' | 'response_time' | string;
  comparison: string;
  property?: string;
  value: string | number | null;
}

export interface RunscopeRequestStep {
  step_type: 'request';
  note: string;
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  body?: string;
  variables?: Array<{ source: string; property: string; name: string }>;
  assertions: RunscopeAssertion[];
  scripts: string[];
  before_scripts: string[];
}

export interface RunscopeTest {
  name: string;
  steps: Array<RunscopeRequestStep | { step_type: 'pause'; duration: number } | { step_type: string }>;
}

export interface AssertionOutcome {
  /** `<step note>: <source> [<property>] <comparison> [<value>]`, the value after substitution. */
  key: string;
  /** `timed`: a response_time assertion, reported and not evaluated. */
  verdict: 'passed' | 'failed' | 'timed';
  /** What was found, for a failure's message. */
  actual: string;
}

export interface StepOutcome {
  note: string;
  method: string;
  url: string;
  /** Undefined when the request could not be sent (an undefined variable, a network error). */
  status?: number;
  /** Why the request was not sent or had no answer. */
  error?: string;
  body: string;
  milliseconds?: number;
  assertions: AssertionOutcome[];
}

export interface RunscopeRunOptions {
  /** Initial variables (Runscope's "Initial Variables" and what its "Initial Script" sets). */
  variables: Record<string, string>;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Replaces `{{name}}`; throws naming the first variable that is not defined, as Runscope fails such a step. */
export function substitute(text: string, variables: Record<string, string>): string {
  return text.replace(VARIABLE, (_, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(variables, name)) throw new Error(`Variable '${name}' was not defined`);
    return variables[name];
  });
}

/** The value at a Runscope property path (`a.b[0].c`), or undefined. */
export function propertyAt(json: unknown, path: string): unknown {
  let current: unknown = json;
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== 'object') return undefined;
    if (match[2] !== undefined) {
      if (!Array.isArray(current)) return undefined;
      current = current[Number(match[2])];
    } else {
      if (Array.isArray(current) && !/^\d+$/.test(match[1])) return undefined;
      current = Object.prototype.hasOwnProperty.call(current, match[1]) ? (current as Record<string, unknown>)[match[1]] : undefined;
    }
  }
  return current;
}

function text(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One Runscope comparison; `expected` already substituted. */
export function compare(comparison: string, actual: unknown, expected: string | null): boolean {
  switch (comparison) {
    case 'equal':
      return actual !== undefined && actual !== null && typeof actual !== 'object' ? String(actual) === expected : text(actual) === expected;
    case 'equal_number':
      return expected !== null && actual !== undefined && actual !== null && actual !== '' && Number(actual) === Number(expected) && !Number.isNaN(Number(actual));
    case 'not_empty':
      if (actual === undefined || actual === null || actual === '') return false;
      if (Array.isArray(actual)) return actual.length > 0;
      if (typeof actual === 'object') return Object.keys(actual).length > 0;
      return true;
    case 'empty':
      return !compare('not_empty', actual, expected);
    case 'has_value': {
      if (actual === null || typeof actual !== 'object') return false;
      const values = Array.isArray(actual) ? actual : Object.values(actual);
      return values.some((value) => (value === null ? expected === null : typeof value !== 'object' && String(value) === expected));
    }
    case 'contains':
      return actual !== undefined && actual !== null && expected !== null && (typeof actual === 'string' ? actual : JSON.stringify(actual)).includes(expected);
    case 'is_a_number':
      return typeof actual === 'number' && Number.isFinite(actual);
    default:
      throw new Error(`the runner does not know the Runscope comparison "${comparison}"`);
  }
}

function headerValues(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** Runs every request step of `test` in order; never throws for a server's answer. */
export async function runRunscopeTest(test: RunscopeTest, options: RunscopeRunOptions): Promise<StepOutcome[]> {
  const variables = { ...options.variables };
  const outcomes: StepOutcome[] = [];
  for (const step of test.steps) {
    if (step.step_type === 'pause') continue;
    if (step.step_type !== 'request') throw new Error(`the runner does not know the Runscope step type "${step.step_type}"`);
    const request = step as RunscopeRequestStep;
    if (request.before_scripts.length > 0) throw new Error(`${request.note}: the runner does not run before_scripts`);
    const outcome: StepOutcome = { note: request.note, method: request.method, url: request.url, body: '', assertions: [] };
    outcomes.push(outcome);
    let json: unknown;
    try {
      const url = substitute(request.url, variables);
      outcome.url = url;
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) for (const one of headerValues(value)) headers.append(name, substitute(one, variables));
      const body = request.body === undefined ? undefined : substitute(request.body, variables);
      const started = performance.now();
      const response = await fetch(new URL(url), {
        method: request.method,
        headers,
        // bytes, not a string: fetch would add `Content-Type: text/plain` where the step sends none
        body: request.method === 'GET' || request.method === 'HEAD' || body === undefined ? undefined : new TextEncoder().encode(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      outcome.body = await response.text();
      outcome.milliseconds = Math.round(performance.now() - started);
      outcome.status = response.status;
      try {
        json = JSON.parse(outcome.body);
      } catch {
        json = undefined;
      }
    } catch (error) {
      outcome.error = (error as Error).message;
    }
    for (const assertion of request.assertions) {
      let expected: string | null = null;
      try {
        expected = assertion.value === null ? null : substitute(String(assertion.value), variables);
      } catch {
        expected = String(assertion.value);
      }
      const key = [`${request.note}:`, assertion.source, assertion.property, assertion.comparison, expected].filter((part) => part !== undefined && part !== null).join(' ');
      if (assertion.source === 'response_time') {
        outcome.assertions.push({ key, verdict: 'timed', actual: `${outcome.milliseconds ?? '(no answer)'} ms` });
        continue;
      }
      let actual: unknown;
      if (assertion.source === 'response_status') actual = outcome.status;
      else if (assertion.source === 'response_json') actual = assertion.property === undefined ? json : propertyAt(json, assertion.property);
      else throw new Error(`${request.note}: the runner does not know the assertion source "${assertion.source}"`);
      const passed = outcome.status !== undefined && compare(assertion.comparison, actual, expected);
      outcome.assertions.push({ key, verdict: passed ? 'passed' : 'failed', actual: outcome.error ?? text(actual) });
    }
    request.scripts.forEach((script, index) => {
      const key = `${request.note}: script ${index + 1}`;
      if (outcome.status === undefined) {
        outcome.assertions.push({ key, verdict: 'failed', actual: outcome.error ?? 'no answer' });
        return;
      }
      try {
        runInNewContext(script, {
          response: { body: outcome.body, status: outcome.status },
          assert: nodeAssert,
          log: () => undefined,
          variables: { get: (name: string) => variables[name], set: (name: string, value: unknown) => (variables[name] = String(value)) },
        });
        outcome.assertions.push({ key, verdict: 'passed', actual: 'ok' });
      } catch (error) {
        outcome.assertions.push({ key, verdict: 'failed', actual: (error as Error).message });
      }
    });
    for (const extraction of request.variables ?? []) {
      if (extraction.source !== 'response_json') throw new Error(`${request.note}: the runner does not know the variable source "${extraction.source}"`);
      const value = propertyAt(json, extraction.property);
      if (value !== undefined && value !== null) variables[extraction.name] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  return outcomes;
}
