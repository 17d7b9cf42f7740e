// `npm test`: every test, on a fresh machine. Installs the npm dependencies and the servers the
// integration tests start (redis-server, MariaDB; PostgreSQL's binaries must be on the PATH or
// come from the postgresql package), type-checks, builds, then runs jest's three tiers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeModules, ensureSystemPackages, mendDevNull, run } from './system-packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureNodeModules(root);
ensureSystemPackages([
  { binary: 'redis-server', pkg: 'redis-server' },
  { binary: 'mariadbd', pkg: 'mariadb-server' },
  { binary: 'initdb', pkg: 'postgresql' },
  { binary: 'runuser', pkg: 'util-linux' },
  { binary: 'slapd', pkg: 'slapd' },
  { binary: 'ldapsearch', pkg: 'ldap-utils' },
  { binary: 'ns-slapd', pkg: '389-ds-base' },
  { binary: 'openssl', pkg: 'openssl' },
  { binary: 'ip', pkg: 'iproute2' },
  // promtool: checks the alert rules and dashboard queries in deploy/ (test/deploy)
  { binary: 'promtool', pkg: 'prometheus' },
]);
mendDevNull();
run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], { cwd: root });
run('npm', ['run', '--silent', 'build'], { cwd: root });
const extra = process.argv.slice(2);
// jest's own summary is for people; the plain closing line below is for CI's reader
const summary = join(mkdtempSync(join(tmpdir(), 'connector-host-test-')), 'jest.json');
const jest = spawnSync('npx', ['jest', '--ci', '--json', '--outputFile', summary, ...extra], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FORCE_COLOR: '0' },
});
if (existsSync(summary)) {
  const { numPassedTests, numFailedTests, numPendingTests, numRuntimeErrorTestSuites } = JSON.parse(readFileSync(summary, 'utf8'));
  if (numRuntimeErrorTestSuites) console.log(`${numRuntimeErrorTestSuites} test suite(s) failed to run`);
  console.log(`${numPassedTests} passed, ${numFailedTests + numRuntimeErrorTestSuites} failed, ${numPendingTests} skipped`);
}
process.exit(jest.status ?? 1);
