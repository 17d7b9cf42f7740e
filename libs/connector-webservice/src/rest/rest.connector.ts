import { readFile } from 'node:fs/promises';
import { ConnectorError, type AttributeSchema, type ConnectorContext } from '@connector-host/connector-sdk';
import type { AttributeBindingSpec } from '../common/attribute-values';
import { Authenticator } from '../common/auth';
import { headerOf, HttpClient, type HttpResponse } from '../common/http-client';
import { OperationsConnector, type BoundModel, type OperationAnswer, type OperationScopes, type PageRequest } from '../common/operations.connector';
import { statusError } from '../common/target-errors';
import { renderHeader, renderUrl } from '../common/template';
import { attributesFrom, openApiSource, parseOpenApi, sampleSource, type FieldSource } from './rest-discovery';
import { parseRestConnection, parseRestObjectModel, type RestConnectionSettings, type RestObjectModel, type RestOperation } from './rest-settings';

/**
 * Connector type `rest`: per object type, declarative list / get / create / update / delete (and
 * find) operations against a JSON API. See the library's README for the settings.
 */
export class RestConnector extends OperationsConnector<RestOperation> {
  readonly type = 'rest';
  private readonly settings: RestConnectionSettings;
  private readonly http: HttpClient;
  private readonly auth: Authenticator;

  constructor(context: ConnectorContext) {
    const settings = parseRestConnection(context.connection);
    super(context, context.objectTypes.map(parseRestObjectModel));
    this.settings = settings;
    this.http = new HttpClient(settings.http);
    this.auth = new Authenticator(settings.auth, this.http);
  }

  override async close(): Promise<void> {
    await super.close();
    this.http.close();
  }

  protected targetName(model: RestObjectModel): string {
    const op = model.operations.list ?? model.operations.get ?? model.operations.create ?? Object.values(model.operations)[0];
    return op ? op.url.source.split('?')[0]!.replace(/\/\{[^}]*\}.*$/, '') : model.binding.name;
  }

  protected async discoverAttributes(model: RestObjectModel): Promise<{ bindings: AttributeBindingSpec[]; attributes: AttributeSchema[] }> {
    let source: FieldSource | undefined;
    const where = `${model.where}.schema`;
    if (model.schemaSource && 'sample' in model.schemaSource) source = sampleSource(model.schemaSource.sample);
    else if (model.schemaSource && 'openApi' in model.schemaSource) {
      source = openApiSource(await this.openApiDocument(where), model.schemaSource.openApi, where);
    }
    return attributesFrom(model.where, model.attributes, source);
  }

  private async openApiDocument(where: string): Promise<Record<string, unknown>> {
    if (this.settings.openApiFile) {
      let text: string;
      try {
        text = await readFile(this.settings.openApiFile, 'utf8');
      } catch (error) {
        throw new ConnectorError('schemaViolation', `connection.openApiFile cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      return parseOpenApi(text, 'connection.openApiFile');
    }
    if (this.settings.openApiUrl) {
      const url = this.settings.openApiUrl.startsWith('/') ? new URL(this.joinBase(this.settings.openApiUrl)) : new URL(this.settings.openApiUrl);
      const response = await this.send('GET', url, { accept: 'application/json, application/yaml, */*' }, undefined);
      if (response.status < 200 || response.status >= 300) {
        throw statusError({ status: response.status, what: `GET ${url.origin}${url.pathname} (OpenAPI document)`, body: response.text, secrets: this.auth.secrets() });
      }
      return parseOpenApi(response.text, 'connection.openApiUrl');
    }
    throw new ConnectorError('schemaViolation', `${where}.openApi needs connection.openApiFile or connection.openApiUrl`);
  }

  protected override nextLink(answer: OperationAnswer): string | undefined {
    return nextFromLinkHeader(answer.headers.link);
  }

  protected async invoke(bound: BoundModel<RestOperation>, op: RestOperation, scopes: OperationScopes, page?: PageRequest, secrets: string[] = []): Promise<OperationAnswer> {
    let url: URL;
    if (page?.nextUrl) {
      url = new URL(page.nextUrl, this.settings.baseUrl);
      // the next page's URL comes from the target: credentials go only to the configured origin
      if (url.origin !== this.settings.baseUrl.origin) {
        throw new ConnectorError('unsupported', `${op.where}: the Link header points to another origin (${url.origin}); it is not followed`);
      }
    } else {
      url = new URL(this.joinBase(renderUrl(op.url, scopes.address)));
      if (page) this.addPageParameters(op, url, page);
    }
    const headers: Record<string, string> = { accept: 'application/json', ...this.settings.headers };
    for (const [name, template] of op.headers) headers[name] = renderHeader(template, scopes.address);
    let body: string | undefined;
    if (op.body || op.name === 'create' || op.name === 'update') {
      body = JSON.stringify(this.bodyOf(bound, op, scopes.body) ?? {});
      headers['content-type'] ??= 'application/json';
    }
    const response = await this.send(op.method, url, headers, body);
    const what = `${op.method} ${url.origin}${url.pathname}`;
    if (response.status < 200 || response.status >= 300) {
      throw statusError({
        status: response.status,
        what,
        body: response.text,
        retryAfter: headerOf(response.headers, 'retry-after'),
        ...(this.settings.errorMessage ? { messagePath: this.settings.errorMessage } : {}),
        secrets: [...this.auth.secrets(), ...secrets],
      });
    }
    return { status: response.status, headers: response.headers, body: parseJsonBody(response, what) };
  }

  /** One exchange with credentials; a 401 with a cached OAuth2 token is retried once with a fresh one. */
  private async send(method: string, url: URL, headers: Record<string, string>, body: string | undefined): Promise<HttpResponse> {
    const attempt = async (): Promise<HttpResponse> => this.http.send({ method, url, headers: { ...headers, ...(await this.auth.headers()) }, ...(body !== undefined ? { body } : {}) });
    const response = await attempt();
    if (response.status === 401 && this.auth.rejected()) return attempt();
    return response;
  }

  private joinBase(path: string): string {
    return `${this.settings.baseUrl.href.replace(/\/+$/, '')}${path}`;
  }

  private addPageParameters(op: RestOperation, url: URL, page: PageRequest): void {
    const paging = op.paging;
    if (paging && paging.type !== 'none') {
      if (paging.sizeParam) url.searchParams.set(paging.sizeParam, String(page.pageSize));
      if (paging.type === 'page' && paging.pageParam && page.page !== undefined) url.searchParams.set(paging.pageParam, String(page.page));
      if (paging.type === 'link' && paging.pageParam && page.page !== undefined) url.searchParams.set(paging.pageParam, String(page.page));
      if (paging.type === 'offset' && paging.offsetParam) url.searchParams.set(paging.offsetParam, String(page.offset ?? 0));
      if (paging.type === 'cursor' && paging.cursorParam && page.cursor !== undefined) url.searchParams.set(paging.cursorParam, page.cursor);
    }
    if (op.since?.param && page.since !== undefined) url.searchParams.set(op.since.param, page.since);
  }
}

/** A 2xx body as JSON; empty = undefined; anything else is a malformed answer. */
function parseJsonBody(response: HttpResponse, what: string): unknown {
  const text = response.text.trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    const type = headerOf(response.headers, 'content-type') ?? 'no content type';
    throw new ConnectorError('unavailable', `${what} answered ${response.status} with a malformed body (${type}, not JSON)`);
  }
}

/** `<https://api/users?page=2>; rel="next", <…>; rel="last"` → the rel="next" URL. */
export function nextFromLinkHeader(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (!text) return undefined;
  for (const match of text.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+(?:=(?:"[^"]*"|[^;,]*))?)*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(match[2] ?? '');
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) return match[1];
  }
  return undefined;
}
