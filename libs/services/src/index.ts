export { startServices, type RunningHost, type StartOptions } from './bootstrap';
export { runServices, readConfig, type RunOptions } from './run';
export { serviceArgs } from './service-args';
export * from './dead-letters';
