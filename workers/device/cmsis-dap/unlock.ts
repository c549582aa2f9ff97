/**
 * Unlocking read-protected chips by mass erase, the only way their vendors allow: the Nordic
 * nRF52 CTRL-AP (ERASEALL, poll ERASEALLSTATUS, pulse RESET) and the nRF51 NVMC ERASEALL
 * through the MEM-AP (its peripherals stay reachable when code memory is protected).
 */
import { WebProgError } from '../../../src/core/errors';
import type { MemAp } from './mem-ap';

/** IDR of Nordic's CTRL-AP (nRF52 family). */
export const NORDIC_CTRL_AP_IDR = 0x02880000;

const CTRL_AP = { RESET: 0x00, ERASEALL: 0x04, ERASEALLSTATUS: 0x08, APPROTECTSTATUS: 0x0c } as const;
const NVMC = { READY: 0x4001e400, CONFIG: 0x4001e504, ERASEALL: 0x4001e50c } as const;

/** Finds the access port whose IDR is `idr` among the first `count` APs. */
export async function findAp(ap: MemAp, idr: number, count = 4): Promise<number | undefined> {
  for (let apsel = 0; apsel < count; apsel++) {
    const value = await ap.readApAt(apsel, 0xfc).catch(() => 0);
    if (value >>> 0 === idr >>> 0) return apsel;
  }
  return undefined;
}

/**
 * Mass-erases and unlocks the chip behind `ap`. Returns how it was done. Throws NOT_SUPPORTED
 * ("Not Supported: …") when no unlock sequence is known for the chip.
 */
export async function unlockChip(
  ap: MemAp,
  dpidr: number,
  now: () => number = Date.now,
): Promise<'nrf52-ctrl-ap' | 'nrf51-nvmc'> {
  const ctrlAp = await findAp(ap, NORDIC_CTRL_AP_IDR);
  if (ctrlAp !== undefined) {
    await ap.writeApAt(ctrlAp, CTRL_AP.ERASEALL, 1);
    const deadline = now() + 15_000;
    while ((await ap.readApAt(ctrlAp, CTRL_AP.ERASEALLSTATUS)) !== 0) {
      if (now() > deadline)
        throw new WebProgError('TIMEOUT', 'The chip did not finish its mass erase within 15 s.');
    }
    await ap.writeApAt(ctrlAp, CTRL_AP.RESET, 1);
    await ap.writeApAt(ctrlAp, CTRL_AP.RESET, 0);
    await ap.writeApAt(ctrlAp, CTRL_AP.ERASEALL, 0);
    return 'nrf52-ctrl-ap';
  }
  // nRF51 (Cortex-M0 SW-DP): NVMC ERASEALL through memory writes.
  if (dpidr >>> 0 === 0x0bb11477) {
    await ap.write32(NVMC.CONFIG, 2);
    await ap.write32(NVMC.ERASEALL, 1);
    const deadline = now() + 15_000;
    while ((await ap.read32(NVMC.READY)) === 0) {
      if (now() > deadline)
        throw new WebProgError('TIMEOUT', 'The chip did not finish its mass erase within 15 s.');
    }
    await ap.write32(NVMC.CONFIG, 0);
    return 'nrf51-nvmc';
  }
  throw new WebProgError('NOT_SUPPORTED', 'Not Supported: WebProg knows no unlock sequence for this chip.');
}
