/** Lua worker entry: runs user scripts in wasmoon, talks to the page through comlink. */
import { expose } from 'comlink';
import wasmUrl from 'wasmoon/dist/glue.wasm?url';
import { registerErrorTransfer } from './shared/comlink-errors';
import { createLuaService } from './lua/service';
import { APP_VERSION } from '../src/core/version';

registerErrorTransfer();
expose(createLuaService(wasmUrl, APP_VERSION));
