export * from './metric-names';
export * from './host-metrics';
export * from './tracing';
export * from './trace-context';
export * from './instrumented-connector';
export * from './provisioning-log/provisioning-log.entry';
export * from './provisioning-log/provisioning-log.query';
export * from './provisioning-log/provisioning-log.repository';
