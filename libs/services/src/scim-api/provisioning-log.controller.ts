import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ScimError } from '@connector-host/scim';
import { parseLogQuery, ProvisioningLogQueryError, type ProvisioningLogRepository } from '@connector-host/telemetry';
import { PROVISIONING_LOG } from '../core/tokens';
import { ConnectorAuthGuard, connectorFromParam } from './connector-auth.guard';

/**
 * The connector's provisioning log, behind the connector's own token:
 * `GET /ecma2host_<connector>/log?since=1h&status=4xx&outcome=&operation=&anchor=&count=`, newest
 * first. Entries hold names, statuses, durations and ids, never attribute values or secrets.
 */
@Controller(':tenant/log')
@UseGuards(ConnectorAuthGuard)
export class ProvisioningLogController {
  constructor(@Inject(PROVISIONING_LOG) private readonly log: ProvisioningLogRepository) {}

  @Get()
  async list(@Param('tenant') tenant: string, @Query() query: Record<string, unknown>) {
    const connector = connectorFromParam(tenant);
    let parsed;
    try {
      parsed = parseLogQuery(query);
    } catch (error) {
      if (error instanceof ProvisioningLogQueryError) throw ScimError.invalidValue(error.message);
      throw error;
    }
    const entries = await this.log.query(connector, parsed);
    return { connector, count: entries.length, entries };
  }
}
