#!/usr/bin/env node
// Chaos soak: the chaos run of test/chaos.e2e-spec.ts (real scim-api, export-worker, import-worker
// and cache processes, redis-server with AOF, PostgreSQL behind a TCP relay; SIGKILLs at random, a
// Redis restart and a target outage per round), made long and repeated. Each round ends by comparing
// the target with the acknowledged history; the script prints every round's report and exits 1 when
// a round found a violation or failed. See bench/README.md.
//
//   npm run build && node bench/chaos-soak.mjs [--seconds 900] [--kills 300] [--rounds 2]
import { spawnSync } from 'node:child_process';
import { REPO, requireBuild } from './support/build.mjs';
import { parseOptions } from './support/options.mjs';
import { log } from './support/report.mjs';

const DEFAULTS = { seconds: 900, kills: 300, rounds: 2 };
const USAGE = 'usage: node bench/chaos-soak.mjs [--seconds 900] [--kills 300] [--rounds 2]\n';

const options = parseOptions(process.argv.slice(2), DEFAULTS, USAGE);
requireBuild();
let failed = 0;
for (let round = 1; round <= options.rounds; round++) {
  log(`round ${round}/${options.rounds}: ${options.seconds} s, at least ${options.kills} kills`);
  const run = spawnSync('npx', ['jest', '--ci', 'test/chaos.e2e-spec.ts'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, CHAOS_SECONDS: String(options.seconds), CHAOS_MIN_KILLS: String(options.kills), FORCE_COLOR: '0' },
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = `${run.stdout}${run.stderr}`;
  const report = output.split('\n').find((line) => line.startsWith('chaos report: '));
  process.stdout.write(`round ${round}: ${run.status === 0 ? 'invariants held' : 'FAILED'}\n${report ?? output.slice(-4000)}\n`);
  if (run.status !== 0) failed++;
}
process.stdout.write(`${options.rounds - failed} of ${options.rounds} rounds held every invariant\n`);
process.exit(failed ? 1 : 0);
