import { IsoDate, Money, OptionalBoolean, OptionalNested, OptionalText, TextList } from './field-decorators.js';
import { toStringList } from './normalise.js';

export class RelayDto {
  @OptionalText() id: string | null;
  @OptionalText() name: string | null;
}

/** `packages[].delivery.trackings[]`; the plugins only ever read the first one. */
export class TrackingDto {
  @OptionalText() number: string | null;
  @OptionalText() method: string | null;
  @OptionalText() carrier: string | null;
  @OptionalText() url: string | null;
  @OptionalBoolean() is_delivered_by_marketplace: boolean | null;
  @Money() parcel_weight: number | null;
  @IsoDate() shipped_at: string | null;
  @OptionalNested(() => RelayDto) relay: RelayDto | null;
  @TextList(toStringList) marketplace_order_line_ids: string[];
}
