/** Body of `node-lua-worker.mjs`: exposes the Lua service on the port the parent passed. */
import { expose } from 'comlink';
import { workerData } from 'node:worker_threads';
import { registerTransferHandlers } from '../../shared/comlink-setup';
import { createLuaService } from '../service';

registerTransferHandlers();
const { port } = workerData as { port: Parameters<typeof expose>[1] };
expose(createLuaService({ version: 'node-test' }), port);
