import { Module } from '@nestjs/common';
import { ImportWorkerService } from './import-worker.service';

/** import-worker: full and delta imports from targets into the connector space. */
@Module({ providers: [ImportWorkerService] })
export class ImportWorkerModule {}
