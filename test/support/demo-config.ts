/**
 * The demo connector exactly as `config/demo.yaml` declares it, on a fresh SQLite file made from
 * `config/demo-employees.sql`: what `npm run quickstart` serves, for the conformance collections.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

const CONFIG_DIR = resolve(__dirname, '..', '..', 'config');
const DEMO_FILE_LINE = /^(\s+file:\s*)\.\.\/data\/demo\.sqlite(\s.*)?$/m;

/**
 * `config/demo.yaml` with its SQLite file moved to `file` (the one change), for
 * `E2eHost.start({ connectorsYaml: { text, env: {} } })`; throws when demo.yaml no longer has the
 * line, so the demo and this copy cannot drift apart silently.
 */
export function demoConfigYaml(file: string): string {
  const text = readFileSync(join(CONFIG_DIR, 'demo.yaml'), 'utf8');
  if (!DEMO_FILE_LINE.test(text)) throw new Error('config/demo.yaml has no "file: ../data/demo.sqlite" line to point at the test database');
  return text.replace(DEMO_FILE_LINE, (_, head: string, tail?: string) => `${head}${JSON.stringify(file)}${tail ?? ''}`);
}

/** Creates the demo's tables in `file` (as scripts/init-demo.mjs does) and runs `seedSql`, if any. */
export function createDemoDatabase(file: string, seedSql = ''): void {
  const db = new Database(file);
  try {
    db.exec(readFileSync(join(CONFIG_DIR, 'demo-employees.sql'), 'utf8'));
    if (seedSql) db.exec(seedSql);
  } finally {
    db.close();
  }
}
