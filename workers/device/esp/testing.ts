/**
 * Helpers for the ESP backend tests and benchmark: a simulated board with its backend, a
 * three-part firmware build (bootloader, partition table, application) for each chip, and
 * memory images over the ESP flash region.
 */
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { flashRegion } from '../../../src/core/memory/region';
import {
  createSimulatedEspBoard,
  SimulatedSerial,
  type EspBoardOptions,
  type SimulatedEspBoard,
} from '../../../src/sim/esp';
import { randomBytes } from '../../../src/sim/esp/test-helpers';
import { EspBackend, ESP_FLASH_REGION, type EspBackendOptions, type FlashPart } from './esp-backend';

/** A simulated board and an ESP backend on its port. */
export interface EspRig {
  board: SimulatedEspBoard;
  backend: EspBackend;
  /** The board's modeled time in ms (for progress rates and durations). */
  clock: () => number;
}

/** Creates a simulated board (zero latency unless given) and its backend. */
export function espRig(board: EspBoardOptions, backend: EspBackendOptions = {}): EspRig {
  const b = createSimulatedEspBoard({ latency: 'zero', ...board });
  return { board: b, backend: new EspBackend(b.port, backend), clock: () => b.clock.now() * 1000 };
}

/** An {@link EspRig} whose board re-enumerates, and the simulated `navigator.serial` listing it. */
export interface OtgRig extends EspRig {
  serial: SimulatedSerial;
}

/**
 * A board on its USB-OTG port (a new port after every chip reset), granted in a simulated
 * `navigator.serial` whose `getPorts()` the backend uses to find the board again.
 */
export function otgRig(board: Omit<EspBoardOptions, 'usb'>, backend: EspBackendOptions = {}): OtgRig {
  const b = createSimulatedEspBoard({ latency: 'zero', ...board, usb: 'usb-otg' });
  const serial = new SimulatedSerial([b.port], { granted: [b.port] });
  return {
    board: b,
    serial,
    backend: new EspBackend(b.port, { getPorts: () => serial.getPorts(), ...backend }),
    clock: () => b.clock.now() * 1000,
  };
}

/** An ESP application image header (magic 0xE9) for `chipId`, flash size code `sizeCode`. */
export function imageHeader(chipId: number, sizeCode = 2): Uint8Array {
  const h = new Uint8Array(24);
  h[0] = 0xe9;
  h[1] = 1; // segments
  h[2] = 2; // DIO
  h[3] = (sizeCode << 4) | 0x0f; // flash size (high nibble), 80 MHz
  h[12] = chipId & 0xff;
  h[13] = chipId >> 8;
  return h;
}

/** A build as ESP-IDF lays it out: bootloader, partition table at 0x8000, application at 0x10000. */
export function threePartBuild(bootloaderOffset: number, chipId: number, seed = 1): FlashPart[] {
  const bootloader = randomBytes(0x5400, seed);
  bootloader.set(imageHeader(chipId));
  const partitions = new Uint8Array(0xc00).fill(0xff);
  partitions.set([0xaa, 0x50, 0x01, 0x02], 0); // partition table entry magic
  partitions.set(new TextEncoder().encode('nvs'), 12);
  const app = new Uint8Array(0x30123);
  app.set(randomBytes(0x18000, seed + 1));
  app.set(new TextEncoder().encode('WebProg app. '.repeat(2000)), 0x18000);
  app.set(imageHeader(chipId));
  return [
    { address: bootloaderOffset, data: bootloader },
    { address: 0x8000, data: partitions },
    { address: 0x10000, data: app },
  ];
}

/** A memory image over an ESP flash of `size` bytes holding `parts`. */
export function flashImage(size: number, parts: readonly FlashPart[] = []): MemoryImage {
  const image = new MemoryImage([flashRegion(ESP_FLASH_REGION, 0, size, 0x1000, 4)]);
  for (const p of parts) image.writeAt(p.address, p.data);
  return image;
}
