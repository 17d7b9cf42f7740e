import { Module } from '@nestjs/common';
import { ExportWorkerService } from './export-worker.service';

/** export-worker: applies SCIM writes to targets, in order per object. */
@Module({ providers: [ExportWorkerService] })
export class ExportWorkerModule {}
