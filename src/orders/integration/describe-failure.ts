/** One line about an error for logs and recorded failures; never the error's own fields (they may hold secrets). */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : 'unknown error';
}
