import { IsoDate, OptionalNested, OptionalText } from './field-decorators.js';

export class PaymentTermsDto {
  @OptionalText() external_transaction_id: string | null;
  @OptionalText() fiscalnb: string | null;
  @OptionalText() vat_number: string | null;
  @OptionalText() siret_number: string | null;
}

export class PaymentDto {
  @OptionalText() id: string | null;
  @OptionalText() type: string | null;
  @OptionalText() status: string | null;
  @OptionalText() checkout: string | null;
  @IsoDate() settled_at: string | null;
  @OptionalNested(() => PaymentTermsDto) payment_terms: PaymentTermsDto | null;
}
