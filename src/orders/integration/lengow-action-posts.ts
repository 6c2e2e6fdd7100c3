import type { SqlDatabase } from '../../database/sql-database.port.js';
import { ensureReactionsSchema } from './reactions-schema.js';

const PRUNE_EVERY_MS = 3_600_000;

/**
 * Journal of action attempts handed to Lengow, written before the POST. Lengow takes no idempotency key, and the answer
 * to a POST can be lost (a crash, a timeout): a later try of an attempt found here may already exist in Lengow, so it
 * asks for identical actions created since the first try (the connector's `previousAttemptAt`) before posting again.
 *
 * Only an attempt still open can be tried again, so the journal of a closed one (confirmed, rejected, timed out) is
 * dead weight: once `retentionMs` old and no longer among the open attempts, it is deleted, at most once an hour when
 * an attempt is handed to Lengow. Without that the journal grows by one row per action ever sent.
 */
export class LengowActionPosts {
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: SqlDatabase,
    private readonly retentionMs = 30 * 86_400_000,
  ) {}

  /** When the attempt was first handed to Lengow, or null if never. */
  async firstTry(attemptKey: string): Promise<Date | null> {
    await ensureReactionsSchema(this.db);
    const [row] = await this.db.query<{ started_at: string }>(
      'SELECT started_at FROM lengow_action_posts WHERE attempt_key = $1',
      [attemptKey],
    );
    return row ? new Date(row.started_at) : null;
  }

  /** Records the first try (later ones keep the first time). */
  async begin(attemptKey: string, at: Date): Promise<void> {
    await ensureReactionsSchema(this.db);
    await this.prune(at);
    await this.db.execute(
      'INSERT INTO lengow_action_posts (attempt_key, started_at) VALUES ($1, $2) ON CONFLICT (attempt_key) DO NOTHING',
      [attemptKey, at.toISOString()],
    );
  }

  private async prune(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    await this.db.execute(
      `DELETE FROM lengow_action_posts WHERE started_at < $1
         AND NOT EXISTS (SELECT 1 FROM open_action_attempts o WHERE o.attempt_key = lengow_action_posts.attempt_key)`,
      [new Date(now.getTime() - this.retentionMs).toISOString()],
    );
  }
}
