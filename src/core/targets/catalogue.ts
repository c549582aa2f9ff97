/**
 * Known targets as data: their memory maps. Used to lay out a file's data into named regions
 * before any device is connected (the device scripts give the authoritative layout once a chip
 * is identified).
 */
import { flashRegion, type Region } from '../memory/region';
import { RENESAS_TARGETS } from './renesas';

/** The backend that programs a target, as `mp.config` names it. */
export type TargetProgrammer = 'cmsis-dap' | 'esp' | 'ra' | 'rl78';

/** A target's memory description. */
export interface TargetDescription {
  /** Stable id, e.g. "nrf52833". */
  id: string;
  /** Human name, e.g. "nRF52833 (micro:bit V2)". */
  name: string;
  /** Family as `mp.config` names it, e.g. "nRF52"; derived from the id when absent. */
  family?: string;
  /** Other names `mp.config.set_target` knows it by (part numbers, e.g. "STM32F103C8"). */
  aliases?: readonly string[];
  /** The backend that programs it (default "cmsis-dap": a CMSIS-DAP probe over SWD). */
  programmer?: TargetProgrammer;
  /** Regions in ascending base order. */
  regions: Region[];
}

const KiB = 1024;

/** STM32F411 sectors: 4 × 16 KiB, 1 × 64 KiB, 3 × 128 KiB. */
const STM32F411_SECTORS = (() => {
  const sizes = [16, 16, 16, 16, 64, 128, 128, 128].map((k) => k * KiB);
  let address = 0x0800_0000;
  return sizes.map((size) => {
    const block = { address, size };
    address += size;
    return block;
  });
})();

/** The targets WebProg knows by heart. */
export const TARGETS: readonly TargetDescription[] = [
  {
    id: 'nrf51822',
    name: 'nRF51822 (micro:bit V1)',
    regions: [
      flashRegion('Code Flash', 0x0000_0000, 256 * KiB, 1 * KiB),
      flashRegion('UICR', 0x1000_1000, 0x100, 0x100),
      { name: 'RAM', base: 0x2000_0000, size: 16 * KiB, eraseSize: 1, writeSize: 1, fill: 0x00, kind: 'ram' },
    ],
  },
  {
    id: 'nrf52833',
    name: 'nRF52833 (micro:bit V2)',
    regions: [
      flashRegion('Code Flash', 0x0000_0000, 512 * KiB, 4 * KiB),
      flashRegion('UICR', 0x1000_1000, 0x400, 0x400),
      {
        name: 'RAM',
        base: 0x2000_0000,
        size: 128 * KiB,
        eraseSize: 1,
        writeSize: 1,
        fill: 0x00,
        kind: 'ram',
      },
    ],
  },
  {
    id: 'nrf52840',
    name: 'nRF52840',
    regions: [
      flashRegion('Code Flash', 0x0000_0000, 1024 * KiB, 4 * KiB),
      flashRegion('UICR', 0x1000_1000, 0x400, 0x400),
      {
        name: 'RAM',
        base: 0x2000_0000,
        size: 256 * KiB,
        eraseSize: 1,
        writeSize: 1,
        fill: 0x00,
        kind: 'ram',
      },
    ],
  },
  {
    id: 'stm32f103',
    name: 'STM32F103 (Blue Pill, 64 KiB)',
    aliases: ['STM32F103C8', 'STM32F103C8T6'],
    regions: [
      flashRegion('Code Flash', 0x0800_0000, 64 * KiB, KiB),
      flashRegion('Option Bytes', 0x1fff_f800, 16, 16),
      { name: 'RAM', base: 0x2000_0000, size: 20 * KiB, eraseSize: 1, writeSize: 1, fill: 0x00, kind: 'ram' },
    ],
  },
  {
    id: 'stm32f411',
    name: 'STM32F411',
    regions: [
      flashRegion('Code Flash', 0x0800_0000, 512 * KiB, 128 * KiB, 4, { blocks: STM32F411_SECTORS }),
      {
        name: 'RAM',
        base: 0x2000_0000,
        size: 128 * KiB,
        eraseSize: 1,
        writeSize: 1,
        fill: 0x00,
        kind: 'ram',
      },
    ],
  },
  {
    id: 'stm32g071',
    name: 'STM32G071 (NUCLEO-G071RB)',
    regions: [
      // The device script's blocks: 2 of the chip's 2 KiB pages, programmed a block at a time.
      flashRegion('Code Flash', 0x0800_0000, 128 * KiB, 4 * KiB, 8),
      flashRegion('Option Bytes', 0x1fff_7800, 128, 128, 128),
      { name: 'RAM', base: 0x2000_0000, size: 36 * KiB, eraseSize: 1, writeSize: 1, fill: 0x00, kind: 'ram' },
    ],
  },
  {
    id: 'samd21g18a',
    name: 'ATSAMD21G18A (Arduino Zero)',
    family: 'SAMD21',
    regions: [
      // The device script's blocks: 4 of the chip's 256-byte rows.
      flashRegion('Code Flash', 0x0000_0000, 256 * KiB, KiB, 64),
      flashRegion('User Row', 0x0080_4000, 256, 256, 64),
      { name: 'RAM', base: 0x2000_0000, size: 32 * KiB, eraseSize: 1, writeSize: 1, fill: 0x00, kind: 'ram' },
    ],
  },
  ...RENESAS_TARGETS,
];

/** The backend that programs `target`. */
export function programmerOf(target: TargetDescription): TargetProgrammer {
  return target.programmer ?? 'cmsis-dap';
}

/** The target with id `id`, if known. */
export function targetById(id: string): TargetDescription | undefined {
  return TARGETS.find((t) => t.id === id);
}
