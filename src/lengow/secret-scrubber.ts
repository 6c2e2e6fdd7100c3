/**
 * Removes credentials from text that may end up in an error message or a log line. The client never puts them there
 * itself; this guards text it does not control, such as an error message the API echoes back.
 */
export function scrubSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; real credentials are long.
    if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return result;
}
