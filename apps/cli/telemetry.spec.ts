import { telemetryServiceName } from './telemetry';

describe('telemetryServiceName', () => {
  const argv = (...args: string[]) => ['node', '/app/dist/apps/cli/main.js', ...args];
  it('names the service a `start` runs, and traces no other command', () => {
    expect(telemetryServiceName(argv('start', 'export-worker', '--connector-type', 'sql'))).toBe('connector-host-export-worker');
    expect(telemetryServiceName(argv('start', '--config', 'x.yaml'))).toBe('connector-host');
    expect(telemetryServiceName(argv('start', 'scim-api', 'cache'))).toBe('connector-host');
    expect(telemetryServiceName(argv('validate', '--config', 'x.yaml'))).toBeUndefined();
    expect(telemetryServiceName(argv('log', '--connector', 'demo'))).toBeUndefined();
  });
});
