import { metadataCausedBy } from './event-metadata.js';

describe('metadataCausedBy', () => {
  it('starts a correlation at a message without one', () => {
    expect(metadataCausedBy({ id: 'cmd-1' }, 'operator:alice')).toEqual({
      correlationId: 'cmd-1',
      causationId: 'cmd-1',
      actor: 'operator:alice',
    });
  });

  it('keeps the correlation of the cause and points at the cause', () => {
    expect(metadataCausedBy({ id: 'evt-7', correlationId: 'poll-3' }, 'saga:ship')).toEqual({
      correlationId: 'poll-3',
      causationId: 'evt-7',
      actor: 'saga:ship',
    });
  });
});
