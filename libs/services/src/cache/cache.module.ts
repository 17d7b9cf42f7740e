import { Module } from '@nestjs/common';
import { CacheService } from './cache.service';
import { ConnectorSpaceMetrics } from './connector-space.metrics';

/** cache: owns the connector space's import generations, and reports its size and the queues' depth. */
@Module({ providers: [CacheService, ConnectorSpaceMetrics] })
export class CacheModule {}
