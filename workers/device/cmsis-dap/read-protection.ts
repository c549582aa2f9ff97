/**
 * Read-out protection that leaves the ROM table readable (STM32 RDP level 1): the chip is
 * identified and its script describes the flash, but every debug read of the flash faults.
 * One read of the first word of the main flash tells; a fault there becomes DEVICE_LOCKED
 * with the address, before any script entry touches the flash (which would lock the core up).
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import type { Region } from '../../../src/core/memory/region';
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
