import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { ACTION_TYPES } from '../domain/marketplace-definition.js';
import { STOCK_DECREMENT_FAILURE_CODES } from '../domain/stock-decrement-failure.js';
import { ACTION_STATES, IMPORT_STATES, PROGRESS_STATES, STOCK_STATES } from '../projections/order-overview.js';
import { MAX_PAGE_SIZE, OVERVIEW_SORTS } from '../projections/overview-query.js';
import { MAX_TIMELINE_PAGE } from '../projections/order-timeline.js';

/**
 * Query strings of the order read endpoints. Only shapes are checked here; allowed values and ranges are checked by
 * the read side itself (InvalidOverviewQuery, 400 naming `query.<name>`), so each rule has one message.
 */

/** `a,b` or `?x=a&x=b` → ['a', 'b']. */
const list = () =>
  Transform(({ value }: { value: unknown }) =>
    (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v])),
  );
const texts = (name: string) => IsString({ each: true, message: `${name} must be text` });
/** A parameter given once; repeated (`?limit=1&limit=2`) it arrives as a list and fails. */
const text = (name: string) => IsString({ message: `${name} must be given once, as text` });
const integer =
  (name: string): PropertyDecorator =>
  (target, key) => {
    Type(() => Number)(target, key);
    IsInt({ message: `${name} must be a whole number` })(target, key);
  };

export class OverviewFilterQuery {
  @ApiPropertyOptional({ enum: IMPORT_STATES, isArray: true, description: 'Comma-separated or repeated' })
  @IsOptional()
  @list()
  @texts('importState')
  importState?: string[];

  @ApiPropertyOptional({
    enum: ACTION_STATES,
    isArray: true,
    description: 'Summary action state, or with actionType that type’s (failed ship = "Not shipped")',
  })
  @IsOptional()
  @list()
  @texts('actionState')
  actionState?: string[];

  @ApiPropertyOptional({ enum: ACTION_TYPES })
  @IsOptional()
  @text('actionType')
  actionType?: string;

  @ApiPropertyOptional({
    enum: STOCK_STATES,
    isArray: true,
    description:
      'Stock decrement state (failed = "stock not decremented": the shop took nothing; stockFailureCode says why)',
  })
  @IsOptional()
  @list()
  @texts('stockState')
  stockState?: string[];

  @ApiPropertyOptional({
    enum: STOCK_DECREMENT_FAILURE_CODES,
    isArray: true,
    description:
      'Why the stock was not decremented (failed orders only): STOCK_SHORTFALL = restock, PRODUCT_NOT_IN_SHOP = put ' +
      'the products back in the shop catalogue',
  })
  @IsOptional()
  @list()
  @texts('stockFailureCode')
  stockFailureCode?: string[];

  @ApiPropertyOptional({ type: [String], example: ['amazon_fr'], description: 'Marketplace codes' })
  @IsOptional()
  @list()
  @texts('marketplace')
  marketplace?: string[];

  @ApiPropertyOptional({ type: [String], example: ['waiting_shipment'], description: 'Lengow statuses' })
  @IsOptional()
  @list()
  @texts('lengowStatus')
  lengowStatus?: string[];

  @ApiPropertyOptional({ enum: PROGRESS_STATES })
  @IsOptional()
  @text('progress')
  progress?: string;

  @ApiPropertyOptional({ example: '2025-03-01', description: 'Order date at or after (ISO 8601)' })
  @IsOptional()
  @text('orderDateFrom')
  orderDateFrom?: string;

  @ApiPropertyOptional({ example: '2025-04-01', description: 'Order date before (ISO 8601)' })
  @IsOptional()
  @text('orderDateTo')
  orderDateTo?: string;

  @ApiPropertyOptional({
    description: 'Words, each a prefix of the marketplace order id, a shop order id or a customer name word',
  })
  @IsOptional()
  @text('search')
  search?: string;
}

export class OverviewListQueryDto extends OverviewFilterQuery {
  @ApiPropertyOptional({ enum: OVERVIEW_SORTS, default: 'order_date' })
  @IsOptional()
  @text('sort')
  sort?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'Default desc (asc for marketplace_order_id)' })
  @IsOptional()
  @text('direction')
  direction?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional()
  @integer('limit')
  limit?: number;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page (same sort and direction)' })
  @IsOptional()
  @text('cursor')
  @MaxLength(2048, { message: 'cursor is not a cursor of this list' })
  cursor?: string;
}

export class TimelineQueryDto {
  @ApiPropertyOptional({ minimum: 0, description: 'First revision of the page (inclusive)' })
  @IsOptional()
  @integer('fromRevision')
  fromRevision?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TIMELINE_PAGE, default: 100 })
  @IsOptional()
  @integer('limit')
  limit?: number;

  @ApiPropertyOptional({ enum: ['forwards', 'backwards'], default: 'forwards' })
  @IsOptional()
  @IsIn(['forwards', 'backwards'], { message: 'direction must be forwards or backwards' })
  direction?: 'forwards' | 'backwards';
}

export class StateAtQueryDto {
  @ApiPropertyOptional({ minimum: -1, description: 'Fold up to this revision (inclusive); not with `at`' })
  @IsOptional()
  @integer('revision')
  revision?: number;

  @ApiPropertyOptional({ example: '2025-03-01T12:00:00Z', description: 'Fold the events recorded at or before' })
  @IsOptional()
  @text('at')
  at?: string;
}

export class ReplayQueryDto {
  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @integer('fromRevision')
  fromRevision?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @integer('toRevision')
  toRevision?: number;
}
