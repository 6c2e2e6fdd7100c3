import { InvalidArgumentError } from 'commander';

const RELATIVE = /^(\d{1,6})(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
/** ISO 8601 with a date, and when there is a time, an explicit offset: a bare local time would depend on the host. */
const ISO = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * `--since` / `--at`: an ISO 8601 instant (`2024-05-01`, `2024-05-01T08:00:00Z`) or a duration back from now (`30m`,
 * `6h`, `2d`, `1w`). Returns the instant as an ISO string; throws InvalidArgumentError (a usage error) otherwise.
 */
export function parseInstant(value: string, now: () => Date = () => new Date()): string {
  const text = value.trim();
  const relative = RELATIVE.exec(text);
  if (relative) {
    const amount = Number(relative[1]);
    if (amount === 0) throw new InvalidArgumentError('a duration must be greater than zero');
    return new Date(now().getTime() - amount * UNIT_MS[relative[2] as keyof typeof UNIT_MS]).toISOString();
  }
  const iso = ISO.exec(text);
  if (iso) {
    const at = new Date(iso[2] === undefined ? `${text}T00:00:00Z` : text);
    // Date() rolls 2024-02-30 over to March; an operator who typed it meant something else.
    if (!Number.isNaN(at.getTime()) && isCalendarDay(iso[1])) return at.toISOString();
  }
  throw new InvalidArgumentError(
    'expected an ISO 8601 instant with an offset (2024-05-01T08:00:00Z) or 30m, 6h, 2d, 1w',
  );
}

function isCalendarDay(day: string): boolean {
  const [year, month, date] = day.split('-').map(Number);
  if (month < 1 || month > 12 || date < 1) return false;
  return date <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
