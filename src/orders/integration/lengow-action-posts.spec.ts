import { describeOnBothDatabases, type OpenedDatabase } from '../../../test/support/on-both-databases.js';
import type { SqlDatabase } from '../../database/sql-database.port.js';
import { LengowActionPosts } from './lengow-action-posts.js';
import { ensureReactionsSchema } from './reactions-schema.js';

const DAY = 86_400_000;

function postsSuite(open: () => Promise<OpenedDatabase>) {
  let db: SqlDatabase;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ db, cleanup } = await open());
    await ensureReactionsSchema(db);
  });
  afterEach(() => cleanup());

  async function stillOpen(attemptKey: string): Promise<void> {
    await db.execute(
      `INSERT INTO open_action_attempts (attempt_key, stream, action_type, status, requested_at)
       VALUES ($1, 'order-amazon_fr-1', 'ship', 'requested', '2025-01-01T00:00:00.000Z')`,
      [attemptKey],
    );
  }

  it('forgets the first tries of closed attempts past the retention, never those of attempts still open', async () => {
    const start = Date.parse('2025-01-01T00:00:00.000Z');
    const posts = new LengowActionPosts(db, 7 * DAY);
    await posts.begin('closed-old', new Date(start));
    await posts.begin('open-old', new Date(start));
    await stillOpen('open-old');
    await posts.begin('closed-recent', new Date(start + 5 * DAY));

    // The next hand-over past the retention prunes.
    await posts.begin('new', new Date(start + 8 * DAY));

    expect(await posts.firstTry('closed-old')).toBeNull();
    // A later try of an attempt still open must still adopt what its first try may have created in Lengow.
    expect(await posts.firstTry('open-old')).toEqual(new Date(start));
    expect(await posts.firstTry('closed-recent')).toEqual(new Date(start + 5 * DAY));
    expect(await posts.firstTry('new')).toEqual(new Date(start + 8 * DAY));
  });
}

describeOnBothDatabases('LengowActionPosts', 'action_posts', postsSuite);
