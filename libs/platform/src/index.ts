export * from './json.logger';
export * from './embedded-redis';
