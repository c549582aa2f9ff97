/**
 * What every simulated chip offers: its clock, bus, processor, debug port and flash, plus
 * direct access for tests (memory contents without going through the debugger, flash
 * counters, fault switches). Built by `nrf51822.ts`, `nrf52833.ts`, `nrf52840.ts`, `stm32f103.ts`,
 * `stm32f411.ts`, `stm32g071.ts`, `samd21.ts`.
 */
import type { LatencyProfile, VirtualClock } from '../clock';
import type { SwDp } from '../adi/sw-dp';
import { DEBUG, type SystemBus } from '../cortex-m/bus';
import type { CortexMSystem } from '../cortex-m/cortex-m-system';
import type { FlashCounters } from './nvmc';
import type { NorFlash } from './nor-flash';
import type { NrfUart } from './nrf-uart';

/** Options every chip factory takes. */
export interface ChipOptions {
  clock: VirtualClock;
  latency: LatencyProfile;
  /** Read-out protection on (nRF51 RBPCONF.PALL, nRF52 APPROTECT, STM32 RDP level 1, SAM D21 security bit). */
  locked?: boolean;
  /** FICR DEVICEID[0], DEVICEID[1] (Nordic), the 96-bit UID's first two words (STM32), serial words (SAM D21). */
  deviceId?: readonly [number, number];
  /** Initial flash contents: `{address, data}` blocks (absolute addresses). */
  flash?: readonly { address: number; data: Uint8Array }[];
}

/** A chip with its identity, memories and debug interface. */
export interface SimulatedChip {
  /** Part name, e.g. "nRF52833". */
  readonly name: string;
  readonly clock: VirtualClock;
  readonly bus: SystemBus;
  readonly system: CortexMSystem;
  readonly dp: SwDp;
  /** The main flash array and where it is mapped. */
  readonly flash: NorFlash;
  readonly flashBase: number;
  /** Erase-block (page/sector) sizes from the start of flash. */
  readonly eraseBlocks: readonly number[];
  /** The system SRAM. */
  readonly ram: Uint8Array;
  readonly ramBase: number;
  /** Counters of writes/erases the flash controller ignored. */
  readonly counters: FlashCounters;
  /** True while read-out protection is active. */
  readonly locked: boolean;
  /** UART0, on chips that have the modeled one (nRF51/nRF52). */
  readonly uart?: NrfUart;
  /** Makes the next flash program/erase fail (STM32: SR error bit; SAM D21: STATUS error; nRF: silently). */
  failNextFlashOperation(kind?: string): void;
}

/** Reads `length` bytes at `address` straight from the chip, bypassing protection and timing. */
export function readChipMemory(chip: SimulatedChip, address: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const a = (address + i) >>> 0;
    if (a >= chip.flashBase && a < chip.flashBase + chip.flash.size)
      out[i] = chip.flash.data[a - chip.flashBase];
    else if (a >= chip.ramBase && a < chip.ramBase + chip.ram.length) out[i] = chip.ram[a - chip.ramBase];
    else out[i] = chip.bus.read8(a, DEBUG);
  }
  return out;
}

/** Loads `blocks` into a flash array mapped at `base` (factory programming; no NOR rules). */
export function loadFlash(flash: NorFlash, base: number, blocks: ChipOptions['flash']): void {
  for (const block of blocks ?? []) {
    const offset = block.address - base;
    if (offset < 0 || offset + block.data.length > flash.size) {
      throw new RangeError(`Flash image block at 0x${block.address.toString(16)} is outside flash`);
    }
    flash.load(offset, block.data);
  }
}

/** The little-endian bytes of `words`. */
export function wordsToBytes(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  return out;
}
