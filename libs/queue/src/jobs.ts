/**
 * The typed union of every job: the compiler checks a job's data against its name.
 * Job names are dotted, domain first.
 */
import type { TargetObject } from '@connector-host/connector-sdk';

/** Carried by every export job: who waits for the answer, and until when. */
export interface ExportEnvelope {
  requestId: string;
  /** When scim-api accepted the request (ms since epoch). */
  acceptedAt: number;
  /** After this instant nobody waits for the result: a job not yet started is dropped. */
  deadline: number;
  /** Redis pub/sub channel of the scim-api replica waiting for the reply. */
  replyTo: string;
  /** W3C trace context of the HTTP request. */
  trace?: Record<string, string>;
  /**
   * Set on a dead letter's replay: the first run may have reached the target (its commit failed, its
   * worker died), so this one reconciles as a rerun does instead of adding a second object.
   */
  rerun?: boolean;
}

export type ScimBody = Record<string, unknown>;

export interface ExportJobs {
  'export.create': { connector: string; objectType: string; resource: ScimBody; envelope: ExportEnvelope };
  'export.replace': { connector: string; objectType: string; id: string; resource: ScimBody; envelope: ExportEnvelope };
  'export.patch': { connector: string; objectType: string; id: string; operations: unknown[]; envelope: ExportEnvelope };
  'export.delete': { connector: string; objectType: string; id: string; envelope: ExportEnvelope };
}

export type ImportReason = 'start' | 'autosync' | 'manual';

export interface ImportJobs {
  'import.full': { connector: string; reason: ImportReason };
  'import.delta': { connector: string; reason: ImportReason };
}

export interface CacheJobs {
  'cache.import-page': { connector: string; objectType: string; generation: string; objects: TargetObject[] };
  'cache.import-commit': { connector: string; objectType: string; generation: string; startedAt: number; watermark?: string };
  'cache.delta-page': {
    connector: string;
    objectType: string;
    readAt: number;
    changes: Array<{ anchor: string; object: TargetObject | null }>;
    watermark: string;
  };
}

export type AllJobs = ExportJobs & ImportJobs & CacheJobs;
export type JobName = keyof AllJobs;

export const EXPORT_JOB_NAMES = ['export.create', 'export.replace', 'export.patch', 'export.delete'] as const satisfies readonly (keyof ExportJobs)[];
export const IMPORT_JOB_NAMES = ['import.full', 'import.delta'] as const satisfies readonly (keyof ImportJobs)[];
export const CACHE_JOB_NAMES = ['cache.import-page', 'cache.import-commit', 'cache.delta-page'] as const satisfies readonly (keyof CacheJobs)[];

/** The answer an export worker publishes to `envelope.replyTo`. */
export interface ExportReply {
  requestId: string;
  status: number;
  body?: unknown;
}

/** One handler per job name of a queue family; the mapped type makes a missing one a compile error. */
export type JobHandlers<Jobs> = { [N in keyof Jobs]: (data: Jobs[N], job: JobInfo) => Promise<unknown> };

export interface JobInfo {
  id?: string;
  attemptsMade: number;
  /** How often the job went back to the queue because its worker died (or handed it back) while it ran. */
  stalledCounter?: number;
  /**
   * This job ran before, in a worker that died or handed it back at shutdown: its target call may
   * already have happened (the export then reconciles instead of failing or doing it twice).
   */
  rerun?: boolean;
  /** The queue it came from. */
  queueName?: string;
}
