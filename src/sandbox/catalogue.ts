/**
 * The shop catalogue the sandbox's orders refer to. The engine's built-in shop seeds itself from this same fixture,
 * so generated orders resolve to real products by every strategy the plugins use (lengow-api.md §9 "Products").
 */

export interface CatalogueVariant {
  /** `<id_product>_<id_product_attribute>`, the form marketplaces echo back as merchant product id. */
  id: string;
  idProduct: number;
  idAttribute: number;
  reference: string;
  ean13: string;
  name: string;
  attributes: Record<string, string>;
  /** Tax-included unit price in EUR. */
  price: number;
  stock: number;
}

export interface CatalogueProduct {
  id: number;
  reference: string;
  /** Parents with variants carry no EAN of their own. */
  ean13: string | null;
  name: string;
  /** Tax-included unit price in EUR (the cheapest variant's price for a parent). */
  price: number;
  /** For a parent, the sum of its variants' stock. */
  stock: number;
  /** Percent, e.g. 20 for the French standard rate. */
  taxRate: number;
  active: boolean;
  variants: CatalogueVariant[];
}

export interface Catalogue {
  /** ISO 4217 codes the shop sells in; an order in any other currency must fail to import. */
  currencies: string[];
  products: CatalogueProduct[];
}

/** Something a cart line can be resolved to: a simple product or one variant of a parent. */
export interface Sellable {
  id: string;
  reference: string;
  ean13: string;
  name: string;
  price: number;
  taxRate: number;
}

/** GS1 check digit, so the EANs are well-formed for any validator on the shop side. */
export function ean13(first12: string): string {
  if (!/^\d{12}$/.test(first12)) throw new RangeError(`EAN13 needs 12 digits before the check digit, got "${first12}"`);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return first12 + String((10 - (sum % 10)) % 10);
}

const ean = (itemCode: number): string => ean13(`3770017${String(itemCode).padStart(5, '0')}`);

type SimpleSpec = [
  id: number,
  reference: string,
  name: string,
  price: number,
  stock: number,
  taxRate?: number,
  active?: boolean,
];

function simple([id, reference, name, price, stock, taxRate = 20, active = true]: SimpleSpec): CatalogueProduct {
  return { id, reference, ean13: ean(id), name, price, stock, taxRate, active, variants: [] };
}

function parent(
  id: number,
  reference: string,
  name: string,
  attribute: string,
  variants: [idAttribute: number, value: string, price: number, stock: number][],
  taxRate = 20,
): CatalogueProduct {
  const built: CatalogueVariant[] = variants.map(([idAttribute, value, price, stock]) => ({
    id: `${id}_${idAttribute}`,
    idProduct: id,
    idAttribute,
    reference: `${reference}-${value.toUpperCase().replace(/[^A-Z0-9]+/g, '')}`,
    // Variants get their own EAN block: product offset then attribute id, unique across the catalogue.
    ean13: ean(60000 + Number(`${id - 1000}${String(idAttribute).padStart(2, '0')}`)),
    name: `${name} - ${value}`,
    attributes: { [attribute]: value },
    price,
    stock,
  }));
  return {
    id,
    reference,
    ean13: null,
    name,
    price: Math.min(...built.map((v) => v.price)),
    stock: built.reduce((sum, v) => sum + v.stock, 0),
    taxRate,
    active: true,
    variants: built,
  };
}

export const SANDBOX_CATALOGUE: Catalogue = {
  currencies: ['EUR', 'GBP', 'USD', 'CHF'],
  products: [
    simple([1001, 'MUG-GRS-BLU', 'Mug en grès bleu', 12.9, 140]),
    simple([1002, 'TOR-LIN-NAT', 'Torchon en lin naturel', 9.5, 320]),
    parent(1003, 'TSH-BIO', 'T-shirt coton bio', 'size', [
      [11, 'S', 19.9, 60],
      [12, 'M', 19.9, 85],
      [13, 'L', 19.9, 70],
      [14, 'XL', 21.9, 40],
    ]),
    simple([1004, 'BOU-FIG-180', 'Bougie parfumée figue 180 g', 18, 95]),
    simple([1005, 'COU-VEL-MOU', 'Coussin velours moutarde 45x45', 29.9, 55]),
    simple([1006, 'PLA-LAI-130', 'Plaid laine 130x170', 59, 30]),
    simple([1007, 'LAM-BUR-LAI', 'Lampe de bureau laiton', 79, 22]),
    simple([1008, 'VER-SET-4', 'Set de 4 verres soufflés', 24.9, 48]),
    simple([1009, 'TAB-COT-RAY', 'Tablier coton rayé', 19.9, 75]),
    simple([1010, 'PER-VIS-18V', 'Perceuse visseuse 18 V', 89.9, 35]),
    simple([1011, 'EMB-COF-32', 'Coffret 32 embouts de vissage', 14.9, 160]),
    simple([1012, 'SEC-FOR-20', 'Sécateur forgé 20 mm', 24.5, 64]),
    simple([1013, 'ARR-ZIN-10L', 'Arrosoir zinc 10 L', 34, 27]),
    simple([1014, 'CAR-A5-PTS', 'Carnet A5 pointillé', 7.9, 400, 20]),
    simple([1015, 'STY-PLU-ACI', 'Stylo plume acier brossé', 22, 88]),
    simple([1016, 'CAS-AUD-SF', 'Casque audio sans fil', 119, 18]),
    simple([1017, 'ENC-BT-10W', 'Enceinte Bluetooth 10 W', 49.9, 42]),
    simple([1018, 'CAB-USBC-2M', 'Câble USB-C 2 m', 9.9, 500]),
    simple([1019, 'LIV-POC-HIV', 'Roman de poche « Les hivers clairs »', 8.5, 210, 5.5]),
    simple([1020, 'JEU-COO-ILE', 'Jeu de société coopératif « L’île aux phares »', 34.9, 36, 20]),
    parent(1030, 'SWE-CAP', 'Sweat à capuche molleton', 'size', [
      [21, 'S', 49, 25],
      [22, 'M', 49, 40],
      [23, 'L', 49, 33],
    ]),
    parent(1040, 'BAS-TOI', 'Baskets en toile', 'size', [
      [31, '38', 59.9, 12],
      [32, '39', 59.9, 18],
      [33, '40', 59.9, 22],
      [34, '41', 59.9, 22],
      [35, '42', 59.9, 15],
      [36, '43', 59.9, 9],
    ]),
    parent(1050, 'HOU-COU', 'Housse de couette percale', 'dimensions', [
      [41, '140x200', 69, 20],
      [42, '240x220', 89, 14],
    ]),
    parent(1060, 'GAN-JAR', 'Gants de jardin cuir', 'size', [
      [51, 'S', 16.5, 45],
      [52, 'M', 16.5, 60],
      [53, 'L', 16.5, 38],
    ]),
    /** Sold out: with "force product" off the shop must refuse it, on (the default) it is added anyway. */
    simple([1070, 'VAS-CER-GRA', 'Vase céramique granité', 39, 0]),
    /** Disabled in the shop, same rule as sold out. */
    simple([1071, 'HOR-MUR-OLD', 'Horloge murale (ancien modèle)', 45, 8, 20, false]),
  ],
};

/** Every product or variant a cart line may resolve to (parents with variants excluded). */
export function sellables(catalogue: Catalogue = SANDBOX_CATALOGUE): Sellable[] {
  return catalogue.products.flatMap((product) =>
    product.variants.length === 0
      ? [
          {
            id: String(product.id),
            reference: product.reference,
            ean13: product.ean13 ?? '',
            name: product.name,
            price: product.price,
            taxRate: product.taxRate,
          },
        ]
      : product.variants.map((v) => ({
          id: v.id,
          reference: v.reference,
          ean13: v.ean13,
          name: v.name,
          price: v.price,
          taxRate: product.taxRate,
        })),
  );
}

export type CatalogueMatch =
  { kind: 'sellable'; sellable: Sellable } | { kind: 'parent'; productId: number } | { kind: 'none' };

/**
 * How the plugins resolve one candidate value (lengow-api.md §9): without a `_FBA` suffix, first as `<id_product>` or
 * `<id_product>_<id_attribute>`, then by reference or EAN13.
 */
export function matchCatalogue(
  value: string | null | undefined,
  catalogue: Catalogue = SANDBOX_CATALOGUE,
): CatalogueMatch {
  if (value == null || value === '') return { kind: 'none' };
  const candidate = value.replace(/_FBA$/i, '');
  const byIdMatch = /^(\d+)(?:_(\d+))?$/.exec(candidate);
  if (byIdMatch) {
    const product = catalogue.products.find((p) => p.id === Number(byIdMatch[1]));
    if (product) {
      if (byIdMatch[2] === undefined) {
        if (product.variants.length > 0) return { kind: 'parent', productId: product.id };
        return { kind: 'sellable', sellable: toSellable(product) };
      }
      const variant = product.variants.find((v) => v.idAttribute === Number(byIdMatch[2]));
      if (variant) return { kind: 'sellable', sellable: variantSellable(product, variant) };
    }
  }
  for (const product of catalogue.products) {
    if (product.variants.length === 0 && (product.reference === candidate || product.ean13 === candidate)) {
      return { kind: 'sellable', sellable: toSellable(product) };
    }
    for (const variant of product.variants) {
      if (variant.reference === candidate || variant.ean13 === candidate)
        return { kind: 'sellable', sellable: variantSellable(product, variant) };
    }
  }
  return { kind: 'none' };
}

function toSellable(product: CatalogueProduct): Sellable {
  return {
    id: String(product.id),
    reference: product.reference,
    ean13: product.ean13 ?? '',
    name: product.name,
    price: product.price,
    taxRate: product.taxRate,
  };
}

function variantSellable(product: CatalogueProduct, variant: CatalogueVariant): Sellable {
  return {
    id: variant.id,
    reference: variant.reference,
    ean13: variant.ean13,
    name: variant.name,
    price: variant.price,
    taxRate: product.taxRate,
  };
}
