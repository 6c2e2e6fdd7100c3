import { OptionalInteger, OptionalJsonObject, OptionalText } from './field-decorators.js';

/**
 * The fields every address shares. Every one may be null: marketplaces anonymise or omit freely. `id` is declared by
 * the subclasses because its rule differs (required on a delivery), and class-validator merges inherited rules.
 */
export abstract class AddressFieldsDto {
  @OptionalText() type: string | null;
  @OptionalText() company: string | null;
  /** The API v2 name of `company`, still met in hand-built payloads. */
  @OptionalText() society: string | null;
  @OptionalText() civility: string | null;
  @OptionalText() email: string | null;
  @OptionalText() first_name: string | null;
  @OptionalText() last_name: string | null;
  @OptionalText() full_name: string | null;
  @OptionalText() first_line: string | null;
  @OptionalText() second_line: string | null;
  @OptionalText() complement: string | null;
  @OptionalText() full_address: string | null;
  @OptionalText() zipcode: string | null;
  @OptionalText() city: string | null;
  @OptionalText() state_region: string | null;
  @OptionalText() common_country_iso_a2: string | null;
  @OptionalText() phone_home: string | null;
  @OptionalText() phone_office: string | null;
  @OptionalText() phone_mobile: string | null;
  @OptionalText() vat_number: string | null;
  @OptionalJsonObject() metas: Record<string, unknown> | null;
}

/** A billing or contact address. */
export class AddressDto extends AddressFieldsDto {
  @OptionalInteger() id: number | null;
}
