// Loaded with --import by worker threads started on TypeScript sources during tests (src/common/start-module-worker.ts).
import { register } from 'node:module';

register(new URL('./ts-worker-hooks.mjs', import.meta.url));
