// What the benchmarks take from `npm run build`: the host (dist/apps/cli/main.js) and libs/testing's
// servers (dist/libs/testing/src/index.js, CommonJS, imported here as a module namespace).
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(REPO, 'dist', 'apps', 'cli', 'main.js');
const TESTING = join(REPO, 'dist', 'libs', 'testing', 'src', 'index.js');

/** Throws unless the build is there. */
export function requireBuild() {
  for (const file of [CLI, TESTING]) {
    if (!existsSync(file)) throw new Error(`${relative(REPO, file)} does not exist: run \`npm run build\` first`);
  }
}

let testing;
/** libs/testing, from the build. */
export async function libTesting() {
  requireBuild();
  testing ??= await import(pathToFileURL(TESTING).href);
  return testing;
}
