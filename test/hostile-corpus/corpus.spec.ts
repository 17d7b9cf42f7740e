/** The committed corpus is exactly what its script makes: edit generate.mjs, run it, commit both. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

describe('test/hostile-corpus/corpus.json', () => {
  it('is what generate.mjs makes', () => {
    const out = execFileSync(process.execPath, [join(__dirname, 'generate.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/^corpus\.json is current \(\d+ requests\)/);
  });
});
