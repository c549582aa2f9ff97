// A Lua worker for Node tests and benchmarks: the real Lua service on a worker_threads
// thread, spoken to through comlink's Node adapter. TypeScript is compiled by tsx.
import { register } from 'tsx/esm/api';

register();
await import('./node-lua-worker-main.ts');
