import { defaultMarketplaces } from '../../sandbox/marketplaces.js';

/**
 * The label shown next to a marketplace code. Order events carry only the code, and the read model must come out the
 * same on every rebuild, so labels come from code (never from a live API answer that may change between rebuilds):
 * the names of the definitions the engine ships with, else a label derived from the code itself
 * (`amazon_de` → `Amazon DE`). Changing this table changes stored rows: bump the overview projection's version.
 */
const KNOWN_LABELS: ReadonlyMap<string, string> = new Map(
  Object.entries(defaultMarketplaces()).map(([code, definition]) => [code, definition.name]),
);

export type MarketplaceLabeler = (code: string) => string;

export const marketplaceLabel: MarketplaceLabeler = (code) => {
  const known = KNOWN_LABELS.get(code);
  if (known) return known;
  const words = code.split(/[_\s]+/).filter((word) => word !== '');
  if (words.length === 0) return code;
  return words
    .map((word, index) =>
      // A trailing two-letter part is a country (`_fr`, `_de`), written the way the definitions write it.
      index > 0 && index === words.length - 1 && word.length === 2
        ? word.toUpperCase()
        : word.charAt(0).toUpperCase() + word.slice(1),
    )
    .join(' ');
};
