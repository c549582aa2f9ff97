/**
 * Device worker entry. It will own every USB/serial handle and the flash engine; the page
 * talks to it only through comlink and the types in `device/api.ts`.
 */
import { expose } from 'comlink';
import { registerErrorTransfer } from './shared/comlink-errors';
import { createDeviceService } from './device/service';

registerErrorTransfer();
expose(createDeviceService());
