import { existsSync } from 'node:fs';
import { join } from 'node:path';

const beside = join(__dirname, '..', 'fixtures');

/**
 * `libs/testing/fixtures`: beside the sources when jest runs them, or, when this runs from the
 * build (`dist/libs/testing/src`, which the benchmarks import), the repository's: tsc copies no fixtures.
 */
export const FIXTURES_DIR = existsSync(beside) ? beside : join(__dirname, '..', '..', '..', '..', 'libs', 'testing', 'fixtures');
