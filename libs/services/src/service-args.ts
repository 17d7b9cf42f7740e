import { resolve } from 'node:path';

/** `--config <file>` (default config/demo.yaml), `--connector-type a,b`, `--data-dir <dir>` (default ./data). */
export function serviceArgs(argv: string[]): { configPath: string; connectorTypes?: string[]; dataDir: string } {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const types = value('--connector-type');
  return {
    configPath: resolve(value('--config') ?? 'config/demo.yaml'),
    ...(types ? { connectorTypes: types.split(',').map((t) => t.trim()).filter(Boolean) } : {}),
    dataDir: resolve(value('--data-dir') ?? 'data'),
  };
}
