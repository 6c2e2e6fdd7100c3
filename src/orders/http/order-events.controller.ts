import { Controller, Headers, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Observable } from 'rxjs';
import { QueryValidationPipe } from '../../http/query-validation.pipe.js';
import { RequireRole } from '../../http/require-role.decorator.js';
import { OrderChangeStream } from './order-change-stream.js';
import { OrderReadSide } from './order-read-side.js';

export class OrderEventsQuery {
  @ApiPropertyOptional({
    description:
      'Start strictly after this global position (e.g. the `lastPosition` of an overview row); ' +
      'a `Last-Event-ID` header wins over it',
  })
  @IsOptional()
  @IsString({ message: 'from must be a position' })
  @MaxLength(100, { message: 'from must be at most 100 characters' })
  from?: string;
}

/** Server-Sent Events of order changes, resumable with `Last-Event-ID`. */
@ApiTags('orders')
@RequireRole('viewer')
@Controller('api/orders')
export class OrderEventsController {
  constructor(
    private readonly changes: OrderChangeStream,
    private readonly readSide: OrderReadSide,
  ) {}

  @Sse('events')
  @ApiOperation({
    summary: 'Live order changes (Server-Sent Events)',
    description:
      'Each message is `event: order-changed`, `id: <global position>`, `data: {position, stream, marketplace, ' +
      'marketplaceOrderId, revision, type, recordedAt}`. Reconnecting with `Last-Event-ID` (EventSource does it) ' +
      'resumes right after that event. Without a position the stream starts at the newest event (or where the ' +
      'overview stands, on stores that do not report their newest event). ' +
      'Comment lines are heartbeats.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id (position)' })
  @ApiOkResponse({ description: 'text/event-stream of order-changed messages' })
  async events(
    @Query(QueryValidationPipe) query: OrderEventsQuery,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<Observable<MessageEvent>> {
    const resumeAt = lastEventId?.trim() || undefined;
    if (resumeAt !== undefined) {
      await this.changes.checkPosition(resumeAt, 'header.last-event-id');
      return this.changes.changes(resumeAt);
    }
    if (query.from !== undefined) {
      await this.changes.checkPosition(query.from, 'query.from');
      return this.changes.changes(query.from);
    }
    // The store's newest event when it reports one (SQLite), else what the overview reflects (it scans every event).
    return this.changes.changes((await this.changes.head()) ?? this.readSide.overviewPosition());
  }
}
