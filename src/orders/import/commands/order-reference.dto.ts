import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** One marketplace order, as the operator names it: the Lengow v3 marketplace code and the marketplace's order id. */
export class OrderReferenceDto {
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(100, { message: 'must be at most 100 characters' })
  marketplace: string;

  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  marketplaceOrderId: string;
}
