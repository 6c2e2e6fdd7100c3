import { HttpException, NotFoundException } from '@nestjs/common';
import { EventIdConflict } from '../event-store/event-ids.js';
import { WrongExpectedRevision } from '../event-store/wrong-expected-revision.error.js';
import { PayloadInvalid } from '../interfaces/catalogue/payload-invalid.error.js';
import { LengowRateLimited, LengowUnavailable } from '../lengow/lengow-errors.js';
import { StaleOrderRevision } from '../orders/commands/stale-order-revision.error.js';
import { OrderDomainError } from '../orders/domain/order-domain-error.js';
import { SettingsDomainError } from '../settings/domain/settings-error.js';
import { ShopError } from '../shop/shop-error.js';
import { OverviewFilterUnavailable } from '../orders/projections/overview-filter-unavailable.error.js';
import { errorToProblem } from './error-to-problem.js';

describe('errorToProblem', () => {
  it.each([
    ['ORDER_NOT_FOUND', 404],
    ['NO_FAILED_ACTION', 409],
    ['ACTION_STILL_OPEN', 409],
    ['NO_FAILED_STOCK_DECREMENT', 409],
    ['STOCK_ALREADY_DECREMENTED', 409],
    ['ORDER_NOT_IMPORTED', 409],
    ['REFUND_QUANTITY_EXCEEDED', 422],
    ['LINE_NOT_FOUND', 422],
    ['INVALID_TIMESTAMP', 400],
  ] as const)('maps order code %s to %i with the code and type', (code, status) => {
    const { problem, unexpected } = errorToProblem(new OrderDomainError(code, `because ${code}`));
    expect(problem).toMatchObject({ status, code, detail: `because ${code}` });
    expect(problem.type).toBe(`urn:lengow-sync:problem:${code.toLowerCase().replace(/_/g, '-')}`);
    expect(unexpected).toBe(false);
  });

  it('carries validation failures as errors[] with field names', () => {
    const { problem } = errorToProblem(
      new PayloadInvalid([
        { field: 'a', message: 'a must be a string' },
        { field: 'b.c', message: 'b.c is not a known field' },
      ]),
    );
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', title: 'Bad Request' });
    expect(problem.errors).toEqual([
      { field: 'a', message: 'a must be a string' },
      { field: 'b.c', message: 'b.c is not a known field' },
    ]);
  });

  it('answers 412 with the current revision as ETag for a stale order revision', () => {
    const { problem, headers } = errorToProblem(new StaleOrderRevision('order-x-1', 3, 5));
    expect(problem).toMatchObject({ status: 412, code: 'STALE_ORDER_REVISION', currentRevision: 5 });
    expect(headers).toEqual({ ETag: 'W/"5"' });
  });

  it('maps settings range errors to 422 naming the field, lost races to 409', () => {
    const range = errorToProblem(new SettingsDomainError('INVALID_SETTING', 'importWindowDays', 'out of range'));
    expect(range.problem).toMatchObject({ status: 422, errors: [{ field: 'importWindowDays' }] });
    expect(errorToProblem(new WrongExpectedRevision('s', 1, 2)).problem.status).toBe(409);
  });

  it('maps event ids already stored for another request (a reused Idempotency-Key) to 422, not a failure', () => {
    const mapped = errorToProblem(
      new EventIdConflict('order-x', ['id-1'], 'event ids already stored in another stream'),
    );
    expect(mapped.unexpected).toBe(false);
    expect(mapped.problem).toMatchObject({ status: 422, code: 'EVENT_ID_CONFLICT' });
    expect(mapped.problem.detail).not.toContain('order-x');
  });

  it('asks to retry a filter on a column the overview gains with the rebuild still under way', () => {
    const waiting = errorToProblem(new OverviewFilterUnavailable('stockState', 'stock_state'));
    expect(waiting.problem).toMatchObject({
      status: 503,
      code: 'OVERVIEW_FILTER_UNAVAILABLE',
      errors: [{ field: 'query.stockState' }],
    });
    expect(waiting.headers).toEqual({ 'Retry-After': '10' });
  });

  it('maps Lengow and shop failures, with Retry-After when Lengow gave one', () => {
    const limited = errorToProblem(new LengowRateLimited('slow down', 'orders', 3500));
    expect(limited.problem.status).toBe(503);
    expect(limited.headers).toEqual({ 'Retry-After': '4' });
    expect(errorToProblem(new LengowUnavailable('down', 'orders', 'timeout', 3)).problem.status).toBe(503);
    const unknown = errorToProblem(ShopError.of('UNKNOWN_ORDER', 'order 9 does not exist'));
    expect(unknown.problem).toMatchObject({ status: 404, code: 'UNKNOWN_ORDER' });
  });

  it('maps router refusals by their Fastify code', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      name: 'FastifyError',
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    expect(errorToProblem(new HttpException('x', 413, { cause: tooLarge })).problem).toMatchObject({
      status: 413,
      code: 'BODY_TOO_LARGE',
    });
    expect(errorToProblem(new NotFoundException('Cannot GET /x')).problem).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      detail: 'Cannot GET /x',
    });
  });

  it('hides anything unforeseen behind a generic 500, flagged for the log', () => {
    const { problem, unexpected } = errorToProblem(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(unexpected).toBe(true);
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(JSON.stringify(problem)).not.toContain('undefined');
    expect(errorToProblem('a string thrown').unexpected).toBe(true);
  });
});
