export * from './queue-names';
export * from './jobs';
export * from './bullmq.driver';
