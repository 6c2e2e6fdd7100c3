import type { SqliteEventRow } from './sqlite-event-row.js';
import { StreamHeads } from './stream-heads.js';

let position = 0;
const row = (stream: string, revision: number): SqliteEventRow => [
  ++position,
  `id-${position}`,
  stream,
  revision,
  'A',
  '{}',
  '{}',
  '2026-11-26T00:00:00.000Z',
];
const revisions = (rows: SqliteEventRow[] | null) => rows?.map((r) => r[3]) ?? null;

describe('StreamHeads', () => {
  const roomy = { streams: 10, eventsPerStream: 4 };

  it('knows a stream written from its first event, whole, and what lies past its head (nothing)', () => {
    const heads = new StreamHeads(roomy);
    heads.add([row('a', 0), row('b', 0), row('a', 1)]);
    expect(revisions(heads.forwards('a', 0, -1))).toEqual([0, 1]);
    expect(revisions(heads.forwards('a', 1, -1))).toEqual([1]);
    expect(revisions(heads.forwards('a', 0, 1))).toEqual([0]);
    expect(heads.forwards('a', 2, -1)).toEqual([]);
    expect(heads.forwards('a', 9, -1)).toEqual([]);
    expect(heads.forwards('unknown', 0, -1)).toBeNull();
  });

  it('keeps the last events of a stream only, and declines reads from before them', () => {
    const heads = new StreamHeads(roomy);
    heads.add([0, 1, 2, 3, 4, 5].map((r) => row('a', r)));
    expect(revisions(heads.forwards('a', 2, -1))).toEqual([2, 3, 4, 5]);
    expect(heads.forwards('a', 1, -1)).toBeNull();
  });

  it('restarts a stream from an append that does not follow on (another writer’s events in between)', () => {
    const heads = new StreamHeads(roomy);
    heads.add([row('a', 0), row('a', 1)]);
    heads.add([row('a', 4)]);
    expect(heads.forwards('a', 2, -1)).toBeNull();
    expect(revisions(heads.forwards('a', 4, -1))).toEqual([4]);
    expect(heads.forwards('a', 5, -1)).toEqual([]);
  });

  it('forgets the least recently written streams beyond its capacity, and everything when cleared', () => {
    const heads = new StreamHeads({ streams: 2, eventsPerStream: 4 });
    heads.add([row('a', 0), row('b', 0)]);
    heads.add([row('a', 1)]);
    heads.add([row('c', 0)]);
    expect(heads.forwards('b', 0, -1)).toBeNull();
    expect(revisions(heads.forwards('a', 0, -1))).toEqual([0, 1]);
    heads.clear();
    expect(heads.forwards('a', 0, -1)).toBeNull();
  });
});
