import { Module } from '@nestjs/common';
import { CacheService } from './cache.service';

/** cache: owns the connector space's import generations. */
@Module({ providers: [CacheService] })
export class CacheModule {}
