// Per-tier test timeout: `testTimeout` is a global jest option, so each project sets its own here.
jest.setTimeout(10000);
