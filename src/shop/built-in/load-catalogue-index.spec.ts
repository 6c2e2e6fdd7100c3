import { describeOnBothDatabases, type OpenedDatabase } from '../../../test/support/on-both-databases.js';
import type { SqlDatabase } from '../../database/sql-database.port.js';
import { BuiltInShop } from './built-in-shop.js';
import { loadCatalogueByShopId, loadCatalogueIndex } from './load-catalogue-index.js';

/** Simple products, parents with variants, an inactive parent, codes that look like other products' ids. */
const CATALOGUE = [
  { id: '1', name: 'Mug', ean13: '2' },
  { id: '2', name: 'Shirt', reference: '1_1' },
  { id: '2_1', name: 'Shirt S' },
  { id: '2_2', name: 'Shirt M', active: false },
  { id: '3', name: 'Cap', active: false },
  { id: '3_1', name: 'Cap red' },
  { id: '5', name: 'Poster' },
  { id: '5_7', name: 'Poster A2' },
];

const ASKED = ['1', '2', '2_1', '2_2', '2_9', '3', '3_1', '4', '4_1', '5_7', '02_1', ' 2_1 ', '2_0', 'x', '', '1_1'];

function suite(open: () => Promise<OpenedDatabase>) {
  let db: SqlDatabase;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ db, cleanup } = await open());
    const shop = new BuiltInShop(db);
    await shop.init();
    for (const product of CATALOGUE) await shop.upsertProduct({ stock: 10, priceCents: 100, ...product });
  });
  afterEach(() => cleanup());

  it.each(ASKED)('resolves %j by id as an index over whole families does', async (id) => {
    const families = await loadCatalogueIndex(db, [id]);
    const named = await loadCatalogueByShopId(db, [id]);
    expect(named.resolve('id', id)).toEqual(families.resolve('id', id));
  });

  it('resolves every id of one batch as whole families do', async () => {
    const families = await loadCatalogueIndex(db, ASKED);
    const named = await loadCatalogueByShopId(db, ASKED);
    for (const id of ASKED) expect([id, named.resolve('id', id)]).toEqual([id, families.resolve('id', id)]);
  });

  it('answers a variant with its parent known (an inactive parent makes it inactive) and no other variant loaded', async () => {
    const named = await loadCatalogueByShopId(db, ['3_1', '2_1']);
    expect(named.resolve('id', '3_1')).toMatchObject({ status: 'found', product: { id: '3_1', active: false } });
    expect(named.productById('2_2')).toBeNull();
    expect(named.productById('2')).toMatchObject({ id: '2' });
  });
}

describeOnBothDatabases('loadCatalogueByShopId', 'catalogue_by_id', suite);
