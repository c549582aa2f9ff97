/**
 * The parts of the worker clients the UI state uses. State classes take these narrow types so
 * tests can hand them fakes; the composition root hands them the real comlink remotes.
 */
import type { Remote } from 'comlink';
import type { DeviceWorkerApi } from '../../workers/device/api';
import type { LuaWorkerApi } from '../../workers/lua/api';

/** The device worker as the UI state calls it. */
export type DeviceClient = Pick<
  Remote<DeviceWorkerApi>,
  'hello' | 'parseFile' | 'saveFile' | 'checksum' | 'cancel'
>;

/** The Lua worker as the UI state calls it. */
export type LuaClient = Pick<Remote<LuaWorkerApi>, 'hello' | 'evaluate'>;

/** A monotonic clock in milliseconds (`performance.now` in the app). */
export type Clock = () => number;
