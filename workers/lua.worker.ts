/** Lua worker entry: runs user scripts in wasmoon, talks to the page through comlink. */
import { expose } from 'comlink';
import wasmUrl from 'wasmoon/dist/glue.wasm?url';
import { registerTransferHandlers } from './shared/comlink-setup';
import { createLuaService } from './lua/service';
import { APP_VERSION } from '../src/core/version';

registerTransferHandlers();
expose(createLuaService({ wasmUrl, version: APP_VERSION }));
