/**
 * Nordic's nRF52 CTRL-AP (IDR 0x02880000): RESET (0x000: 1 holds the chip in soft reset, 0
 * releases it), ERASEALL (0x004: write 1 to erase flash, UICR and RAM), ERASEALLSTATUS (0x008:
 * 1 while the erase runs), APPROTECTSTATUS (0x00C: 0 = the AHB-AP is locked out). This is how
 * a read-protected nRF52 is recovered (pyOCD/nrfjprog "recover", CortexProg nrf52_unlock).
 */
import type { VirtualClock } from '../clock';
import type { AccessPort } from './access-port';

/** IDR of Nordic's CTRL-AP. */
export const NORDIC_CTRL_AP_IDR = 0x02880000;

/** What the CTRL-AP controls on the chip. */
export interface CtrlApTarget {
  clock: VirtualClock;
  /** True while APPROTECT locks the AHB-AP out. */
  isProtected(): boolean;
  /** Erases flash, UICR and RAM; returns how long it takes in µs. */
  eraseAll(): number;
  /** Holds (true) or releases (false) the chip in reset. */
  setResetHeld(held: boolean): void;
}

/** The CTRL-AP. */
export class CtrlAp implements AccessPort {
  readonly idr = NORDIC_CTRL_AP_IDR;
  private resetValue = 0;
  private eraseAllValue = 0;
  private eraseDoneAt = 0;

  constructor(private readonly target: CtrlApTarget) {}

  stallUntil(): number {
    return 0;
  }

  read(register: number): number {
    switch (register) {
      case 0x000:
        return this.resetValue;
      case 0x004:
        return this.eraseAllValue;
      case 0x008:
        return this.target.clock.nowUs < this.eraseDoneAt ? 1 : 0;
      case 0x00c:
        return this.target.isProtected() ? 0 : 1;
      case 0x0fc:
        return this.idr;
      default:
        return 0;
    }
  }

  write(register: number, value: number): void {
    if (register === 0x000) {
      this.resetValue = value & 1;
      this.target.setResetHeld(this.resetValue === 1);
    } else if (register === 0x004) {
      this.eraseAllValue = value & 1;
      if (this.eraseAllValue === 1) this.eraseDoneAt = this.target.clock.nowUs + this.target.eraseAll();
    }
  }
}
