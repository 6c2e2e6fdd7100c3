import { cleanText, visibleText } from './clean-text.js';

describe('cleanText', () => {
  it('given ordinary text, when cleaned, then it is the very same string and nothing is said to be removed', () => {
    const name = 'Anne-Marie Dupont';
    const cleaned = cleanText(name);
    expect(cleaned).toEqual({ value: name, removed: false });
    expect(cleaned.value).toBe(name);
  });

  it('given names from every script, emoji and typographic marks, when cleaned, then they are kept as sent', () => {
    for (const name of [
      'Zoë Ørsted-Łukasiewicz',
      '山田 太郎',
      'محمد الأحمد',
      'Ἀριστοτέλης',
      'Jo 🎉 Smith',
      'Family 👨‍👩‍👧 Shop', // joined by zero-width joiners
      'Ana 👍🏽', // a skin-tone modifier
      'Made in 🇫🇷',
      '❤️ Lou', // a variation selector
      'O’Brien « le grand »',
    ]) {
      expect(cleanText(name)).toEqual({ value: name, removed: false });
    }
  });

  it('given NUL, escape codes and C1 controls, when cleaned, then they are removed and the removal is said', () => {
    expect(cleanText('Du\u0000pont')).toEqual({ value: 'Dupont', removed: true });
    expect(cleanText('Martin\u0000\u0000\u0000')).toEqual({ value: 'Martin', removed: true });
    expect(cleanText('\u001b[31mRed\u001b[0m')).toEqual({ value: '[31mRed[0m', removed: true });
    expect(cleanText('Bell\u0007 and \u007fdel \u0090\u009fC1')).toEqual({ value: 'Bell and del C1', removed: true });
  });

  it('given lone halves of surrogate pairs, when cleaned, then they are removed and whole emoji stay', () => {
    expect(cleanText('Lou \ud83d')).toEqual({ value: 'Lou', removed: true });
    expect(cleanText('\ude00Lou')).toEqual({ value: 'Lou', removed: true });
    expect(cleanText('Lou \ud83d\ude00 \udc00')).toEqual({ value: 'Lou \ud83d\ude00', removed: true });
  });

  it('given tabs, line breaks and Unicode spaces, when cleaned, then they become single spaces, trimmed, not removals', () => {
    expect(cleanText('  12 rue\tdes\r\nLilas  ')).toEqual({ value: '12 rue des Lilas', removed: false });
    expect(cleanText('Bât.\u00a0B\u0085Étage 2\u2028\ufeff')).toEqual({ value: 'Bât. B Étage 2', removed: false });
    expect(cleanText('Anne   Martin')).toEqual({ value: 'Anne Martin', removed: false });
  });

  it('given nothing but controls and spaces, when cleaned, then nothing is left', () => {
    expect(cleanText('\u0000 \u0001\t')).toEqual({ value: '', removed: true });
    expect(cleanText('   ')).toEqual({ value: '', removed: false });
  });
});

describe('visibleText', () => {
  it('given controls and lone surrogates, when quoted, then each is an escape and the rest is as sent', () => {
    expect(visibleText('Du\u0000pont\n\u0085')).toBe('Du\\u0000pont\\u000a\\u0085');
    expect(visibleText('Lou \ud83d')).toBe('Lou \\ud83d');
    expect(visibleText('Lou 😀 Zoë')).toBe('Lou 😀 Zoë');
  });
});
