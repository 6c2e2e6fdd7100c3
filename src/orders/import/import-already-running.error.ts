/** A window run was asked for while another run of this process is still going (one run at a time per process). */
export class ImportAlreadyRunning extends Error {
  readonly code = 'IMPORT_ALREADY_RUNNING';
  readonly transient = true;

  constructor(readonly runningRunId: string) {
    super(`import run ${runningRunId} is still running; try again when it has finished`);
    this.name = 'ImportAlreadyRunning';
  }
}
