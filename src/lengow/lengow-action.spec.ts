import { classifyAction, normaliseActionErrors, parseActionResource } from './lengow-action.js';

describe('classifyAction (lengow-api.md §5 table)', () => {
  it.each([
    [true, false, [], 'queued'],
    [true, true, ['boom'], 'queued'],
    [false, false, [], 'waiting_marketplace'],
    [false, true, [], 'accepted'],
    [false, false, ['carrier is required'], 'refused'],
    [false, true, ['carrier is required'], 'refused'],
    [null, null, [], 'queued'],
    [null, true, [], 'accepted'],
  ] as const)('queued=%s processed=%s errors=%j → %s', (queued, processed, errors, state) => {
    expect(classifyAction({ queued, processed, errors: [...errors] }).state).toBe(state);
  });

  it('hands the refusal over verbatim', () => {
    expect(classifyAction({ queued: false, processed: true, errors: ['Invalid tracking number'] })).toEqual({
      state: 'refused',
      errors: ['Invalid tracking number'],
    });
  });
});

describe('normaliseActionErrors', () => {
  it.each([
    [null, []],
    [undefined, []],
    ['', []],
    ['  ', []],
    [[], []],
    [{}, []],
    ['Refused', ['Refused']],
    [
      ['a', '', ['b']],
      ['a', 'b'],
    ],
    [{ carrier: ['required'] }, ['{"carrier":["required"]}']],
    [42, ['42']],
  ])('%j → %j', (value, expected) => {
    expect(normaliseActionErrors(value)).toEqual(expected);
  });
});

describe('parseActionResource', () => {
  it('reads an action resource and keeps it raw', () => {
    const raw = {
      id: '12',
      marketplace: 'Amazon_FR',
      queued: 'False',
      processed: false,
      errors: null,
      line: 3,
      action_type: 'ship',
      carrier: 'DHL',
    };
    expect(parseActionResource(raw)).toEqual({
      id: 12,
      marketplaceOrderId: null,
      marketplace: 'amazon_fr',
      accountId: null,
      actionType: 'ship',
      line: '3',
      queued: false,
      processed: false,
      errors: [],
      createdAt: null,
      updatedAt: null,
      raw,
    });
  });

  it.each([[null], [[]], [{}], [{ id: 'abc' }], [{ id: 1.5 }]])('has no action without a usable id: %j', (raw) => {
    expect(parseActionResource(raw)).toBeNull();
  });
});
