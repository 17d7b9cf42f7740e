import { readFileSync } from 'node:fs';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import type { ConnectorLogger } from '@connector-host/connector-sdk';
import { Client } from 'ldapts';
import { classifyLdapError } from './ldap-errors';
import type { LdapConnectionSettings } from './ldap-settings';

interface PooledConnection {
  client: Client;
  ready: Promise<void>;
  /** Set once connected and bound. */
  established: boolean;
  inFlight: number;
}

/**
 * A small pool of connections that are already bound: each is connected, upgraded with StartTLS
 * when configured, and bound (simple, SASL EXTERNAL with the client certificate, or anonymous)
 * once, then reused. LDAP multiplexes operations on one connection, so an operation goes to the
 * connection with the fewest in flight. A connection that fails at the transport level is dropped
 * and replaced on next use.
 */
export class LdapPool {
  private readonly connections: Array<PooledConnection | undefined>;
  private readonly tls: ConnectionOptions | undefined;
  private closed = false;

  constructor(
    private readonly settings: LdapConnectionSettings,
    private readonly logger: ConnectorLogger,
  ) {
    this.connections = new Array(settings.poolSize).fill(undefined);
    const secure = settings.url.toLowerCase().startsWith('ldaps:') || settings.startTls;
    if (secure) {
      const host = new URL(settings.url).hostname;
      this.tls = {
        ...(settings.caFile ? { ca: readFileSync(settings.caFile) } : {}),
        ...(settings.clientCertFile ? { cert: readFileSync(settings.clientCertFile) } : {}),
        ...(settings.clientKeyFile ? { key: readFileSync(settings.clientKeyFile) } : {}),
        // an IP address is no SNI name, but the certificate check still uses it
        servername: settings.tlsServerName ?? (/^[\d.]+$|:/.test(host) ? '' : host),
        rejectUnauthorized: settings.tlsRejectUnauthorized,
      };
      if (settings.tlsServerName) {
        const name = settings.tlsServerName;
        this.tls.checkServerIdentity = (_host, cert) => checkServerIdentity(name, cert);
      }
    }
  }

  /** How the pool authenticates, for `test()` and logs (never the secret). */
  get bindMethod(): 'simple' | 'sasl-external' | 'anonymous' {
    if (this.settings.bindDn) return 'simple';
    if (this.settings.clientCertFile) return 'sasl-external';
    return 'anonymous';
  }

  /** Runs one operation on a bound connection; errors come out classified. */
  async use<T>(what: string, operation: (client: Client) => Promise<T>): Promise<T> {
    if (this.closed) throw classifyLdapError(new Error('the connector is closed'), what);
    const slot = this.pick();
    let connection = this.connections[slot];
    // the server closed an idle connection: ldapts would reconnect it unbound, so replace it
    if (!connection || (connection.established && !connection.client.isConnected)) connection = this.open(slot);
    connection.inFlight++;
    try {
      await connection.ready;
      return await operation(connection.client);
    } catch (error) {
      const classified = classifyLdapError(error, what);
      if (classified.retryable && this.connections[slot] === connection) {
        // transport trouble: the next operation gets a fresh connection
        this.connections[slot] = undefined;
        void connection.client.unbind().catch(() => undefined);
      }
      throw classified;
    } finally {
      connection.inFlight--;
    }
  }

  /** Streams an operation's results (a paged search) from one bound connection. */
  async *stream<T>(what: string, operation: (client: Client) => AsyncIterable<T>): AsyncIterable<T> {
    if (this.closed) throw classifyLdapError(new Error('the connector is closed'), what);
    const slot = this.pick();
    let connection = this.connections[slot];
    if (!connection || (connection.established && !connection.client.isConnected)) connection = this.open(slot);
    connection.inFlight++;
    try {
      await connection.ready;
      yield* operation(connection.client);
    } catch (error) {
      const classified = classifyLdapError(error, what);
      if (classified.retryable && this.connections[slot] === connection) {
        this.connections[slot] = undefined;
        void connection.client.unbind().catch(() => undefined);
      }
      throw classified;
    } finally {
      connection.inFlight--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const open = this.connections.splice(0).filter((c): c is PooledConnection => c !== undefined);
    await Promise.all(open.map((c) => c.client.unbind().catch(() => undefined)));
  }

  private pick(): number {
    let best = 0;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.connections.length; i++) {
      const c = this.connections[i];
      const load = c ? c.inFlight : -1; // an empty slot is filled before a busy one is shared
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    return best;
  }

  private open(slot: number): PooledConnection {
    const client = new Client({
      url: this.settings.url,
      connectTimeout: this.settings.connectTimeoutMs,
      timeout: this.settings.operationTimeoutMs,
      strictDN: false,
      ...(this.tls && !this.settings.startTls ? { tlsOptions: this.tls } : {}),
    });
    const ready = (async () => {
      if (this.settings.startTls) await client.startTLS(this.tls);
      if (this.settings.bindDn) await client.bind(this.settings.bindDn, this.settings.bindPassword ?? '');
      else if (this.settings.clientCertFile) await client.bind('EXTERNAL');
    })();
    const connection: PooledConnection = { client, ready, established: false, inFlight: 0 };
    ready.then(() => (connection.established = true)).catch((error: unknown) => {
      if (this.connections[slot] === connection) this.connections[slot] = undefined;
      void client.unbind().catch(() => undefined);
      this.logger.warn('ldap connection failed', { url: this.settings.url, bind: this.bindMethod, error: error instanceof Error ? error.message : String(error) });
    });
    this.connections[slot] = connection;
    return connection;
  }
}
