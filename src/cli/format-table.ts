/**
 * Left-aligned columns separated by two spaces, a header row and a dashed rule, for terminals and `less`. Cells are
 * sanitised: control characters from stored data (an order reference, an error text) never reach the terminal raw.
 */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const cells = rows.map((row) => headers.map((_, index) => cell(row[index])));
  const widths = headers.map((header, index) => Math.max(header.length, ...cells.map((row) => row[index].length)));
  const line = (values: readonly string[]) =>
    values
      .map((value, index) => (index === values.length - 1 ? value : value.padEnd(widths[index])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n') + '\n';
}

export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return sanitise(text);
}

/** Replaces control characters (newlines, escapes) with spaces so one value stays on one line. */
export function sanitise(text: string): string {
  return text.replace(/\p{Cc}/gu, ' ');
}
