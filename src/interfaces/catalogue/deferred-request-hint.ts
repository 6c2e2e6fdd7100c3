/** How late a next try may be before the hint says nobody is making it: a few sweeps (every 15 s) and a slow one. */
export const OVERDUE_AFTER_MS = 5 * 60_000;

/**
 * What an operator looking at one order can do about an action request the engine keeps asking for. Nothing is
 * replayed by hand (the sweeper asks again with backoff), so the hint points at the cause instead: the reasons are
 * free text from the connector or the settings, so only the one case with a fix of its own is told apart.
 */
export function deferredRequestHint(request: { reason: string; nextAttemptAt: string }, now: Date): string {
  const hints = [
    'Nothing to replay: the engine asks again by itself at the next attempt, waiting twice as long each time (at ' +
      'most 30 minutes), until the request goes through, then sends the action to Lengow.',
  ];
  if (/does not feature in the marketplace list/.test(request.reason)) {
    hints.push(
      'Lengow does not list this order’s marketplace: check in Lengow that it is still active on the account.',
    );
  } else {
    hints.push(
      'Fix what the reason names: most often Lengow cannot be reached (its marketplace list is needed to build the ' +
        'action) or the carrier mapping could not be read (Order parameters).',
    );
  }
  const next = Date.parse(request.nextAttemptAt);
  if (Number.isFinite(next) && now.getTime() - next > OVERDUE_AFTER_MS) {
    hints.push('The next attempt is overdue: check that an engine running the reactions is up.');
  }
  return hints.join(' ');
}
