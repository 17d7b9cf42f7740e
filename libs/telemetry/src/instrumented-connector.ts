import type {
  Connector,
  ConnectorCapabilities,
  DeltaPage,
  ExportChange,
  ExportResult,
  ImportOptions,
  ImportPage,
  TargetObject,
  TargetSchema,
} from '@connector-host/connector-sdk';
import { isConnectorError } from '@connector-host/connector-sdk';
import type { HostMetrics } from './host-metrics';
import { SpanKind, SPAN_ATTR, withSpan } from './trace-context';

/** Reasons that mean the target could not be reached at all (a `busy` target was reached). */
const UNREACHABLE = new Set(['unavailable', 'timeout']);

/**
 * A connector seen through telemetry: every call to the target is a CLIENT span
 * (`connector.export`, `connector.fullImport` per page…), every error it raises is counted by kind,
 * and `target_up` follows whether the target answered. The connector itself stays free of both.
 * It implements `Required<Connector>`: an optional port method the interface gains must be
 * forwarded here or this does not compile (a lost `needsFullImport` once kept a modifyTimestamp
 * feed from ever running its periodic full import).
 */
export class InstrumentedConnector implements Required<Connector> {
  readonly type: string;
  readonly capabilities: ConnectorCapabilities;
  private readonly labels: { connector: string; connectorType: string };

  constructor(
    private readonly inner: Connector,
    private readonly name: string,
    private readonly metrics: HostMetrics,
  ) {
    this.type = inner.type;
    this.capabilities = inner.capabilities;
    this.labels = { connector: name, connectorType: inner.type };
  }

  test(): Promise<void> {
    return this.call('test', {}, () => this.inner.test());
  }

  discoverSchema(): Promise<TargetSchema> {
    return this.call('discoverSchema', {}, () => this.inner.discoverSchema());
  }

  fullImport(objectType: string, options: ImportOptions): AsyncIterable<ImportPage> {
    return this.pages('fullImport', objectType, () => this.inner.fullImport(objectType, options));
  }

  deltaImport(objectType: string, watermark: string, options: ImportOptions): AsyncIterable<DeltaPage> {
    return this.pages('deltaImport', objectType, () => this.inner.deltaImport(objectType, watermark, options));
  }

  /** Pure decision, no target call: forwarded without a span. Absent on the inner connector = never. */
  needsFullImport(objectType: string, watermark: string): boolean {
    return this.inner.needsFullImport?.(objectType, watermark) ?? false;
  }

  get(objectType: string, anchor: string): Promise<TargetObject | null> {
    return this.call('get', { [SPAN_ATTR.objectType]: objectType }, () => this.inner.get(objectType, anchor));
  }

  export(change: ExportChange): Promise<ExportResult> {
    return this.call('export', { [SPAN_ATTR.objectType]: change.objectType, [SPAN_ATTR.targetOperation]: change.kind }, () => this.inner.export(change));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async call<T>(operation: string, attributes: Record<string, string>, fn: () => Promise<T>): Promise<T> {
    return withSpan(
      `connector.${operation}`,
      { kind: SpanKind.CLIENT, attributes: { [SPAN_ATTR.connector]: this.name, [SPAN_ATTR.connectorType]: this.type, ...attributes } },
      async () => {
        try {
          const result = await fn();
          this.metrics.targetReachable(this.labels, true);
          return result;
        } catch (error) {
          const kind = isConnectorError(error) ? error.reason : 'internal';
          this.metrics.targetError(this.labels, kind);
          this.metrics.targetReachable(this.labels, !UNREACHABLE.has(kind));
          throw error;
        }
      },
    );
  }

  /** One span per page read, so a long import shows as the pages it took. */
  private pages<P>(operation: string, objectType: string, open: () => AsyncIterable<P>): AsyncIterable<P> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        const iterator = open()[Symbol.asyncIterator]();
        let done = false;
        try {
          while (!done) {
            const next = await self.call(operation, { [SPAN_ATTR.objectType]: objectType }, () => iterator.next());
            done = next.done === true;
            if (!done) yield next.value;
          }
        } finally {
          if (!done) await iterator.return?.();
        }
      },
    };
  }
}
