/**
 * Removes credentials from text that may end up in an error message or a log line. The client never puts them there
 * itself; this guards text it does not control, such as an error message the API echoes back. A server may echo a
 * credential as it received it on the wire (percent- or form-encoded), JSON-escaped, or with its case changed, so
 * each of those forms is removed too, whatever the case.
 */
export function scrubSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; real credentials are long.
    if (!secret || secret.length < 4) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  if (forms.size === 0) return text;
  // Longest first, so that a form containing another is removed whole.
  const pattern = [...forms]
    .sort((a, b) => b.length - a.length)
    .map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');
  return text.replace(new RegExp(pattern, 'gi'), '[redacted]');
}
