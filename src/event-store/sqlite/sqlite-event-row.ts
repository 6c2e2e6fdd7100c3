/** A stored event as the SQLite store reads it in raw (array) mode: cheaper than one object per row when replaying. */
export type SqliteEventRow = [
  position: number,
  eventId: string,
  stream: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
];
