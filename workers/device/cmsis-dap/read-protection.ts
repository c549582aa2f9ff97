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
import type { SyscallHost } from './script-runner';

/** Throws DEVICE_LOCKED when the debugger cannot read the first word of `region`. */
export async function requireReadableFlash(host: SyscallHost, region: Region | undefined): Promise<void> {
  if (region === undefined) return;
  if ((await host.safeRead(region.base)) !== undefined) return;
  throw new WebProgError(
    'DEVICE_LOCKED',
    `The chip refuses debug reads of its flash (${region.name} at ${formatAddress(region.base)}): read-out protection is on. Unlocking clears the protection and erases the flash.`,
    { address: region.base },
  );
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
