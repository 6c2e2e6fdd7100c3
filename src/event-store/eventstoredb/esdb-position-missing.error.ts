/** Raised when the server does not report event positions (EventStoreDB before 22.6). */
export class EsdbPositionMissing extends Error {
  readonly code = 'ESDB_POSITION_MISSING';

  constructor(stream: string, revision: number) {
    super(`event ${stream}@${revision} has no $all position; EventStoreDB 22.6 or later is required`);
    this.name = 'EsdbPositionMissing';
  }
}
