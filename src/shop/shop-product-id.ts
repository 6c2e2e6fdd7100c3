/** `<id_product>` or `<id_product>_<id_attribute>`, each a positive integer; attribute 0 means "no variant". */
const SHOP_PRODUCT_ID = /^(\d{1,15})(?:_(\d{1,15}))?$/;

export interface ParsedShopProductId {
  productId: number;
  /** 0 for a simple product or a parent. */
  attributeId: number;
}

export function parseShopProductId(value: string): ParsedShopProductId | null {
  const match = SHOP_PRODUCT_ID.exec(value.trim());
  if (!match) return null;
  const productId = Number(match[1]);
  const attributeId = match[2] === undefined ? 0 : Number(match[2]);
  if (productId <= 0) return null;
  return { productId, attributeId };
}

/** The canonical form: no leading zeros, no `_0`. */
export function formatShopProductId({ productId, attributeId }: ParsedShopProductId): string {
  return attributeId > 0 ? `${productId}_${attributeId}` : String(productId);
}
