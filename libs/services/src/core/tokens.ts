/** Nest injection tokens of the core providers. */
export const HOST_CONFIG = Symbol('HOST_CONFIG');
export const REDIS = Symbol('REDIS');
export const QUEUE_DRIVER = Symbol('QUEUE_DRIVER');
export const CATALOG = Symbol('CATALOG');
export const LOGGER = Symbol('LOGGER');
export const CONNECTORS = Symbol('CONNECTORS');
export const SERVICE_OPTIONS = Symbol('SERVICE_OPTIONS');
export const METRICS = Symbol('METRICS');
export const PROVISIONING_LOG = Symbol('PROVISIONING_LOG');
export const HOST_STATE = Symbol('HOST_STATE');
