import { ProjectionFailedError } from '../../../event-store/projections/projection-failed.error.js';
import { StoppedError } from '../../../event-store/projections/stopped.error.js';
import { fromWorkerError, toWorkerError } from './overview-worker-protocol.js';

/** What the engine's thread gets for an error the worker's thread threw (the message is copied structurally). */
const crossed = (error: unknown) => fromWorkerError(structuredClone(toWorkerError(error)));

describe('the worker error round-trip', () => {
  it('keeps the class of the runner’s errors, with their fields, so callers can tell them apart', () => {
    const failed = crossed(new ProjectionFailedError('order-overview', 'poison event', '00000000000000000042'));
    expect(failed).toBeInstanceOf(ProjectionFailedError);
    expect(failed).toMatchObject({
      name: 'ProjectionFailedError',
      message: 'projection order-overview stopped: poison event',
      projection: 'order-overview',
      failedPosition: '00000000000000000042',
    });
    expect(crossed(new StoppedError('projection order-overview'))).toBeInstanceOf(StoppedError);
  });

  it('leaves any other error a plain Error with its name and message', () => {
    const other = crossed(Object.assign(new TypeError('bad'), { code: 'E_BAD' }));
    expect(other).not.toBeInstanceOf(TypeError);
    expect(other).toMatchObject({ name: 'TypeError', message: 'bad', code: 'E_BAD' });
    expect(crossed('a string')).toMatchObject({ name: 'Error', message: 'a string' });
  });
});
