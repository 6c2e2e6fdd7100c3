/**
 * Text from marketplaces as the shop should keep it. Names and addresses reach Lengow from buyers' forms, marketplace
 * exports and other connectors; some arrive with bytes that were never characters: NUL padding, escape codes, a stray
 * bell, half of an emoji cut by a truncation. None of these can mean anything on a parcel label or an invoice, and a
 * NUL is refused by PostgreSQL text, so they are removed. Everything else a person could have typed (accents, other
 * scripts, emoji and their joiners) is kept; whitespace, typographic spaces included, becomes single spaces, as a
 * label prints it.
 */

/** Anything to remove or normalise: controls, surrogates (paired or not), whitespace but single spaces, ends. */
const SUSPECT = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]|[^\S ]| {2}|^ | $/;
/** C0 and C1 control characters that are not whitespace (tab, line breaks, form feed and NEL are). */
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]/g;
/** A high surrogate without its low half, or a low one without its high half: no character at all. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** What a quoted value escapes: every control character, whitespace ones too (a reason is one line), lone halves. */
const UNPRINTABLE =
  /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** JavaScript's `\s` (Unicode spaces and line breaks, the BOM) and NEL, which it does not count. */
const WHITESPACE = /[\s\u0085]+/g;

export interface CleanedText {
  /** Trimmed, whitespace runs made one space, meaningless characters removed; may be empty. */
  readonly value: string;
  /** Whether characters were removed (not merely whitespace normalised): the raw value is then worth keeping. */
  readonly removed: boolean;
}

/** Whether `cleanText` would change anything: one regular-expression test, all nearly every value costs. */
export function needsCleaning(raw: string): boolean {
  return SUSPECT.test(raw);
}

export function cleanText(raw: string): CleanedText {
  if (!SUSPECT.test(raw)) return { value: raw, removed: false };
  const kept = raw.replace(CONTROL, '').replace(LONE_SURROGATE, '');
  return { value: kept.replace(WHITESPACE, ' ').trim(), removed: kept.length !== raw.length };
}

/**
 * A value as a message may quote it: control characters and lone surrogates written as `\uXXXX` escapes, so that the
 * reason shown to the merchant says what was sent, and can be stored and displayed anywhere.
 */
export function visibleText(value: string): string {
  return value.replace(UNPRINTABLE, (found) => `\\u${found.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
