import type { ServiceName } from '@connector-host/config';

export interface ServiceOptions {
  /** The services this process runs; the all-in-one host runs them all. */
  services: ServiceName[];
  /** Workers only: the connector types this process serves (one pool per type); undefined = all. */
  connectorTypes?: string[];
  /** Unique per process: the reply channel of scim-api. */
  instanceId: string;
}

export function servesConnectorType(options: ServiceOptions, type: string): boolean {
  return !options.connectorTypes || options.connectorTypes.includes(type);
}
