import { readTracingSettings } from './tracing';

describe('readTracingSettings (the standard OTEL_* variables)', () => {
  it('exports nothing unless an exporter or an endpoint is set', () => {
    const settings = readTracingSettings({}, 'connector-host-scim-api');
    expect(settings).toEqual(expect.objectContaining({ disabled: false, exporter: 'none', serviceName: 'connector-host-scim-api', protocol: 'http/protobuf' }));
  });

  it('sends OTLP over http/protobuf to <endpoint>/v1/traces when an endpoint is set', () => {
    const settings = readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'x');
    expect(settings).toEqual(expect.objectContaining({ exporter: 'otlp', protocol: 'http/protobuf', url: 'http://collector:4318/v1/traces' }));
  });

  it('takes the traces-specific endpoint as is, and the protocol, headers, service name and resource attributes', () => {
    const settings = readTracingSettings(
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otel.example.com/custom/path',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s%3Dcret,x-tenant=blue',
        OTEL_SERVICE_NAME: 'my-host',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,k8s.namespace.name=idm',
      },
      'connector-host',
    );
    expect(settings).toEqual(
      expect.objectContaining({
        url: 'https://otel.example.com/custom/path',
        protocol: 'http/json',
        headers: { 'api-key': 's=cret', 'x-tenant': 'blue' },
        serviceName: 'my-host',
        resourceAttributes: { 'deployment.environment': 'prod', 'k8s.namespace.name': 'idm' },
      }),
    );
  });

  it('grpc defaults to port 4317 without a path', () => {
    expect(readTracingSettings({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'x').url).toBe('http://localhost:4317');
  });

  it('honours OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER=none|console and the sampler', () => {
    expect(readTracingSettings({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'x').disabled).toBe(true);
    expect(readTracingSettings({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'x').exporter).toBe('none');
    expect(readTracingSettings({ OTEL_TRACES_EXPORTER: 'console' }, 'x').exporter).toBe('console');
    expect(readTracingSettings({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }, 'x').sampler).toEqual({
      name: 'parentbased_traceidratio',
      ratio: 0.25,
    });
  });

  it('refuses an exporter or protocol it does not know, naming the variable', () => {
    expect(() => readTracingSettings({ OTEL_TRACES_EXPORTER: 'zipkin' }, 'x')).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(() => readTracingSettings({ OTEL_EXPORTER_OTLP_PROTOCOL: 'udp' }, 'x')).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
  });
});
