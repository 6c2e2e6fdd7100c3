/**
 * A window run was asked for while another is still going: one of this process, or of another engine process on the
 * same database (its heartbeat fresh), as the plugins refuse a bulk import while one is in progress.
 */
export class ImportAlreadyRunning extends Error {
  readonly code = 'IMPORT_ALREADY_RUNNING';
  readonly transient = true;

  constructor(
    readonly runningRunId: string,
    readonly elsewhere = false,
  ) {
    super(
      `import run ${runningRunId} is still running${elsewhere ? ' in another engine process' : ''}; ` +
        'try again when it has finished',
    );
    this.name = 'ImportAlreadyRunning';
  }
}
