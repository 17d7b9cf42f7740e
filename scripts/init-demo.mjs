// Prepares the demo target: data/demo.sqlite with Microsoft's tutorial Employees table, and the
// demo token (DEMO_SECRET_TOKEN, else generated once into data/demo.token). Prints the token.
// Used by `npm run quickstart` and by the container's entry point.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function initDemo(dataDir = join(root, 'data')) {
  mkdirSync(dataDir, { recursive: true });
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const db = new Database(join(dataDir, 'demo.sqlite'));
  db.exec(readFileSync(join(root, 'config', 'demo-employees.sql'), 'utf8'));
  db.close();
  const tokenFile = join(dataDir, 'demo.token');
  if (process.env.DEMO_SECRET_TOKEN) return { token: process.env.DEMO_SECRET_TOKEN, generated: false };
  if (!existsSync(tokenFile)) writeFileSync(tokenFile, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  return { token: readFileSync(tokenFile, 'utf8').trim(), generated: true };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(initDemo(process.argv[2] ? resolve(process.argv[2]) : undefined).token);
}
