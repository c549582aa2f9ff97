/**
 * Faults on demand for a simulated probe: everything a host must survive on real hardware.
 * Each switch acts on the layer where the fault really happens (USB, SWD wire, DP, flash
 * controller, reset line).
 */
import type { SwDp } from './adi/sw-dp';
import { ACK } from './adi/swd-wire';
import type { SimulatedChip } from './chips/simulated-chip';
import type { Stm32FlashError } from './chips/stm32f4-flash';
import type { SimUsbDevice } from './usb/sim-usb-device';

/** SWD acknowledgements a test can force. */
export type ForcedAck = 'WAIT' | 'FAULT' | 'NO_ACK';

/** The fault switches of one simulated probe. */
export interface SimulatedFaults {
  /** The `n`-th USB transfer from now (1 = the next) fails and the probe is unplugged. */
  unplugAtTransfer(n: number): void;
  /** The probe is unplugged as soon as anything writes to `[address, address + length)`. */
  unplugOnWrite(address: number, length?: number): void;
  /** The next `count` SWD packets answer `ack` (FAULT also sets CTRL/STAT.STICKYERR). */
  swdAck(ack: ForcedAck, count?: number): void;
  /** The SW-DP loses line synchronisation: NO_ACK until the host sends a line reset. */
  loseSwdSync(): void;
  /** A stale response is left in the probe's IN pipe (DAPLink issue #1089). */
  staleResponse(): void;
  /** The next flash program/erase fails (STM32: SR error bit, default WRPERR; nRF: silently). */
  flashError(kind?: Stm32FlashError): void;
  /** Something outside the probe holds nRESET low (true) or lets go (false). */
  holdInReset(held: boolean): void;
  /** claimInterface fails as if another tab or program owned the probe. */
  claimedElsewhere(on: boolean): void;
}

/** Wires the fault switches to a probe's layers. */
export function createFaults(device: SimUsbDevice, chip: SimulatedChip, dp: SwDp): SimulatedFaults {
  return {
    unplugAtTransfer(n) {
      device.faults.unplugAtTransfer = device.usbTransfers + Math.max(1, Math.floor(n));
    },
    unplugOnWrite(address, length = 4) {
      const start = address >>> 0;
      chip.bus.writeObserver = (a, size) => {
        if (a < start + length && a + size > start) {
          chip.bus.writeObserver = undefined;
          device.unplug();
        }
      };
    },
    swdAck(ack, count = 1) {
      dp.forceAck(ACK[ack], count);
    },
    loseSwdSync() {
      dp.loseSync();
    },
    staleResponse() {
      device.injectStaleResponse();
    },
    flashError(kind) {
      chip.failNextFlashOperation(kind);
    },
    holdInReset(held) {
      dp.setExternalReset(held);
    },
    claimedElsewhere(on) {
      device.faults.claimedElsewhere = on;
    },
  };
}
