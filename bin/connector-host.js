#!/usr/bin/env node
// Entry point of `npx connector-host`: runs the built CLI (npm run build writes dist/).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'apps', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('connector-host is not built yet: run `npm run build` (or `npm run quickstart`) first\n');
  process.exit(2);
}
require(main);
