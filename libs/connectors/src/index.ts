export * from './connector-registry';
