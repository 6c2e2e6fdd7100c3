/** One parameter of a read the overview cannot answer, and why. */
export interface OverviewQueryProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * A list query, cursor or key the overview cannot answer; HTTP maps it to 400 listing every problem. `field` is the
 * first problem's, for callers that name one parameter.
 */
export class InvalidOverviewQuery extends Error {
  readonly code = 'INVALID_OVERVIEW_QUERY';
  readonly problems: readonly OverviewQueryProblem[];

  constructor(
    readonly field: string,
    message: string,
    more: readonly OverviewQueryProblem[] = [],
  ) {
    const problems = [{ field, message }, ...more];
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'InvalidOverviewQuery';
    this.problems = problems;
  }

  /** Every problem at once, so that a caller fixes its query in one go; nothing to throw when there is none. */
  static throwIfAny(problems: readonly OverviewQueryProblem[]): void {
    if (problems.length === 0) return;
    const [first, ...more] = problems;
    throw new InvalidOverviewQuery(first.field, first.message, more);
  }
}
