import Database from 'better-sqlite3';

/** Tables and views of a SQLite file whose names start with `order_`: where the order read models were built. */
export function orderTables(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'order\\_%' ESCAPE '\\'`).all() as {
      name: string;
    }[];
    return rows.map((row) => row.name);
  } finally {
    db.close();
  }
}
