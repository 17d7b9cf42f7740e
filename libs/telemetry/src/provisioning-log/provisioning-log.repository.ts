import type { Redis } from 'ioredis';
import { sanitizeRecord, type ProvisioningLogEntry, type ProvisioningLogRecord } from './provisioning-log.entry';
import { matchesLogQuery, type ProvisioningLogQuery } from './provisioning-log.query';

const BATCH = 500;

/**
 * The provisioning log in Redis: one capped stream per connector (`<prefix>:{<connector>}:provlog`,
 * the connector's hash tag like its connector space), trimmed to about `maxEntries`. Stream ids are
 * Redis time, so a time range is a range of ids.
 */
export class ProvisioningLogRepository {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxEntries: number,
  ) {}

  key(connector: string): string {
    return `${this.prefix}:{${connector}}:provlog`;
  }

  async append(record: ProvisioningLogRecord): Promise<string> {
    const clean = sanitizeRecord(record);
    const id = await this.redis.xadd(this.key(clean.connector), 'MAXLEN', '~', String(this.maxEntries), '*', 'e', JSON.stringify(clean));
    return id ?? '';
  }

  /** Newest first, filtered; reads the stream in batches until `count` entries matched. */
  async query(connector: string, query: ProvisioningLogQuery): Promise<ProvisioningLogEntry[]> {
    const out: ProvisioningLogEntry[] = [];
    let end = query.until !== undefined ? String(query.until) : '+';
    const start = query.since !== undefined ? String(query.since) : '-';
    for (let scanned = 0; out.length < query.count && scanned <= this.maxEntries + BATCH; scanned += BATCH) {
      const batch = (await this.redis.xrevrange(this.key(connector), end, start, 'COUNT', BATCH)) as Array<[string, string[]]>;
      for (const [id, fields] of batch) {
        const entry = parseEntry(id, fields);
        if (entry && matchesLogQuery(entry, query)) out.push(entry);
        if (out.length >= query.count) break;
      }
      if (batch.length < BATCH) break;
      end = `(${batch[batch.length - 1][0]}`;
    }
    return out;
  }
}

function parseEntry(id: string, fields: string[]): ProvisioningLogEntry | undefined {
  const at = fields.indexOf('e');
  if (at < 0) return undefined;
  try {
    const record = sanitizeRecord(JSON.parse(fields[at + 1]) as ProvisioningLogRecord);
    return { id, time: new Date(Number(id.split('-')[0])).toISOString(), ...record };
  } catch {
    return undefined;
  }
}
