// Command-line options of the benchmarks: `--name value` or `--name=value`, kebab-case for the
// camelCase keys of `defaults`; a number where the default is a number.

/** Options from argv over `defaults`; `--help` prints `usage` and exits 0. Throws on anything unknown. */
export function parseOptions(argv, defaults, usage) {
  const options = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(usage);
      process.exit(0);
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected argument ${arg} (try --help)`);
    const key = match[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`unknown option --${match[1]} (try --help)`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    options[key] = typeof defaults[key] === 'number' ? Number(value) : value;
    if (typeof defaults[key] === 'number' && !(Number.isFinite(options[key]) && options[key] >= 0)) {
      throw new Error(`--${match[1]} must be a non-negative number`);
    }
  }
  return options;
}

/** `1,8,32` → [1, 8, 32]; throws unless every value is a positive integer. */
export function positiveIntegers(text, name) {
  const values = String(text).split(',').map((v) => Number(v.trim()));
  if (!values.length || values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`--${name} must be a list of positive integers`);
  return values;
}

export function checkLogLevel(level) {
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new Error('--log-level must be debug, info, warn or error');
}
