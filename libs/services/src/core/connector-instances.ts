import type { HostConfig } from '@connector-host/config';
import type { Connector } from '@connector-host/connector-sdk';
import { createConnector } from '@connector-host/connectors';
import type { JsonLogger } from '@connector-host/platform';
import { InstrumentedConnector, type HostMetrics } from '@connector-host/telemetry';

/**
 * The live connector instances of this process (workers only; scim-api never talks to a target),
 * each seen through telemetry: spans around target calls, target errors counted by kind.
 */
export class ConnectorInstances {
  private readonly instances = new Map<string, Connector>();

  constructor(
    private readonly config: HostConfig,
    private readonly logger: JsonLogger,
    private readonly metrics: HostMetrics,
  ) {}

  get(name: string): Connector {
    let connector = this.instances.get(name);
    if (!connector) {
      const config = this.config.connectors.find((c) => c.name === name);
      if (!config) throw new Error(`no connector named ${name}`);
      const inner = createConnector(config, this.config.baseDir, this.logger.child({ connector: name, connectorType: config.type }));
      connector = new InstrumentedConnector(inner, name, this.metrics);
      this.instances.set(name, connector);
    }
    return connector;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.instances.values()].map((c) => c.close().catch(() => undefined)));
    this.instances.clear();
  }
}
