// `npm run quickstart`: installs what is missing, builds, prepares the demo SQLite target and
// starts the all-in-one host with the `demo` connector on port 8585 (HOST_PORT overrides).
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initDemo } from './init-demo.mjs';
import { ensureNodeModules, ensureSystemPackages, run } from './system-packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  // 20.19 is the first Node 20 that loads ES-module-only packages (jose) with require()
  console.error(`Node ${process.versions.node} is too old: Connector Host needs Node 20.19 or later`);
  process.exit(1);
}

ensureNodeModules(root);
if (!process.env.REDIS_URL) ensureSystemPackages([{ binary: 'redis-server', pkg: 'redis-server' }]);
run('npm', ['run', '--silent', 'build'], { cwd: root });

const data = join(root, 'data');
const { token, generated } = initDemo(data);

const port = process.env.HOST_PORT ?? '8585';
console.log(`
  Connector Host is starting with the demo connector (SQLite: data/demo.sqlite, table Employees).

  Tenant URL:    http://${hostname()}:${port}/ecma2host_demo/scim
  Secret token:  ${token}${generated ? '  (saved in data/demo.token)' : '  (from DEMO_SECRET_TOKEN)'}

  Try it:  curl -H "Authorization: Bearer ${token}" http://127.0.0.1:${port}/ecma2host_demo/scim/Users

  This demo serves plain HTTP. Entra's provisioning agent needs HTTPS: run
  npx connector-host cert generate  and add server.tls to config/demo.yaml (README: HTTPS and authentication).
`);

const child = spawn(process.execPath, [join(root, 'dist/apps/cli/main.js'), 'start', '--config', join(root, 'config/demo.yaml'), '--data-dir', data], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, DEMO_SECRET_TOKEN: token },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
