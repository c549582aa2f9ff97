/** The hardware-write gate of a device's debug requests (special scripts' raw access). */
import { debugRequestWrites, describeDebugWrite, type DebugRequest } from './debug-api';
import { requireWrites } from './segments';

/**
 * The hardware-write gate for the debug requests of one device, with the one thing it must
 * remember: whether a script has set a core register since the core's last reset. Running the
 * core from there (`go`, `step`) runs code the script chose, which can erase or program the
 * flash through its controller like a direct write, so it is gated (and confirmed) like one;
 * resuming or stepping the chip's own program is not. A register set counts from the moment
 * it is asked for (even if it then fails), and a `reset` ends it.
 */
export class DebugWriteGate {
  private registersSet = false;

  /** True when `request` may change what the chip holds (and needs writes allowed). */
  writes(request: DebugRequest): boolean {
    if (request.op === 'go' || request.op === 'step') return this.registersSet;
    return debugRequestWrites(request);
  }

  /**
   * Checks `request` against the gate (throws `WRITES_NOT_ALLOWED` unless `allowWrites`) and
   * notes what it changes; call before carrying it out.
   */
  check(request: DebugRequest, allowWrites: boolean | undefined): void {
    if (this.writes(request)) requireWrites(allowWrites, describeDebugWrite(request));
    if (request.op === 'reg_set') this.registersSet = true;
  }

  /** Notes a request that was carried out (a reset ends what the registers were set up for). */
  done(request: DebugRequest): void {
    if (request.op === 'reset') this.registersSet = false;
  }
}
