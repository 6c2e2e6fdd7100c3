import {
  deterministicEventId,
  EventIdConflict,
  InvalidEventStoreInput,
  isEventId,
  newEventId,
  prepareAppends,
  resolveRetry,
  type StoredEventRef,
} from './event-ids.js';

describe('event ids', () => {
  it('makes random UUIDs, and deterministic ones that depend on every part', () => {
    expect(isEventId(newEventId())).toBe(true);
    expect(newEventId()).not.toBe(newEventId());
    const id = deterministicEventId('cmd-1', 0);
    expect(isEventId(id)).toBe(true);
    expect(id[14]).toBe('5');
    expect(deterministicEventId('cmd-1', 0)).toBe(id);
    expect(deterministicEventId('cmd-1', 1)).not.toBe(id);
    expect(deterministicEventId('cmd-10')).not.toBe(deterministicEventId('cmd-1', 0));
  });

  it('treats an empty batch as nothing to do', () => {
    expect(prepareAppends([])).toEqual([]);
  });

  it('prepares appends: assigns and lower-cases ids, serialises data once, defaults to any', () => {
    const events = [
      { id: 'A0A0A0A0-0000-4000-8000-000000000000', type: 'T', data: { a: 1 } },
      { type: 'U', data: {} },
    ];
    const [prepared] = prepareAppends([{ stream: 's', events }]);
    expect(prepared.expectedRevision).toBe('any');
    expect(prepared.events[0]).toEqual({
      id: 'a0a0a0a0-0000-4000-8000-000000000000',
      type: 'T',
      data: '{"a":1}',
      metadata: '{}',
      source: events[0],
    });
    expect(isEventId(prepared.events[1].id)).toBe(true);
  });

  it.each([
    ['appends that are not an array', { stream: 's', events: [{ type: 'T', data: {} }] }],
    ['no events', [{ stream: 's', events: [] }]],
    ['empty stream name', [{ stream: '', events: [{ type: 'T', data: {} }] }]],
    ['NUL in stream name', [{ stream: 'a\u0000b', events: [{ type: 'T', data: {} }] }]],
    ['lone surrogate in type', [{ stream: 's', events: [{ type: 'T\ud800', data: {} }] }]],
    ['stream name too long', [{ stream: 'x'.repeat(513), events: [{ type: 'T', data: {} }] }]],
    ['non-uuid id', [{ stream: 's', events: [{ id: 'nope', type: 'T', data: {} }] }]],
    ['null data', [{ stream: 's', events: [{ type: 'T', data: null }] }]],
    ['array metadata', [{ stream: 's', events: [{ type: 'T', data: {}, metadata: [] }] }]],
    ['circular data', [{ stream: 's', events: [{ type: 'T', data: circular() }] }]],
    ['fractional revision', [{ stream: 's', expectedRevision: 1.5, events: [{ type: 'T', data: {} }] }]],
    [
      'id reused across appends of one call',
      [
        { stream: 's', events: [{ id: 'a0a0a0a0-0000-4000-8000-000000000000', type: 'T', data: {} }] },
        { stream: 't', events: [{ id: 'A0A0A0A0-0000-4000-8000-000000000000', type: 'T', data: {} }] },
      ],
    ],
  ])('refuses %s', (_, appends) => {
    expect(() => prepareAppends(appends as never)).toThrow(InvalidEventStoreInput);
  });

  it('keeps event data out of its error messages', () => {
    const secret = 'sk_live_do_not_log';
    try {
      prepareAppends([{ stream: 's', events: [{ type: 'T', data: { secret, n: 1n } as never }] }]);
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventStoreInput);
      expect((error as Error).message).not.toContain(secret);
    }
  });

  describe('resolveRetry', () => {
    const [append] = prepareAppends([
      {
        stream: 's',
        events: [
          { id: '00000000-0000-4000-8000-000000000001', type: 'T', data: {} },
          { id: '00000000-0000-4000-8000-000000000002', type: 'T', data: {} },
        ],
      },
    ]);
    const ref = (n: number, stream: string, revision: number): [string, StoredEventRef] => {
      const id = `00000000-0000-4000-8000-00000000000${n}`;
      return [id, { id, stream, revision, position: `p${revision}` }];
    };

    it('is undefined when no id is stored, the original result when all are, in order', () => {
      expect(resolveRetry(append, new Map())).toBeUndefined();
      expect(resolveRetry(append, new Map([ref(1, 's', 4), ref(2, 's', 5)]))).toEqual({
        nextExpectedRevision: 5,
        position: 'p5',
      });
    });

    it('is an EventIdConflict for a partial match, another stream or another order', () => {
      for (const stored of [
        new Map([ref(1, 's', 4)]),
        new Map([ref(1, 't', 4), ref(2, 't', 5)]),
        new Map([ref(1, 's', 5), ref(2, 's', 4)]),
      ]) {
        expect(() => resolveRetry(append, stored)).toThrow(EventIdConflict);
      }
    });
  });
});

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  value.self = value;
  return value;
}
