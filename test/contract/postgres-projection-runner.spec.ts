import { openPostgresEventStore } from '../support/postgres-event-store.js';
import { checkPostgres, describeWithService } from '../support/services.js';
import { projectionRunnerContract } from './projection-runner.contract.js';

const postgres = await checkPostgres();

describeWithService(postgres, 'PostgreSQL projection runner', () => {
  // A fresh schema per test holds both the event store and the read model, as in a PostgreSQL deployment.
  projectionRunnerContract('PostgreSQL', async () => {
    const { store, db, cleanup } = await openPostgresEventStore('proj');
    return { store, db, cleanup };
  });
});
