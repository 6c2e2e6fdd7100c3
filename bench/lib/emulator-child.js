/**
 * Child side of lengow-emulator.js: runs the standalone Lengow emulator (dist/sandbox/main.js, what `npm run sandbox`
 * starts) in its own process. The IPC channel closes when the bench process dies, however it dies (SIGKILL, crash),
 * so the emulator never outlives it; over the same channel it reports its CPU time.
 */
import { pathToFileURL } from 'node:url';

process.on('disconnect', () => process.exit(0));
process.on('message', (message) => {
  if (message === 'cpu') process.send({ cpu: process.cpuUsage() });
});

await import(pathToFileURL(process.env.BENCH_EMULATOR_MAIN).href);
