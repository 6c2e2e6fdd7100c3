import Database from 'better-sqlite3';
import { TempSqliteFolder } from '../event-store/sqlite/testing/temp-sqlite-folder.js';
import { SqliteDatabase, toSqlitePlaceholders } from './sqlite-database.js';

describe('SqliteDatabase', () => {
  it('rewrites $n placeholders, reusing and reordering them, but not inside literals', () => {
    expect(toSqlitePlaceholders(`SELECT '$1', $2, $1, "a$3"`)).toEqual({
      sql: `SELECT '$1', ?, ?, "a$3"`,
      order: [2, 1],
    });
  });

  it('binds reused parameters and rolls a failed transaction back', async () => {
    const db = new SqliteDatabase({ path: ':memory:' });
    await db.execute('CREATE TABLE t (a TEXT, b TEXT)');
    await db.execute('INSERT INTO t VALUES ($2, $1)', ['x', 'y']);
    expect(await db.query('SELECT a, b FROM t WHERE a = $1 OR b = $1', ['y'])).toEqual([{ a: 'y', b: 'x' }]);
    await expect(
      db.transaction(async (tx) => {
        await tx.execute('INSERT INTO t VALUES ($1, $2)', ['p', 'q']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 1 }]);
    await db.close();
  });

  it('keeps concurrent transactions apart on the single connection', async () => {
    const db = new SqliteDatabase({ path: ':memory:' });
    await db.execute('CREATE TABLE c (n INTEGER)');
    await db.execute('INSERT INTO c VALUES (0)');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction(async (tx) => {
          const [{ n }] = await tx.query<{ n: number }>('SELECT n FROM c');
          await new Promise((r) => setTimeout(r, 1));
          await tx.execute('UPDATE c SET n = $1', [n + 1]);
        }),
      ),
    );
    expect(await db.query('SELECT n FROM c')).toEqual([{ n: 20 }]);
    await db.close();
  });

  describe('rows', () => {
    it('names the values of spelled-out columns as better-sqlite3 would, a repeated name keeping the last value', async () => {
      const db = new SqliteDatabase({ path: ':memory:' });
      await db.execute('CREATE TABLE t (a TEXT, b INTEGER, c BLOB)');
      await db.execute('INSERT INTO t VALUES ($1, $2, $3)', ['x', 2, Buffer.from('z')]);
      await db.execute('INSERT INTO t VALUES ($1, $2, $3)', ['y', null, null]);
      const sql = 'SELECT a, b AS bee, c, a AS "a b", b AS a FROM t ORDER BY rowid';
      const expected = db.db.prepare(sql).all();
      const rows = await db.query(sql);
      expect(rows).toEqual(expected);
      expect(rows).toEqual([
        { a: 2, bee: 2, c: Buffer.from('z'), 'a b': 'x' },
        { a: null, bee: null, c: null, 'a b': 'y' },
      ]);
      // Twice: the cached statement answers the same way.
      expect(await db.query(sql)).toEqual(expected);
      await db.close();
    });

    it('follows a schema change under a cached `SELECT *` (a view re-pointed at other columns)', async () => {
      const db = new SqliteDatabase({ path: ':memory:' });
      await db.execute('CREATE TABLE g1 (a TEXT, b TEXT)');
      await db.execute("INSERT INTO g1 VALUES ('a1', 'b1')");
      await db.execute('CREATE TABLE g2 (b TEXT, a TEXT, c TEXT)');
      await db.execute("INSERT INTO g2 VALUES ('b2', 'a2', 'c2')");
      await db.execute('CREATE VIEW v AS SELECT * FROM g1');
      expect(await db.query('SELECT * FROM v')).toEqual([{ a: 'a1', b: 'b1' }]);
      await db.transaction(async (tx) => {
        await tx.execute('DROP VIEW v');
        await tx.execute('CREATE VIEW v AS SELECT * FROM g2');
      });
      expect(await db.query('SELECT * FROM v')).toEqual([{ b: 'b2', a: 'a2', c: 'c2' }]);
      await db.close();
    });
  });
  describe('group commit', () => {
    /** Counts the COMMITs the connection runs, to see how many fsyncs a burst costs. */
    function countCommits(db: SqliteDatabase): { commits: number } {
      const counter = { commits: 0 };
      const exec = db.db.exec.bind(db.db);
      db.db.exec = (sql: string) => {
        if (sql === 'COMMIT') counter.commits++;
        return exec(sql);
      };
      return counter;
    }

    it('commits a burst of concurrent transactions and single writes together, in arrival order', async () => {
      const db = new SqliteDatabase({ path: ':memory:' });
      await db.execute('CREATE TABLE log (n INTEGER)');
      const counter = countCommits(db);
      const writes = Array.from({ length: 50 }, (_, n) =>
        n % 2 === 0
          ? db.execute('INSERT INTO log VALUES ($1)', [n])
          : db.transaction(async (tx) => {
              await tx.execute('INSERT INTO log VALUES ($1)', [n]);
              return n;
            }),
      );
      await Promise.all(writes);
      expect((await db.query<{ n: number }>('SELECT n FROM log ORDER BY rowid')).map((r) => r.n)).toEqual(
        Array.from({ length: 50 }, (_, n) => n),
      );
      // Everything that queued while the connection was busy (or before it was first taken) shares one commit.
      expect(counter.commits).toBe(1);
      await db.close();
    });

    it('journals savepoints in memory, and still rolls back a member that changed many pages of a file', async () => {
      const folder = new TempSqliteFolder('sqlite-journal');
      const db = folder.database('db.sqlite');
      try {
        // Every member of a group runs in a savepoint: journalled in a temporary file, each page it changes would
        // cost write system calls of its own (as many as the WAL's, measured on the read models' worker).
        expect(db.db.pragma('temp_store', { simple: true })).toBe(2);
        await db.execute('CREATE TABLE big (k INTEGER PRIMARY KEY, v TEXT)');
        const fill = (from: number) => (tx: { execute: SqliteDatabase['execute'] }) =>
          Promise.all(
            Array.from({ length: 500 }, (_, i) =>
              tx.execute('INSERT INTO big VALUES ($1, $2)', [from + i, 'x'.repeat(500)]),
            ),
          );
        const results = await Promise.allSettled([
          db.transaction(fill(0)),
          db.transaction(async (tx) => {
            await fill(1000)(tx);
            await tx.execute('UPDATE big SET v = $1', ['changed']);
            throw new Error('undo');
          }),
          db.transaction(fill(2000)),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await db.query('SELECT count(*) AS n, min(v) AS v FROM big')).toEqual([{ n: 1000, v: 'x'.repeat(500) }]);
      } finally {
        await folder.dispose();
      }
    });

    it('rolls a failing member back alone and tells only that caller', async () => {
      const db = new SqliteDatabase({ path: ':memory:' });
      await db.execute('CREATE TABLE u (k TEXT PRIMARY KEY)');
      const results = await Promise.allSettled([
        db.execute('INSERT INTO u VALUES ($1)', ['a']),
        db.transaction(async (tx) => {
          await tx.execute('INSERT INTO u VALUES ($1)', ['b']);
          await tx.execute('INSERT INTO u VALUES ($1)', ['a']); // unique violation: b goes too
        }),
        db.transaction(async (tx) => {
          await tx.execute('INSERT INTO u VALUES ($1)', ['c']);
          throw new Error('changed my mind');
        }),
        db.execute('INSERT INTO u VALUES ($1)', ['d']),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect(((results[2] as PromiseRejectedResult).reason as Error).message).toBe('changed my mind');
      expect((await db.query<{ k: string }>('SELECT k FROM u ORDER BY k')).map((r) => r.k)).toEqual(['a', 'd']);
      await db.close();
    });

    it('rejects every member when the shared COMMIT fails, and stores none of them', async () => {
      const db = new SqliteDatabase({ path: ':memory:' });
      await db.execute('CREATE TABLE v (n INTEGER)');
      const exec = db.db.exec.bind(db.db);
      let failCommit = true;
      db.db.exec = (sql: string) => {
        if (sql === 'COMMIT' && failCommit) throw new Error('disk I/O error');
        return exec(sql);
      };
      const results = await Promise.allSettled([1, 2, 3, 4].map((n) => db.execute('INSERT INTO v VALUES ($1)', [n])));
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
      expect(((results[0] as PromiseRejectedResult).reason as Error).message).toBe('disk I/O error');
      failCommit = false;
      await db.execute('INSERT INTO v VALUES (5)');
      expect(await db.query('SELECT n FROM v')).toEqual([{ n: 5 }]);
      expect(db.db.inTransaction).toBe(false);
      await db.close();
    });

    it('rejects, never throws at the call, when a statement cannot be prepared', async () => {
      const db = new SqliteDatabase({ path: ':memory:' });
      let calls: Promise<unknown>[] = [];
      expect(() => {
        calls = [db.query('SELEC nonsense'), db.execute('INSERT INTO missing VALUES (1)')];
      }).not.toThrow();
      const [query, execute] = await Promise.allSettled(calls);
      // Matched on the message: SqliteError is not always recognised as an Error across Jest's module realms.
      expect(query).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/syntax error/) } });
      expect(execute).toMatchObject({
        status: 'rejected',
        reason: { message: expect.stringMatching(/no such table/) },
      });
      await db.close();
    });

    it('gives each member of a group its own executor', async () => {
      const db = new SqliteDatabase({ path: ':memory:' });
      const seen = await Promise.all([1, 2, 3].map(() => db.transaction(async (tx) => tx)));
      expect(new Set(seen).size).toBe(3);
      await db.close();
    });

    it('lets reads queued behind a group see its writes', async () => {
      const db = new SqliteDatabase({ path: ':memory:' });
      await db.execute('CREATE TABLE w (n INTEGER)');
      const first = db.execute('INSERT INTO w VALUES (1)');
      const read = db.query<{ c: number }>('SELECT count(*) AS c FROM w');
      await first;
      expect(await read).toEqual([{ c: 1 }]);
      await db.close();
    });
  });

  describe("snapshot (reads of another connection's file, e.g. the read models a worker writes)", () => {
    let folder: TempSqliteFolder;
    let reader: SqliteDatabase;
    let writer: Database.Database;

    beforeEach(async () => {
      folder = new TempSqliteFolder('sqlite-snapshot');
      reader = folder.database('shared.sqlite');
      await reader.execute('CREATE TABLE t (x INTEGER)');
      await reader.execute('INSERT INTO t VALUES (1)');
      // Another connection, as a worker thread's would be: plain better-sqlite3, outside this class.
      writer = new Database(folder.file('shared.sqlite'));
    });
    afterEach(async () => {
      if (writer.inTransaction) writer.exec('ROLLBACK');
      writer.close();
      await folder.dispose();
    });

    it('reads while the other connection holds the write lock, without waiting for it', async () => {
      writer.exec('BEGIN IMMEDIATE');
      writer.exec('INSERT INTO t VALUES (2)');
      // A write transaction here would wait for that lock (busy_timeout) and then fail with SQLITE_BUSY.
      expect(await reader.snapshot((tx) => tx.query('SELECT COUNT(*) AS n FROM t'))).toEqual([{ n: 1 }]);
    });

    it('keeps one snapshot for all its reads while the other connection commits', async () => {
      const counts = await reader.snapshot(async (tx) => {
        const before = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM t');
        writer.exec('INSERT INTO t VALUES (2)');
        const after = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM t');
        return [before[0].n, after[0].n];
      });
      expect(counts).toEqual([1, 1]);
      expect(await reader.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 2 }]);
    });

    it('refuses writes, and leaves no transaction open', async () => {
      await expect(reader.snapshot((tx) => tx.execute('INSERT INTO t VALUES (3)'))).rejects.toThrow(
        'a snapshot only reads',
      );
      await reader.execute('INSERT INTO t VALUES (4)');
      expect(await reader.query('SELECT x FROM t ORDER BY x')).toEqual([{ x: 1 }, { x: 4 }]);
    });
  });
});
