import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CacheViewController } from './cache-view.controller';
import { FirstImportGate } from './first-import.gate';
import { HealthController } from './health.controller';
import { ProvisioningLogController } from './provisioning-log.controller';
import { ReplyBus } from './reply-bus';
import { ScimExceptionFilter } from './scim-exception.filter';
import { ScimReadService } from './scim-read.service';
import { ScimController } from './scim.controller';
import { ScimRequestTelemetry } from './scim-request.telemetry';
import { ScimWriteService } from './scim-write.service';

/** scim-api: the HTTP edge Entra talks to. Reads from the connector space, writes through the queues. */
@Module({
  controllers: [HealthController, CacheViewController, ProvisioningLogController, ScimController],
  providers: [
    FirstImportGate,
    ReplyBus,
    ScimReadService,
    ScimWriteService,
    ScimRequestTelemetry,
    { provide: APP_FILTER, useClass: ScimExceptionFilter },
  ],
})
export class ScimApiModule {}
