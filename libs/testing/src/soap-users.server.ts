import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from './fixtures';
import { findFreePort } from './free-port';
import { httpAnswers } from './json-server.server';
import { launch, onFreePort, ServerHandle } from './server-process';
import { createTempDir } from './temp-dir';

const FIXTURE = join(FIXTURES_DIR, 'soap-users');

/** The WSDL the SOAP test service implements (a user directory, document/literal, SOAP 1.1). */
export const SOAP_USERS_WSDL = join(FIXTURE, 'users.wsdl');

export interface SoapUser {
  userName: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  active?: boolean;
  employeeNumber?: number;
  role?: string[];
  changedAt: string;
}

export interface SoapUsersService extends ServerHandle {
  /** `http://127.0.0.1:P/users`: the SOAP endpoint; `?wsdl` serves the WSDL. */
  endpoint: string;
  /** Every user the service holds, read from its store file (written before each answer). */
  users(): SoapUser[];
}

export interface SoapUsersOptions {
  /** The WS-Security UsernameToken every request must carry. */
  username: string;
  password: string;
  startTimeoutMs?: number;
}

/**
 * The SOAP test service (fixtures/soap-users/server.js, built with the soap package from
 * users.wsdl) as its own process on a free loopback port, its store in a temporary folder.
 */
export async function startSoapUsersService(options: SoapUsersOptions): Promise<SoapUsersService> {
  return onFreePort(async (port) => {
    const temp = createTempDir('connector-host-soap-users-');
    const store = join(temp.path, 'store.json');
    try {
      const server = await launch({
        command: process.execPath,
        args: [join(FIXTURE, 'server.js'), '--port', String(port), '--store', store, '--username', options.username, '--password', options.password],
        cwd: temp.path,
        logFile: join(temp.path, 'soap-users.log'),
        probe: () => httpAnswers(`http://127.0.0.1:${port}/users?wsdl`),
        startTimeoutMs: options.startTimeoutMs ?? 30000,
        stopSignal: 'SIGTERM',
        cleanupDir: temp.path,
      });
      return {
        url: `http://127.0.0.1:${port}`,
        endpoint: `http://127.0.0.1:${port}/users`,
        port,
        pid: server.pid,
        users: () => (existsSync(store) ? (Object.values((JSON.parse(readFileSync(store, 'utf8')) as { users: Record<string, SoapUser> }).users) as SoapUser[]) : []),
        stop: async () => {
          await server.stop();
          temp.remove();
        },
      };
    } catch (error) {
      temp.remove();
      throw error;
    }
  }, findFreePort);
}
