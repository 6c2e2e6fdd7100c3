import { v5 as uuidv5 } from 'uuid';
import { nameBasedUuid } from './name-based-uuid.js';

const NAMESPACE = '6f1c1d3e-2b1a-5e55-9a3f-0c5e1f1a7b42';

describe('nameBasedUuid', () => {
  const make = nameBasedUuid(NAMESPACE);

  it.each([
    ['plain ASCII', 'cmd-42#0'],
    ['the empty name', ''],
    ['accented letters', 'Bérénice Müller'],
    ['characters outside the BMP', 'order 🛒 #1'],
    ['a separator control character', 'a\u001fb'],
  ])('gives the id uuid gives for the same string (%s)', (_, name) => {
    expect(make(name)).toBe(uuidv5(name, NAMESPACE));
  });

  it('gives the ids uuid gives over a spread of names, whatever their hash digits', () => {
    // Every value of the digest's variant and version digits comes up in a few hundred names.
    for (let i = 0; i < 500; i++) {
      const name = `order:amazon_fr:${i * 7919}:event:${i % 5}`;
      expect(make(name)).toBe(uuidv5(name, NAMESPACE));
    }
  });

  it('keeps ids apart across namespaces and names', () => {
    const other = nameBasedUuid('6f1d8a52-3c4e-5b7a-9d0e-2a4b6c8d0e1f');
    expect(other('cmd-42#0')).not.toBe(make('cmd-42#0'));
    expect(make('cmd-42#1')).not.toBe(make('cmd-42#0'));
  });

  it('refuses a namespace that is not a UUID when made, not on each call', () => {
    expect(() => nameBasedUuid('not-a-uuid')).toThrow(TypeError);
  });
});
