// Run as a process of its own by lengow-transport-thread.spec.ts: one request through a transport thread that is
// never closed. The process must still end once the answer is in.
import { LengowTransportThread } from '../lengow-transport-thread.js';

const thread = new LengowTransportThread();
const response = await thread.transport(process.argv[2], { method: 'GET', headers: {}, timeoutMs: 5_000 });
process.stdout.write(`${response.status} ${await response.text()}\n`);
