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
});
