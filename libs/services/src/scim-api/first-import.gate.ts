import { Inject, Injectable } from '@nestjs/common';
import type { ConnectorCatalog } from '@connector-host/provisioning';
import { ScimError } from '@connector-host/scim';
import { CATALOG } from '../core/tokens';

/**
 * Until a connector's first full import has reached the connector space, its cache is empty: a
 * GET would tell Entra that existing users do not exist, and Entra would try to create them. So
 * object requests answer 503 (Entra retries) until then. Once seen, the answer is kept in memory.
 */
@Injectable()
export class FirstImportGate {
  private readonly imported = new Set<string>();

  constructor(@Inject(CATALOG) private readonly catalog: ConnectorCatalog) {}

  async assertServing(connector: string): Promise<void> {
    if (this.imported.has(connector)) return;
    if (this.catalog.connector(connector).runProfiles.fullImport) {
      const { lastSuccessfulImport } = await this.catalog.space(connector).timestamps();
      if (!lastSuccessfulImport) {
        throw new ScimError(503, `connector ${connector} is still importing its target for the first time; retry shortly`);
      }
    }
    this.imported.add(connector);
  }
}
