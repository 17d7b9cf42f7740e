/** The conformance suites in test/conformance/ are the published files: their sha256 are the README's, and every file is listed there. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, 'conformance');

describe('test/conformance/', () => {
  it('holds byte-identical copies of the published suites, each listed with its sha256 in the README', () => {
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    const listed = Object.fromEntries([...readme.matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm)].map((m) => [m[2], m[1]]));
    const files = readdirSync(DIR).filter((name) => name !== 'README.md');
    expect(Object.keys(listed).sort()).toEqual(files.sort());
    for (const name of files) expect({ name, sha256: createHash('sha256').update(readFileSync(join(DIR, name))).digest('hex') }).toEqual({ name, sha256: listed[name] });
  });
});
