export * from './connector';
export * from './context';
export * from './errors';
export * from './dn';
export * from './attributes';
