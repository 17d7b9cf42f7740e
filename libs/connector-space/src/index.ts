export * from './connector-space.repository';
export { ConnectorSpaceKeys } from './keys';
export type { StoredObject, IndexSpec } from './stored-object';
export { DN_INDEX } from './stored-object';
