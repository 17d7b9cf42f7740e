export * from './attribute-delta';
export * from './mapping-path';
export * from './object-mapper';
export * from './connector-catalog';
export * from './export.use-case';
export * from './import.use-case';
export * from './resource-schema';
export * from './retry';
