import { HttpProblem } from './http-problem.js';
import { revisionETag, revisionFromIfMatch } from './revision-etag.js';

describe('If-Match and ETag revisions', () => {
  it('formats a weak ETag and reads it back', () => {
    expect(revisionETag(12)).toBe('W/"12"');
    expect(revisionFromIfMatch(revisionETag(12))).toBe(12);
    expect(revisionFromIfMatch(revisionETag(-1))).toBe(-1);
  });

  it('accepts the strong form and a bare number; absent or * means no condition', () => {
    expect(revisionFromIfMatch('"7"')).toBe(7);
    expect(revisionFromIfMatch('7')).toBe(7);
    expect(revisionFromIfMatch(' W/"0" ')).toBe(0);
    expect(revisionFromIfMatch(undefined)).toBeUndefined();
    expect(revisionFromIfMatch('*')).toBeUndefined();
  });

  it.each(['W/"abc"', '"7', '7"', 'W/7', '1.5', '-2', '"1", "2"', '99999999999999999'])(
    'refuses %s with 400',
    (value) => {
      expect(() => revisionFromIfMatch(value)).toThrow(HttpProblem);
      try {
        revisionFromIfMatch(value);
      } catch (error) {
        expect((error as HttpProblem).status).toBe(400);
        expect((error as HttpProblem).extra.errors?.[0].field).toBe('header.if-match');
      }
    },
  );
});
