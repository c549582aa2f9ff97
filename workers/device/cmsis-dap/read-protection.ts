/**
 * Read protection that leaves the ROM table readable, told apart from other failures: STM32
 * RDP level 1 (the chip is identified and its script describes the flash, but every debug read
 * of the flash faults: one read of the first word of the main flash tells, before any script
 * entry touches the flash and locks the core up) and the SAM D21's security bit (only the
 * DSU's external registers and ROM table answer: halting the core faults).
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import type { Region } from '../../../src/core/memory/region';
import type { CortexM } from './cortex-m';
import type { MemAp } from './mem-ap';

/**
 * Throws DEVICE_LOCKED when the debugger cannot read the first word of the main (first flash)
 * region although the chip was identified: read-out protection that leaves the debug port and
 * the ROM table reachable (STM32F1 / STM32G0 RDP level 1, nRF51 PALL). Other failures (a lost
 * link) pass through as they are.
 */
export async function requireReadableFlash(ap: MemAp, regions: readonly Region[]): Promise<void> {
  const region = regions.find((r) => r.kind === 'flash');
  if (region === undefined) return;
  try {
    await ap.read32(region.base);
  } catch (error) {
    if (!(error instanceof WebProgError && error.code === 'DEVICE_FAULT')) throw error;
    throw new WebProgError(
      'DEVICE_LOCKED',
      `The chip refuses debug reads of its flash (${region.name} at ${formatAddress(region.base)}): read-out protection is on. Unlocking (mass erase) clears the protection and erases the flash.`,
      { address: region.base, cause: error },
    );
  }
}

/**
 * Halts the core; a fault doing so (the ROM table answered, the core's debug registers do not:
 * a SAM D21 with its security bit set) becomes DEVICE_LOCKED.
 */
export async function haltOrLocked(cpu: CortexM, romTable: number): Promise<void> {
  try {
    await cpu.halt();
  } catch (error) {
    if (!(error instanceof WebProgError && error.code === 'DEVICE_FAULT')) throw error;
    throw new WebProgError(
      'DEVICE_LOCKED',
      `The chip answers only through its ROM table at ${formatAddress(romTable)}: its core refuses the debugger, so it is protected (a SAM D21's security bit, for one). Unlocking (chip erase) clears the protection and erases the flash.`,
      { cause: error },
    );
  }
}
