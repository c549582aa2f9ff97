/**
 * What classroom mode sends to each micro:bit: the one image (a Universal Hex gives each board
 * version its own section), laid into the board's flash regions, optionally with a per-board
 * serial number patched into a chosen flash location. The serial number is written as part of
 * the image (a per-board image patch), so partial flashing rewrites only the page that holds it.
 */
import { WebProgError, formatAddress } from '../core/errors';
import type { MicrobitVersion } from '../core/microbit/board';
import { getDeviceMemInfo } from '../core/microbit/device-memory';
import { regionContains, type Region } from '../core/memory/region';
import { SparseData, type Segment } from '../core/memory/sparse-data';
import type { BackendCallArgs, ImageDto } from '../../workers/device/device-api';
import { boardVersion, planDto, planImage, regionChoices } from './operation-plan';

/** The image classroom mode flashes to every board. */
export interface ClassroomImage {
  /** Name shown in the view and written in the CSV ("blinky.hex"). */
  readonly name: string;
  /** The data for a board version, or undefined when the image has nothing for it. */
  dataFor(version: MicrobitVersion | undefined): SparseData | undefined;
}

/** An opened file as classroom mode needs it (a `FileEntry` fits). */
export interface ClassroomFile {
  /** File name. */
  readonly name: string;
  /** The file's data (for a Universal Hex: the section shown). */
  readonly data: SparseData;
  /** Universal Hex only: every board's data. */
  readonly boards: readonly { boardId: number; data: SparseData }[];
}

/** Bytes of a serial number in flash: a 32-bit little-endian word. */
export const SERIAL_NUMBER_BYTES = 4;

/**
 * The image of an opened file: a Universal Hex gives each version its own section; any other
 * file is the same data for every board (the board's regions decide whether it fits).
 */
export function imageFromFile(file: ClassroomFile): ClassroomImage {
  const boards = [...file.boards];
  const data = file.data;
  return {
    name: file.name,
    dataFor(version) {
      if (boards.length === 0) return data;
      if (version === undefined) return undefined;
      return boards.find((b) => boardVersion(b.boardId) === version)?.data;
    },
  };
}

/**
 * The image of a micro:bit MicroPython project: MicroPython with the project's files for each
 * board version it was built for (a version missing from `data` holds nothing).
 */
export function imageFromProject(
  name: string,
  data: Partial<Record<MicrobitVersion, readonly Segment[]>>,
): ClassroomImage {
  const byVersion = new Map<MicrobitVersion, SparseData>();
  for (const version of ['V1', 'V2'] as const) {
    const segments = data[version];
    if (segments) byVersion.set(version, SparseData.from(segments));
  }
  return { name, dataFor: (version) => (version === undefined ? undefined : byVersion.get(version)) };
}

/** What one board is sent. */
export interface BoardFlashPlan {
  /** The flash call's arguments: the image in the board's regions, and the runtime range. */
  args: BackendCallArgs & { image: ImageDto };
  /** Bytes sent. */
  bytes: number;
}

/**
 * Lays `data` into the board's flash regions, with `serial` (a u32, little-endian) at its
 * address when given. For MicroPython the runtime's range is passed as `fullWhenDiffers`, so a
 * board with another runtime is flashed in full and one with the same runtime page by page.
 *
 * @throws WebProgError `INVALID_ARGUMENT` when the image has data outside the board's flash (an
 *   image for another board) or the serial number location is not free flash.
 */
export function boardFlashPlan(
  data: SparseData,
  regions: readonly Region[],
  serial?: { address: number; value: number },
): BoardFlashPlan {
  const flash = regions.filter((r) => r.kind === 'flash');
  let memInfo: ReturnType<typeof getDeviceMemInfo> | undefined;
  try {
    memInfo = getDeviceMemInfo(data);
  } catch {
    memInfo = undefined; // Not MicroPython: flashed page by page, no runtime check.
  }
  let laid = data;
  if (serial) {
    checkSerialLocation(data, flash, serial.address, memInfo);
    laid = data.clone();
    laid.write(serial.address, u32le(serial.value));
  }
  const plan = planImage(laid, regionChoices(flash, laid, {}));
  if (plan.outsideBytes > 0 || plan.bytes === 0) {
    throw new WebProgError(
      'INVALID_ARGUMENT',
      plan.bytes === 0
        ? 'The image holds nothing for this board’s flash.'
        : `The image does not fit this board: ${plan.outsideBytes} bytes lie outside its flash (an image for another board?).`,
    );
  }
  const args: BoardFlashPlan['args'] = { image: planDto(plan) };
  if (memInfo) {
    args.fullWhenDiffers = {
      address: memInfo.runtimeStartAddress,
      size: memInfo.runtimeEndAddress - memInfo.runtimeStartAddress,
    };
  }
  return { args, bytes: plan.bytes };
}

/** Refuses serial number locations that are not free, aligned flash. */
function checkSerialLocation(
  data: SparseData,
  flash: readonly Region[],
  address: number,
  memInfo: ReturnType<typeof getDeviceMemInfo> | undefined,
): void {
  const at = formatAddress(address);
  if (address % 4 !== 0)
    throw new WebProgError('INVALID_ARGUMENT', `The serial number location ${at} is not a multiple of 4.`, {
      address,
    });
  if (!flash.some((r) => regionContains(r, address, SERIAL_NUMBER_BYTES)))
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `The serial number location ${at} is not in this board’s flash.`,
      {
        address,
      },
    );
  if (data.intersects(address, address + SERIAL_NUMBER_BYTES))
    throw new WebProgError('INVALID_ARGUMENT', `The serial number location ${at} holds data of the image.`, {
      address,
    });
  if (memInfo && address < memInfo.fsEndAddress && address + SERIAL_NUMBER_BYTES > memInfo.fsStartAddress)
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `The serial number location ${at} is inside MicroPython’s file system (${formatAddress(memInfo.fsStartAddress)}–${formatAddress(memInfo.fsEndAddress)}).`,
      { address },
    );
}

/** `value` as 4 little-endian bytes. */
function u32le(value: number): Uint8Array {
  const v = value >>> 0;
  return new Uint8Array([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]);
}
