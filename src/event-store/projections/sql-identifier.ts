/**
 * Table names are spliced into SQL (identifiers cannot be bound), so they are restricted to plain lowercase
 * identifiers that need no quoting on SQLite or PostgreSQL. The length leaves room for the generation suffix within
 * PostgreSQL's 63-byte limit.
 */
export const MAX_BASE_TABLE_NAME_LENGTH = 48;

export function assertSqlIdentifier(name: string, what: string, maxLength = MAX_BASE_TABLE_NAME_LENGTH): void {
  if (typeof name !== 'string' || !/^[a-z_][a-z0-9_]*$/.test(name) || name.length > maxLength) {
    throw new Error(
      `${what} must be a lowercase SQL identifier of at most ${maxLength} characters, got ${JSON.stringify(name)}`,
    );
  }
}
