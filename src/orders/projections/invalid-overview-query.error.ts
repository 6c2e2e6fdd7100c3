/** A list query, cursor or key the overview cannot answer; HTTP maps it to 400 with the field. */
export class InvalidOverviewQuery extends Error {
  readonly code = 'INVALID_OVERVIEW_QUERY';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'InvalidOverviewQuery';
  }
}
