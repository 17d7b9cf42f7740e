/** Per running host (not per process: tests start several): readiness fails once shutdown begins. */
export class HostState {
  shuttingDown = false;
}
