/**
 * `${NAME}` and `${NAME:-default}` in string values, from the environment. `$${` is a literal
 * `${`. Problems name the variable, never the surrounding text: it may be a secret.
 */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface Interpolation {
  value: string;
  /** True when the text held at least one `${...}` reference. */
  interpolated: boolean;
  problems: string[];
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

export function interpolate(text: string, env: Environment): Interpolation {
  if (!text.includes('${')) return { value: text, interpolated: false, problems: [] };
  const problems: string[] = [];
  let interpolated = false;
  const value = text.replace(REFERENCE, (match: string, body: string | undefined) => {
    if (match === '$${') return '${';
    if (body === undefined) {
      problems.push('has a "${" without its closing "}" (write "$${" for a literal "${")');
      return match;
    }
    interpolated = true;
    const reference = VARIABLE.exec(body);
    if (!reference) {
      problems.push('has a malformed ${...} reference: expected ${NAME} or ${NAME:-default} (write "$${" for a literal "${")');
      return match;
    }
    const [, name, fallback] = reference as unknown as [string, string, string | undefined];
    const set = env[name];
    if (fallback !== undefined) return set === undefined || set === '' ? fallback : set;
    if (set === undefined) {
      problems.push(`environment variable ${name} is not set (set it, or write \${${name}:-default} to give a default)`);
      return match;
    }
    return set;
  });
  return { value, interpolated, problems };
}
