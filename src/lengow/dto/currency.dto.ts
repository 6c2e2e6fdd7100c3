import { OptionalText } from './field-decorators.js';

/** `currency` / `original_currency` of an order. */
export class CurrencyDto {
  @OptionalText() iso_a3: string | null;
  @OptionalText() symbol: string | null;
  @OptionalText() name: string | null;
}
