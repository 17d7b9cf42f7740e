/**
 * Serves a renewed certificate without a restart: watches the folders of the TLS files (a folder
 * watch survives files replaced by rename, cert-manager and Kubernetes Secret volumes swap a
 * `..data` symlink), re-reads them after a short quiet spell, and swaps the server's secure
 * context. A half-written or mismatched pair is refused and the old one stays in service until the
 * pair is whole again. A slow poll backs the watch up where inotify does not reach (NFS).
 */
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import type { TlsConfig } from '@connector-host/config';
import { readTlsMaterial, type TlsMaterial } from './tls-material';

export interface SecureContextHolder {
  setSecureContext(options: SecureContextOptions): void;
}

export interface TlsReloaderEvents {
  reloaded(material: TlsMaterial): void;
  failed(error: Error): void;
}

export interface TlsReloaderOptions {
  /** Quiet time after the last file event before re-reading. Default 250 ms. */
  settleMs?: number;
  /** Re-read this often regardless of events; 0 = never. Default 60 s. */
  pollMs?: number;
}

export class TlsReloader {
  private readonly watchers: FSWatcher[] = [];
  private settleTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastFailure: string | undefined;

  constructor(
    private readonly tls: TlsConfig,
    private readonly server: SecureContextHolder,
    private current: TlsMaterial,
    private readonly events: TlsReloaderEvents,
    private readonly options: TlsReloaderOptions = {},
  ) {
    const folders = [...new Set([tls.certFile, tls.keyFile, ...(tls.caFile ? [tls.caFile] : [])].map((file) => dirname(file)))];
    for (const folder of folders) {
      const watcher = watch(folder, { persistent: false }, () => this.schedule());
      watcher.on('error', (error) => this.events.failed(error));
      this.watchers.push(watcher);
    }
    const pollMs = options.pollMs ?? 60_000;
    if (pollMs > 0) {
      this.pollTimer = setInterval(() => this.reload(), pollMs);
      this.pollTimer.unref();
    }
  }

  /** The material in service now. */
  get material(): TlsMaterial {
    return this.current;
  }

  /** Re-reads the files and swaps the context if they changed and are a valid pair. */
  reload(): void {
    if (this.closed) return;
    let next: TlsMaterial;
    try {
      next = readTlsMaterial(this.tls);
      if (next.revision === this.current.revision) return;
      this.server.setSecureContext(next.context);
    } catch (error) {
      // said once per distinct problem, not at every poll
      if ((error as Error).message !== this.lastFailure) this.events.failed(error as Error);
      this.lastFailure = (error as Error).message;
      return;
    }
    this.lastFailure = undefined;
    this.current = next;
    this.events.reloaded(next);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.settleTimer);
    clearInterval(this.pollTimer);
    for (const watcher of this.watchers) watcher.close();
  }

  private schedule(): void {
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.reload(), this.options.settleMs ?? 250);
    this.settleTimer.unref();
  }
}
