import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { redactEventStoreDbUrl } from '../../src/event-store/eventstoredb/validate-eventstoredb-url.js';
import { eventStoreContract } from './event-store.contract.js';

/*
 * The shared contract against a real EventStoreDB, e.g. `docker compose up -d eventstoredb` and
 * EVENTSTOREDB_URL=esdb://127.0.0.1:2113?tls=false. The contract writes under a random stream prefix per run, so it can
 * run again and again against one server.
 *
 * Unlike the PostgreSQL suite this one skips even under CI=true when the variable is unset: the machines that run CI
 * here have no Docker engine and no EventStoreDB server, so an unset EVENTSTOREDB_URL is the normal case, not a
 * misconfiguration. Once the variable is set, an unreachable server fails the suite.
 *
 * Known gap: EventStoreDB has no index by event id, so the two contract tests that expect an id already stored in
 * *another* stream to be refused with EventIdConflict cannot pass on this adapter (see eventstoredb-event-store.ts).
 * Nor can the head position of an empty log be checked: every store on the server shares its log, which is never
 * empty (src/event-store/eventstoredb/eventstoredb-event-store.spec.ts checks it against the in-memory model).
 */
const NAME = 'EventStoreDB event store';
const url = process.env.EVENTSTOREDB_URL?.trim();

if (!url) {
  // stderr: Jest swallows console output of a file whose tests are all skipped.
  process.stderr.write(
    `SKIPPED "${NAME}": EVENTSTOREDB_URL is not set, so there is no EventStoreDB server to run the contract against ` +
      `(skipped under CI as well: these machines have no Docker engine). ` +
      `Run it with e.g. EVENTSTOREDB_URL='esdb://127.0.0.1:2113?tls=false' npm test -- test/contract/eventstoredb\n`,
  );
  describe.skip(NAME, () => {
    it('needs EVENTSTOREDB_URL', () => undefined);
  });
} else {
  const probe = new EventStoreDbEventStore(url, { healthTimeoutMs: 5_000 });
  const health = await probe.health();
  await probe.close();
  if (!health.ok) {
    describe(NAME, () => {
      it('needs a reachable server', () => {
        throw new Error(
          `EVENTSTOREDB_URL=${redactEventStoreDbUrl(url)} is set but the server does not answer: ${String(health.details?.error)}`,
        );
      });
    });
  } else {
    eventStoreContract(
      'EventStoreDB',
      async () => {
        const store = new EventStoreDbEventStore(url);
        return { store, cleanup: () => store.close() };
      },
      { globalEventIds: false, emptyLogPerStore: false },
    );
  }
}
