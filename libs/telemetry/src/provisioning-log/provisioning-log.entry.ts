/**
 * One line of the provisioning log: who (connector, object anchor), what (SCIM and target
 * operation), the result and how long it took, and how to find it elsewhere (request id, trace
 * id). Built from these fields only: never an attribute value, a password or a token.
 */
export type ScimOperation = 'create' | 'replace' | 'patch' | 'delete';
export type TargetOperation = 'add' | 'update' | 'rename' | 'delete' | 'none' | 'full-import' | 'delta-import';
export type LogOutcome = 'success' | 'rejected' | 'failed' | 'dropped';

export const SCIM_OPERATIONS: readonly ScimOperation[] = ['create', 'replace', 'patch', 'delete'];
export const TARGET_OPERATIONS: readonly TargetOperation[] = ['add', 'update', 'rename', 'delete', 'none', 'full-import', 'delta-import'];
export const LOG_OUTCOMES: readonly LogOutcome[] = ['success', 'rejected', 'failed', 'dropped'];

export interface ProvisioningLogRecord {
  connector: string;
  objectType?: string;
  /** The object's anchor (its SCIM id); for a create that failed before the target named one, absent. */
  anchor?: string;
  /** Exports: the SCIM operation Entra asked for. Imports: absent. */
  scimOperation?: ScimOperation;
  /** What was done to the target: `none` when nothing had to change or the request was refused first. */
  targetOperation?: TargetOperation;
  /** The SCIM status answered (exports); imports: 200 or 500. */
  status: number;
  outcome: LogOutcome;
  durationMs: number;
  requestId?: string;
  traceId?: string;
  /** SCIM error type of a refused request (`uniqueness`, `invalidValue`…). */
  scimType?: string;
  /** The target's error kind (the connector error reason: `busy`, `constraintViolation`…). */
  errorKind?: string;
  /** Imports: objects read. */
  objects?: number;
}

export interface ProvisioningLogEntry extends ProvisioningLogRecord {
  /** Stream id: unique, ordered. */
  id: string;
  /** When the operation finished (ISO-8601). */
  time: string;
}

const MAX_TEXT = 256;

/** Keeps only the known fields, with short text: a record cannot smuggle anything else in. */
export function sanitizeRecord(record: ProvisioningLogRecord): ProvisioningLogRecord {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value.slice(0, MAX_TEXT) : undefined);
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const out: ProvisioningLogRecord = {
    connector: text(record.connector) ?? '',
    status: number(record.status) ?? 0,
    outcome: LOG_OUTCOMES.includes(record.outcome) ? record.outcome : 'failed',
    durationMs: Math.max(0, Math.round(number(record.durationMs) ?? 0)),
  };
  const optional: Array<[keyof ProvisioningLogRecord, unknown]> = [
    ['objectType', text(record.objectType)],
    ['anchor', text(record.anchor)],
    ['scimOperation', SCIM_OPERATIONS.includes(record.scimOperation as ScimOperation) ? record.scimOperation : undefined],
    ['targetOperation', TARGET_OPERATIONS.includes(record.targetOperation as TargetOperation) ? record.targetOperation : undefined],
    ['requestId', text(record.requestId)],
    ['traceId', text(record.traceId)],
    ['scimType', text(record.scimType)],
    ['errorKind', text(record.errorKind)],
    ['objects', number(record.objects)],
  ];
  for (const [key, value] of optional) if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  return out;
}
