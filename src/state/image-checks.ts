/**
 * Checks made before anything is written: an image that has no data for the connected board
 * (a micro:bit V1 hex on a V2, a Universal Hex without the board's id, data outside every
 * region of the chip) is refused with a plain message. Pure functions; the workflow asks the
 * person whether to override ("Flash anyway") only after showing them.
 */
import { formatAddress } from '../core/errors';
import { regionEnd, type Region } from '../core/memory/region';
import type { SparseData } from '../core/memory/sparse-data';
import { versionOfBoardId } from '../core/microbit/board-ids';
import type { MicrobitVersion } from '../core/microbit/board';
import { findFlashRegionsHeader } from '../core/microbit/flash-regions';
import { sameChipFamily } from './firmware-parts';
import { hexValue } from './text';

/** Why an image cannot be right for the connected board, in plain words. */
export interface Refusal {
  /** Stable key for tests and the UI (`microbit-version`, `universal-board`, `outside-regions`, `esp-header`). */
  key: string;
  /** The message shown. */
  text: string;
  /** The first address involved, when one is. */
  address?: number;
}

/** UICR word MicroPython writes its memory table magic into (micro:bit V1 layout). */
const UICR_MAGIC_ADDRESS = 0x1000_10c0;
/** nRF UICR.BOOTLOADERADDR. */
const UICR_BOOTLOADER_ADDRESS = 0x1000_1014;
/** End of the nRF51822's flash on the micro:bit V1 (256 KiB). */
const V1_FLASH_END = 0x4_0000;
/** End of the nRF52833's flash on the micro:bit V2 (512 KiB). */
const V2_FLASH_END = 0x8_0000;

function word(data: SparseData, address: number): number | undefined {
  const bytes = data.read(address, 4, 0xff);
  const covered = data.ranges().some((r) => r.start <= address && r.end >= address + 4);
  if (!covered) return undefined;
  return (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
}

function hasDataIn(data: SparseData, start: number, end: number): boolean {
  return data.ranges().some((r) => r.start < end && r.end > start);
}

/**
 * The micro:bit version an image is built for, from what it holds: MicroPython's UICR magic
 * (0x17EEB07C V1, 0x47EEB07C early V2), a Flash Regions Table (V2), code past the V1's 256 KiB
 * of flash (V2), or UICR.BOOTLOADERADDR inside the V1's flash (V1) or the V2's (V2).
 * Undefined when nothing in the image tells.
 */
export function microbitVersionOfImage(data: SparseData): MicrobitVersion | undefined {
  const magic = word(data, UICR_MAGIC_ADDRESS);
  if (magic === 0x17eeb07c) return 'V1';
  if (magic === 0x47eeb07c) return 'V2';
  if (findFlashRegionsHeader(data) !== undefined) return 'V2';
  if (hasDataIn(data, V1_FLASH_END, V2_FLASH_END)) return 'V2';
  const bootloader = word(data, UICR_BOOTLOADER_ADDRESS);
  if (bootloader !== undefined && bootloader !== 0xffffffff) {
    if (bootloader < V1_FLASH_END) return 'V1';
    if (bootloader < V2_FLASH_END) return 'V2';
  }
  return undefined;
}

/** What the checks need to know about the image and the board. */
export interface ImageCheckInput {
  /** The file's name, for messages. */
  fileName: string;
  /** The data that would be written (for a Universal Hex: the section picked for the board). */
  data: SparseData;
  /** Universal Hex only: the board ids the file has sections for. */
  boardIds: readonly number[];
  /** ESP Web Tools manifest only: the chip families it has builds for. */
  chipFamilies?: readonly string[];
  /** The micro:bit the device is, when it is one. */
  microbit?: { boardId: number; version: MicrobitVersion; name: string };
  /** The connected chip's name and regions. */
  chip: { name: string; regions: readonly Region[] };
}

/** Every reason the image cannot be right for the board; empty when none is found. */
export function imageRefusals(input: ImageCheckInput): Refusal[] {
  const refusals: Refusal[] = [];
  const { microbit, fileName, chip } = input;
  if (input.boardIds.length > 0 && microbit) {
    const hasBoard = input.boardIds.some((id) => versionOfBoardId(id) === microbit.version);
    if (!hasBoard) {
      refusals.push({
        key: 'universal-board',
        text: `${fileName} is a Universal Hex without a section for the ${microbit.name} (it has ${input.boardIds.map((id) => hexValue(id, 4)).join(', ')}; this board needs a ${microbit.version} section). Build it for the ${microbit.version} or use a Universal Hex for V1 and V2.`,
      });
    }
  } else if (microbit) {
    const built = microbitVersionOfImage(input.data);
    if (built && built !== microbit.version) {
      refusals.push({
        key: 'microbit-version',
        text: `${fileName} is built for the micro:bit ${built}; this board is a ${microbit.name}. It would not run: use a hex for the ${microbit.version} (or a Universal Hex).`,
      });
    }
  }
  const families = input.chipFamilies ?? [];
  if (families.length > 0 && !families.some((f) => sameChipFamily(f, chip.name))) {
    refusals.push({
      key: 'esp-build',
      text: `${fileName} has no build for the ${chip.name} (it has ${families.join(', ')}).`,
    });
  }
  const outside = firstOutside(input.data, chip.regions);
  if (outside) {
    refusals.push({
      key: 'outside-regions',
      address: outside.start,
      text: `${fileName} holds ${outside.bytes} byte${outside.bytes === 1 ? '' : 's'} outside every memory region of the ${chip.name}, the first at ${formatAddress(outside.start)}: it is not built for this chip.`,
    });
  }
  return refusals;
}

/** The first address of `data` outside every region, and how many bytes are outside. */
function firstOutside(
  data: SparseData,
  regions: readonly Region[],
): { start: number; bytes: number } | undefined {
  let start: number | undefined;
  let bytes = 0;
  for (const range of data.ranges()) {
    let at = range.start;
    while (at < range.end) {
      const region = regions.find((r) => at >= r.base && at < regionEnd(r));
      if (region) {
        at = Math.min(range.end, regionEnd(region));
        continue;
      }
      const next = regions
        .map((r) => r.base)
        .filter((b) => b > at && b < range.end)
        .reduce((a, b) => Math.min(a, b), range.end);
      start ??= at;
      bytes += next - at;
      at = next;
    }
  }
  return start === undefined ? undefined : { start, bytes };
}
