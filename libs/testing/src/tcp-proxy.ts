/**
 * A TCP relay in front of a real server (PostgreSQL, slapd, Redis) for outages the server itself
 * cannot be asked for: `cut()` drops every open connection and refuses new ones by closing each
 * as soon as it is accepted (counted in `refused`, so a test can see whether a client kept
 * hammering the dead target), `restore()` relays again. Bytes are never altered.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  /** `127.0.0.1`. */
  host: string;
  port: number;
  /** Connections accepted and relayed since the start. */
  readonly relayed: number;
  /** Connection attempts closed at once while cut. */
  readonly refused: number;
  readonly isCut: boolean;
  cut(): void;
  restore(): void;
  stop(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let cut = false;
  let relayed = 0;
  let refused = 0;
  const server = net.createServer((client) => {
    if (cut) {
      refused++;
      client.destroy();
      return;
    }
    relayed++;
    const upstream = net.connect(targetPort, targetHost);
    open.add(client);
    open.add(upstream);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    get relayed() {
      return relayed;
    },
    get refused() {
      return refused;
    },
    get isCut() {
      return cut;
    },
    cut: () => {
      cut = true;
      for (const socket of open) socket.destroy();
      open.clear();
    },
    restore: () => {
      cut = false;
    },
    stop: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
