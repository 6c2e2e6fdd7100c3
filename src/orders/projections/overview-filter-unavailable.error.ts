/**
 * A filter on a column the live overview tables do not have yet: after an upgrade that added it, the views point at
 * the previous version's tables until the rebuild switches over. HTTP maps it to 503 with Retry-After; the list
 * without that filter keeps answering meanwhile.
 */
export class OverviewFilterUnavailable extends Error {
  readonly code = 'OVERVIEW_FILTER_UNAVAILABLE';

  constructor(
    readonly field: string,
    readonly column: string,
  ) {
    super(
      `${field} cannot be filtered on until the order overview's rebuild (after the upgrade that added ${column}) ` +
        'has switched over; try again shortly',
    );
    this.name = 'OverviewFilterUnavailable';
  }
}
