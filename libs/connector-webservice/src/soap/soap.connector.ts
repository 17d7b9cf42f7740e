import * as soap from 'soap';
import { ConnectorError, type AttributeSchema, type AttributeType, type ConnectorContext } from '@connector-host/connector-sdk';
import type { AttributeBindingSpec } from '../common/attribute-values';
import { Authenticator } from '../common/auth';
import { HttpClient } from '../common/http-client';
import { OperationsConnector, type BoundModel, type OperationAnswer, type OperationScopes, type PageRequest } from '../common/operations.connector';
import { applicationMessage, networkError, parseRetryAfter, reasonOfStatus, scrubSecrets } from '../common/target-errors';
import { attributesFrom, type FieldInfo, type FieldSource } from '../rest/rest-discovery';
import type { ValuePath } from '../common/value-path';
import { parseSoapConnection, parseSoapObjectModel, type SoapConnectionSettings, type SoapObjectModel, type SoapOperation } from './soap-settings';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
type SoapMethod = (args: unknown, callback: (error: unknown, result: unknown, raw?: unknown) => void, options?: object, extraHeaders?: object) => void;

/** Keys soap's describe() adds that are not fields. */
const DESCRIBE_META = new Set(['targetNSAlias', 'targetNamespace']);

/**
 * Connector type `soap`: operations bound to a WSDL (through the `soap` package), request
 * templates, result mapping, WS-Security UsernameToken. Shares the declarative logic of the rest
 * type; only the sending and the schema source (the WSDL) differ.
 */
export class SoapConnector extends OperationsConnector<SoapOperation> {
  readonly type = 'soap';
  private readonly settings: SoapConnectionSettings;
  private readonly http: HttpClient;
  private readonly auth: Authenticator;
  private client?: Promise<soap.Client>;

  constructor(context: ConnectorContext) {
    const settings = parseSoapConnection(context.connection);
    super(context, context.objectTypes.map(parseSoapObjectModel));
    this.settings = settings;
    this.http = new HttpClient(settings.http);
    this.auth = new Authenticator(settings.auth, this.http);
  }

  override async close(): Promise<void> {
    await super.close();
    this.client = undefined;
    this.http.close();
  }

  protected targetName(model: SoapObjectModel): string {
    return (model.operations.get ?? model.operations.list ?? Object.values(model.operations)[0])?.operation ?? model.binding.name;
  }

  /** Attribute types from the WSDL: the shape of the object the get (or list, or create) operation returns. */
  protected async discoverAttributes(model: SoapObjectModel): Promise<{ bindings: AttributeBindingSpec[]; attributes: AttributeSchema[] }> {
    const client = await this.connect(true);
    const port = this.portDescription(client);
    const ops = model.operations;
    const candidates: Array<[SoapOperation | undefined, ValuePath | undefined]> = [
      [ops.get, ops.get?.response],
      [ops.list, ops.list?.items],
      [ops.create, ops.create?.response],
    ];
    let node: unknown;
    for (const [op, path] of candidates) {
      if (!op) continue;
      const description = port[op.operation];
      if (!isObject(description)) throw new ConnectorError('schemaViolation', `${op.where}.operation: the WSDL has no operation ${op.operation} (it has ${Object.keys(port).join(', ')})`);
      node = describedAt(description.output, path);
      if (isObject(node)) break;
    }
    if (!isObject(node)) {
      throw new ConnectorError('schemaViolation', `${model.where}: the WSDL describes no object at the get response, list items or create response paths`);
    }
    return attributesFrom(model.where, model.attributes, describedSource(node));
  }

  protected async invoke(bound: BoundModel<SoapOperation>, op: SoapOperation, scopes: OperationScopes, _page?: PageRequest, secrets: string[] = []): Promise<OperationAnswer> {
    const client = await this.connect();
    const method = this.method(client, op);
    const rendered = op.name === 'create' || op.name === 'update' ? this.bodyOf(bound, op, scopes.body) : op.body ? this.bodyOf(bound, op, scopes.address) : {};
    const args = nilForEmptyLists(rendered ?? {});
    const extraHeaders = { ...this.settings.headers, ...(await this.auth.headers()) };
    const options = { timeout: this.settings.http.timeoutMs, ...this.http.agents, maxContentLength: this.settings.http.maxResponseBytes };
    const call = (): Promise<unknown> =>
      new Promise((resolve, reject) => {
        method(args, (error, result) => (error ? reject(error) : resolve(result)), options, extraHeaders);
      });
    try {
      return { status: 200, headers: {}, body: await call() };
    } catch (error) {
      throw this.classify(op, error, secrets);
    }
  }

  /** A soap / axios failure as a classified ConnectorError, with no request data (it holds the WS-Security header). */
  private classify(op: SoapOperation, error: unknown, secrets: string[]): ConnectorError {
    const what = `${op.operation} (SOAP)`;
    const e = error as { response?: { status?: number; headers?: Record<string, unknown>; data?: unknown }; root?: Json; code?: string; message?: string };
    const scrub = (text: string): string => scrubSecrets(text, [...this.auth.secrets(), ...secrets, this.settings.wsSecurity?.password]);
    const status = e.response?.status;
    if (status === undefined) {
      // below HTTP: refused, reset, timeout; only the code and message travel on
      return networkError(what, Object.assign(new Error(scrub(String(e.message ?? error))), { code: e.code }));
    }
    const fault = isObject(e.root) ? faultOf(e.root) : undefined;
    const retryAfterMs = status === 429 || status >= 500 ? parseRetryAfter(e.response?.headers?.['retry-after'] as string | undefined) : undefined;
    const withWait = retryAfterMs === undefined ? {} : { retryAfterMs };
    if (fault) {
      const text = scrub(`${fault.code}: ${fault.text}`);
      const said = `${what} answered ${status} with fault ${text}`;
      if (status === 401 || status === 403) return new ConnectorError('permissionDenied', said);
      if (status === 429 || status === 503) return new ConnectorError(reasonOfStatus(status), said, withWait);
      const rule = this.settings.faults.find((r) => r.match.test(`${fault.code} ${fault.text}`));
      if (rule) return new ConnectorError(rule.reason, said, withWait);
      // SOAP's own split: the Client (Sender) sent something wrong; the Server (Receiver) failed
      return new ConnectorError(/client|sender/i.test(fault.code) ? 'invalidValue' : 'unavailable', said, withWait);
    }
    if (status >= 200 && status < 300) {
      return new ConnectorError('unavailable', `${what} answered ${status} with a malformed body (${scrub(String(e.message ?? 'unreadable'))})`);
    }
    const body = typeof e.response?.data === 'string' ? e.response.data : '';
    const message = scrub(applicationMessage(body));
    return new ConnectorError(reasonOfStatus(status), `${what} answered ${status}${message ? `: ${message}` : ''}`, withWait);
  }

  private method(client: soap.Client, op: SoapOperation): SoapMethod {
    const port = this.port(client);
    const method = port[op.operation];
    if (typeof method !== 'function') throw new ConnectorError('schemaViolation', `${op.where}.operation: the WSDL has no operation ${op.operation}`);
    return method as SoapMethod;
  }

  private port(client: soap.Client): Record<string, unknown> {
    const services = client.describe() as Json;
    const service = this.settings.service ?? Object.keys(services)[0];
    if (!service || !isObject(services[service])) throw new ConnectorError('schemaViolation', `connection.service: the WSDL has no service ${service ?? ''} (it has ${Object.keys(services).join(', ')})`);
    const ports = services[service] as Json;
    const port = this.settings.port ?? Object.keys(ports)[0];
    if (!port || !isObject(ports[port])) throw new ConnectorError('schemaViolation', `connection.port: service ${service} has no port ${port ?? ''} (it has ${Object.keys(ports).join(', ')})`);
    return (client as unknown as Record<string, Record<string, Record<string, unknown>>>)[service]![port]!;
  }

  private portDescription(client: soap.Client): Record<string, unknown> {
    const services = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    const service = this.settings.service ?? Object.keys(services)[0]!;
    const port = this.settings.port ?? Object.keys(services[service] ?? {})[0]!;
    this.port(client); // names the missing service or port
    return services[service]![port]!;
  }

  /** The soap client, built once from the WSDL (again when `refresh`, for schema discovery). */
  private connect(refresh = false): Promise<soap.Client> {
    if (!this.client || refresh) {
      const client = this.createClient();
      this.client = client;
      client.catch(() => {
        if (this.client === client) this.client = undefined;
      });
    }
    return this.client;
  }

  private async createClient(): Promise<soap.Client> {
    const source = this.settings.wsdlFile ?? this.settings.wsdlUrl!;
    const what = this.settings.wsdlFile ? 'connection.wsdlFile' : 'connection.wsdlUrl';
    let client: soap.Client;
    try {
      client = await soap.createClientAsync(source, {
        ...(this.settings.endpoint ? { endpoint: this.settings.endpoint } : {}),
        wsdl_options: { ...this.http.agents, timeout: this.settings.http.timeoutMs },
        wsdl_headers: { ...this.settings.headers, ...(await this.auth.headers()) },
        disableCache: true,
      });
    } catch (error) {
      const e = error as { code?: string; message?: string; response?: { status?: number } };
      if (e.response?.status !== undefined) {
        const reason = reasonOfStatus(e.response.status);
        throw new ConnectorError(reason === 'notFound' ? 'schemaViolation' : reason, `${what}: the WSDL could not be read (HTTP ${e.response.status})`);
      }
      if (e.code && !/^ENOENT$/.test(e.code)) throw networkError(`${what} (the WSDL)`, Object.assign(new Error(String(e.message)), { code: e.code }));
      throw new ConnectorError('schemaViolation', `${what}: the WSDL could not be read (${String(e.message ?? error).split('\n')[0]})`);
    }
    const ws = this.settings.wsSecurity;
    if (ws) {
      client.setSecurity(new soap.WSSecurity(ws.username, ws.password, { passwordType: ws.passwordType, hasTimeStamp: ws.hasTimeStamp, hasNonce: ws.passwordType === 'PasswordDigest' || ws.hasNonce }));
    }
    return client;
  }
}

/** A SOAP 1.1 (faultcode / faultstring) or 1.2 (Code / Reason) fault in a parsed envelope. */
function faultOf(root: Json): { code: string; text: string } | undefined {
  const envelope = root.Envelope as Json | undefined;
  const body = isObject(envelope) ? (envelope.Body as Json | undefined) : undefined;
  const fault = isObject(body) ? body.Fault : undefined;
  if (!isObject(fault)) return undefined;
  if (fault.faultcode !== undefined || fault.faultstring !== undefined) {
    return { code: String(fault.faultcode ?? ''), text: String(fault.faultstring ?? '') };
  }
  const code = isObject(fault.Code) ? fault.Code : {};
  const sub = isObject(code.Subcode) ? String(code.Subcode.Value ?? '') : '';
  const reason = isObject(fault.Reason) ? fault.Reason.Text : fault.Reason;
  return { code: [code.Value, sub].filter(Boolean).map(String).join(' '), text: String(isObject(reason) ? (reason.$value ?? '') : (reason ?? '')) };
}

/** soap leaves out empty arrays; a cleared multi-valued field must still be sent, as xsi:nil. */
function nilForEmptyLists(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? null : value.map(nilForEmptyLists);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, nilForEmptyLists(v)]));
  return value;
}

/** The described node at a path of an operation's output (`role[]` keys are lists). */
function describedAt(node: unknown, path: ValuePath | undefined): unknown {
  if (!path || path.kind !== 'pointer') return node;
  let current = node;
  for (const token of path.tokens) {
    if (!isObject(current)) return undefined;
    if (/^\d+$/.test(token)) continue;
    current = current[token] ?? current[`${token}[]`];
  }
  return current;
}

function typeOfXsd(xsd: string): AttributeType {
  const local = xsd.split(':').pop()!.toLowerCase();
  if (['int', 'integer', 'long', 'short', 'byte', 'unsignedint', 'unsignedlong', 'unsignedshort', 'nonnegativeinteger', 'positiveinteger'].includes(local)) return 'integer';
  if (['decimal', 'double', 'float'].includes(local)) return 'decimal';
  if (local === 'boolean') return 'boolean';
  if (['datetime', 'date'].includes(local)) return 'dateTime';
  if (['base64binary', 'hexbinary'].includes(local)) return 'binary';
  return 'string';
}

/** A FieldSource over soap's describe() tree of one object: `field: "xsd:type"`, `list[]: …`. */
function describedSource(node: Json): FieldSource {
  const infoAt = (value: unknown, multiValued: boolean): FieldInfo | undefined =>
    typeof value === 'string' ? { type: typeOfXsd(value), multiValued, readOnly: false, required: false } : undefined;
  return {
    leaves() {
      const out: Array<{ tokens: string[]; info: FieldInfo }> = [];
      const walk = (current: Json, prefix: string[]): void => {
        for (const [rawKey, value] of Object.entries(current)) {
          if (DESCRIBE_META.has(rawKey)) continue;
          const list = rawKey.endsWith('[]');
          const key = list ? rawKey.slice(0, -2) : rawKey;
          if (isObject(value)) {
            if (!list && prefix.length < 6) walk(value, [...prefix, key]);
            continue;
          }
          const info = infoAt(value, list);
          if (info) out.push({ tokens: [...prefix, key], info });
        }
      };
      walk(node, []);
      return out;
    },
    at(path) {
      if (path.kind !== 'pointer') return undefined;
      let current: unknown = node;
      let list = false;
      for (const token of path.tokens) {
        if (!isObject(current)) return undefined;
        list = !(token in current) && `${token}[]` in current;
        current = current[token] ?? current[`${token}[]`];
      }
      return infoAt(current, list);
    },
  };
}
