// Installs the system packages a command needs, from Debian/Ubuntu's archive when run as root,
// or says exactly what to install otherwise. Shared by quickstart, npm test and .ci/run.
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, statSync } from 'node:fs';

const has = (binary) => spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** @param {Array<{ binary: string, pkg: string }>} needs */
export function ensureSystemPackages(needs) {
  const missing = needs.filter((n) => !has(n.binary));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  if (!isRoot() || !has('apt-get')) {
    console.error(`missing: ${missing.map((m) => m.binary).join(', ')}. Install them with:\n  sudo apt-get install -y ${pkgs.join(' ')}`);
    process.exit(1);
  }
  console.log(`installing ${pkgs.join(' ')} from the system's packages`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...pkgs]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed`);
      process.exit(1);
    }
  }
}

/** initdb fails when /dev/null is not writable by others (seen on some machines); root can mend it. */
export function mendDevNull() {
  try {
    const mode = statSync('/dev/null').mode;
    if ((mode & 0o002) === 0 && isRoot()) chmodSync('/dev/null', 0o666);
  } catch {
    /* not on Linux */
  }
}

export function ensureNodeModules(root) {
  try {
    accessSync(`${root}/node_modules/.package-lock.json`, constants.R_OK);
  } catch {
    console.log('installing npm dependencies');
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

export function run(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
