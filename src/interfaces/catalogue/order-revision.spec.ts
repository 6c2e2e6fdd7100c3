import { commandEntries } from '../command-catalogue.js';
import type { CatalogueEntry } from './catalogue-entry.js';
import './index.js';

const orderEntries = () => (commandEntries() as CatalogueEntry[]).filter((entry) => entry.concurrency === 'order');

describe('order commands in the catalogue', () => {
  it('are the operator’s commands on one order', () => {
    expect(orderEntries().map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['import-order', 'reimport-order', 'resynchronize-order', 'resend-order-action']),
    );
  });

  // The doors' own check runs before the command; only the command's append can refuse a write landing after it.
  it.each(orderEntries().map((entry) => [entry.name, entry] as const))(
    '%s hands the door’s revision to its command',
    (_name, entry) => {
      const payload = { marketplace: 'amazon_fr', marketplaceOrderId: '402-1' };
      const metadata = { commandId: 'c1', actor: 'operator:ann' as const };
      expect(entry.build(payload, metadata, { expectedRevision: 7 })).toMatchObject({
        options: { expectedRevision: 7 },
      });
      expect(entry.build(payload, metadata)).toMatchObject({ options: {} });
    },
  );
});
