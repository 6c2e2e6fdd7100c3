import { Injectable } from '@nestjs/common';
import { ofType, type IEvent } from '@nestjs/cqrs';
import { map, mergeMap, type Observable } from 'rxjs';
import { DurableSaga } from '../../cqrs/durable-saga.decorator.js';
import { ActionRequestedEvent, LengowStatusChangedEvent } from '../events/order-event-classes.js';
import { ApplyLengowStatusToShop } from '../integration/apply-lengow-status-to-shop.js';
import { PostLengowAction } from '../integration/post-lengow-action.js';
import { sagaMetadata } from '../integration/reaction-metadata.js';

const SAGA = 'lengow-actions';

/**
 * Both directions with Lengow: each requested action attempt is posted once (the result poller reads the outcome),
 * and a new Lengow status moves the shop orders where the plugins do.
 */
@Injectable()
export class LengowActionSagas {
  @DurableSaga(ActionRequestedEvent)
  postRequestedActions = (events$: Observable<IEvent>) =>
    events$.pipe(
      ofType(ActionRequestedEvent),
      mergeMap((event) =>
        (event.data.actions ?? []).map(
          (action) =>
            new PostLengowAction(
              event.stream,
              action.attemptKey,
              sagaMetadata(event, SAGA, `post:${action.attemptKey}`),
            ),
        ),
      ),
    );

  @DurableSaga(LengowStatusChangedEvent)
  applyLengowStatus = (events$: Observable<IEvent>) =>
    events$.pipe(
      ofType(LengowStatusChangedEvent),
      map(
        (event) =>
          new ApplyLengowStatusToShop(
            event.stream,
            event.data.lengowStatus,
            event.data.marketplaceStatus,
            sagaMetadata(event, SAGA, 'shop-state'),
          ),
      ),
    );
}
