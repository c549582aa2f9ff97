/**
 * The writer's estimate of how long the flasher stub works on each FLASH_DEFL_DATA block after
 * replying to it, so that it knows when a second block may be on the wire without finding both
 * of the stub's frame buffers taken (esp-flasher-stub `slip.c` drops the bytes of a frame that
 * arrives then).
 *
 * It follows what the stub does with a compressed write (esp-flasher-stub
 * `command_handler.c`, `stub_lib_flash_start_next_erase`): FLASH_DEFL_BEGIN starts erasing the
 * range in the background, one 64 KiB block where aligned (else one 4 KiB sector) at a time;
 * each block is inflated into a 32 KiB buffer that is programmed whenever it fills (the
 * remainder after the last block); before each inflate step, and after each 32 KiB write while
 * data is still to come, the next erase is started if the flash chip is idle; a write first
 * waits until its own range is erased (erasing it unit by unit if the background erase has not
 * got there) and for any erase in progress. Blocks are assumed to arrive back to back at the
 * baud rate (the most pressure a host can put on the stub), flash times are the W25Q32JV's
 * typical ones × {@link PACE_MARGIN}, and a block whose range is not yet wholly erased when it
 * starts is charged one more whole block erase (a pause on the wire may have let the stub start
 * a fresh one just before it).
 */
import { W25Q32JV_TYPICAL } from '../../../src/core/timing/spi-flash';

/**
 * Flash chip busy times in seconds: the W25Q32JV's typical ones, as the simulated flash chip
 * has them (`src/core/timing/spi-flash.ts` names the datasheet table).
 */
export const W25Q_TYPICAL = W25Q32JV_TYPICAL;

/**
 * Factor on the typical flash times: flash chips on ESP boards other than the W25Q32JV
 * (GD25Q32, XM25QH32, …) state typical times of the same order, and a chip's own times
 * spread around its typical ones; a block the estimate gets wrong is lost and its operation
 * sent again, so the estimate errs slow.
 */
export const PACE_MARGIN = 1.5;

/** Size of the stub's inflate output buffer (programmed whenever it fills). */
const OUT_BUFFER = 0x8000;
const PAGE = 0x100;
const SECTOR = 0x1000;
const BLOCK = 0x10000;

/** One compressed write as the stub will see it. */
export interface PaceInput {
  /** Flash address and uncompressed size of the operation (FLASH_DEFL_BEGIN). */
  address: number;
  size: number;
  /** Uncompressed bytes each data block inflates to, in order. */
  inflated: readonly number[];
  /** Wire seconds of the FLASH_DEFL_BEGIN frame, then of each data block's frame. */
  beginWire: number;
  wire: readonly number[];
}

/**
 * Upper estimate, per data block, of the seconds the stub spends on it after replying to it
 * (waiting for erases, erasing, programming).
 */
export function stubWorkPerBlock(input: PaceInput): number[] {
  const m = PACE_MARGIN;
  // The erase units in order: their busy time and where each ends.
  const units: { seconds: number; end: number }[] = [];
  const start = input.address - (input.address % SECTOR);
  const end = Math.ceil((input.address + input.size) / SECTOR) * SECTOR;
  for (let at = start; at < end;) {
    const block = at % BLOCK === 0 && end - at >= BLOCK;
    at += block ? BLOCK : SECTOR;
    units.push({ seconds: (block ? W25Q_TYPICAL.blockErase : W25Q_TYPICAL.sectorErase) * m, end: at });
  }
  let nextUnit = 0;
  let flashFree = 0;
  let cursor = 0;
  const startErase = () => {
    if (nextUnit >= units.length || flashFree > cursor) return;
    flashFree = cursor + units[nextUnit++].seconds;
  };
  const erasedTo = () => (nextUnit === 0 ? start : units[nextUnit - 1].end);
  // FLASH_DEFL_BEGIN: starts the first erase at its arrival.
  let arrival = input.beginWire;
  cursor = arrival;
  startErase();
  let written = input.address;
  let buffered = 0;
  const total = input.inflated.length;
  return input.inflated.map((bytes, k) => {
    arrival += input.wire[k];
    cursor = Math.max(cursor, arrival);
    const began = cursor;
    const eraseLeft = nextUnit < units.length;
    startErase();
    buffered += bytes;
    const last = k === total - 1;
    while (buffered >= OUT_BUFFER || (last && buffered > 0)) {
      const n = Math.min(buffered, OUT_BUFFER);
      buffered -= n;
      while (nextUnit < units.length && erasedTo() < written + n) {
        cursor = Math.max(cursor, flashFree);
        startErase();
      }
      cursor = Math.max(cursor, flashFree) + Math.ceil(n / PAGE) * W25Q_TYPICAL.pageProgram * m;
      flashFree = cursor;
      written += n;
      if (!(last && buffered === 0)) startErase();
    }
    const wrote = cursor > began;
    return cursor - began + (eraseLeft && wrote ? W25Q_TYPICAL.blockErase * m : 0);
  });
}
