import { orderEvent } from './order-events.js';
import {
  actionSent,
  importedHistory,
  later,
  shipAttempt,
  shipRequestedHistory,
  shipSentHistory,
  spec,
} from './testing/order-scenario.js';

describe('RecordActionSent', () => {
  it('records the Lengow action id of a posted attempt (ShipActionSent)', () => {
    spec
      .given(shipRequestedHistory())
      .when(actionSent(shipAttempt('DM-1')))
      .then([
        orderEvent('ActionSent', {
          actionType: 'ship',
          attemptKey: shipAttempt('DM-1'),
          lengowActionId: '5001',
          via: 'posted',
          at: later(12),
        }),
      ]);
  });

  it('records an action adopted by the duplicate guard', () => {
    const [event] = spec
      .given(shipRequestedHistory())
      .when(actionSent(shipAttempt('DM-1'), '4999', later(12), 'adopted'))
      .events();
    expect(event?.type === 'ActionSent' && event.data.via).toBe('adopted');
  });

  it('is a no-op for the same id and refuses another id for the same attempt', () => {
    spec
      .given(shipSentHistory())
      .when(actionSent(shipAttempt('DM-1'), '5001', later(13)))
      .thenNothingHappened();
    spec
      .given(shipSentHistory())
      .when(actionSent(shipAttempt('DM-1'), '6000', later(13)))
      .thenThrows('ACTION_ID_CONFLICT');
  });

  it('refuses unknown attempts and blank ids', () => {
    spec.given(shipRequestedHistory()).when(actionSent('nope')).thenThrows('ACTION_NOT_FOUND');
    spec
      .given(shipRequestedHistory())
      .when(actionSent(shipAttempt('DM-1'), ' '))
      .thenThrows('INVALID_COMMAND');
    spec
      .given(importedHistory())
      .when(actionSent(shipAttempt('DM-1')))
      .thenThrows('ACTION_NOT_FOUND');
  });
});
