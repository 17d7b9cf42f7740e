export * from './queue-names';
export * from './jobs';
export * from './bullmq.driver';
export * from './dead-letters';
export * from './target-gate';
