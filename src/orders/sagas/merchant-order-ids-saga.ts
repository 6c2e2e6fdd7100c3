import { Injectable } from '@nestjs/common';
import { ofType, type IEvent } from '@nestjs/cqrs';
import { map, merge, type Observable } from 'rxjs';
import { DurableSaga } from '../../cqrs/durable-saga.decorator.js';
import {
  OrderImportedEvent,
  OrderReimportedEvent,
  OrderResynchronisationRequestedEvent,
} from '../events/order-event-classes.js';
import { sagaMetadata } from '../integration/reaction-metadata.js';
import { SendMerchantOrderIds } from '../integration/send-merchant-order-ids.js';

const SAGA = 'merchant-order-ids';

/** moi (lengow-api.md §7): after every creation of shop orders, and when the operator re-synchronises. */
@Injectable()
export class MerchantOrderIdsSaga {
  @DurableSaga(OrderImportedEvent, OrderReimportedEvent, OrderResynchronisationRequestedEvent)
  sendMerchantOrderIds = (events$: Observable<IEvent>) =>
    merge(
      events$.pipe(
        ofType(OrderImportedEvent, OrderReimportedEvent),
        map((event) => ({ event, key: event.data.merchantOrderIds.key })),
      ),
      events$.pipe(
        ofType(OrderResynchronisationRequestedEvent),
        map((event) => ({ event, key: event.data.key })),
      ),
    ).pipe(map(({ event, key }) => new SendMerchantOrderIds(event.stream, key, sagaMetadata(event, SAGA, 'moi'))));
}
