import { OptionalText, RequiredText } from './field-decorators.js';

/** `order_types[]`, e.g. `{type: "is_delivered_by_marketplace", label: "AFN"}`. */
export class OrderTypeDto {
  @RequiredText() type: string;
  @OptionalText() label: string | null;
}
