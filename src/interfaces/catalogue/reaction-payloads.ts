import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type {
  ListWaitingReactionsPayload,
  ReplayParkedEventsPayload,
  ReplayParkedShopChangesPayload,
} from './reaction-commands.js';

export class ListWaitingReactionsPayloadDto implements ListWaitingReactionsPayload {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 200, description: 'Rows listed per kind' })
  @IsOptional()
  @Min(1, { message: 'limit must be at least 1' })
  @Max(1000, { message: 'limit must be at most 1000' })
  @IsInt({ message: 'limit must be a whole number' })
  limit?: number;
}

export class ReplayParkedEventsPayloadDto implements ReplayParkedEventsPayload {
  @ApiProperty({
    example: 'saga:ShopOrderSagas',
    description: 'The consumer that parked the events (taken from the URL over HTTP)',
  })
  @IsString({ message: 'consumer must be a string' })
  @IsNotEmpty({ message: 'consumer must not be empty' })
  @MaxLength(200, { message: 'consumer must be at most 200 characters' })
  consumer: string;

  @ApiPropertyOptional({
    example: '0b5e6c1e-3f0e-5d43-9a7a-2f9a4f1f3c11',
    description: 'Only this parked event; every parked event of the consumer, in log order, when left out',
  })
  @IsOptional()
  @IsString({ message: 'eventId must be a string' })
  @IsNotEmpty({ message: 'eventId must not be empty' })
  @MaxLength(200, { message: 'eventId must be at most 200 characters' })
  eventId?: string;
}

export class ReplayParkedShopChangesPayloadDto implements ReplayParkedShopChangesPayload {
  @ApiPropertyOptional({
    example: 42,
    minimum: 1,
    description: 'Only this change of the shop feed; every parked change when left out',
  })
  @IsOptional()
  @Min(1, { message: 'changeId must be at least 1' })
  @IsInt({ message: 'changeId must be a whole number' })
  changeId?: number;
}
