export interface ShopCountry {
  /** ISO 3166-1 alpha-2, upper case. */
  isoA2: string;
  /** Used in messages such as "the country <name> in the delivery address is not active". */
  name: string;
  active: boolean;
}
