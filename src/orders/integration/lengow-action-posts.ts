import type { SqlDatabase } from '../../database/sql-database.port.js';
import { ensureReactionsSchema } from './reactions-schema.js';

/**
 * Journal of action attempts handed to Lengow, written before the POST. Lengow takes no idempotency key, and the answer
 * to a POST can be lost (a crash, a timeout): a later try of an attempt found here may already exist in Lengow, so it
 * asks for identical actions created since the first try (the connector's `previousAttemptAt`) before posting again.
 */
export class LengowActionPosts {
  constructor(private readonly db: SqlDatabase) {}

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
    await this.db.execute(
      'INSERT INTO lengow_action_posts (attempt_key, started_at) VALUES ($1, $2) ON CONFLICT (attempt_key) DO NOTHING',
      [attemptKey, at.toISOString()],
    );
  }
}
