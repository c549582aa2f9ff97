/**
 * RL78 families and parts the backend knows, from the Silicon Signature's device name: the
 * family, its protocol, and the flash sizes a part number implies (RL78/G13 and G14 user
 * manuals: the letter after the pin-count letter is the code flash size). An unknown name with
 * Protocol A still works from the signature's own code and data flash end addresses.
 */
import { WebProgError } from '../../../src/core/errors';
import { flashRegion, type Region } from '../../../src/core/memory/region';

/** Code flash and data flash erase block size on Protocol A parts. */
export const RL78_BLOCK_SIZE = 1024;
/** Programming / Verify / Checksum unit of the model: one 256-byte data frame. */
export const RL78_UNIT = 256;
/** Where data flash starts. */
export const RL78_DATA_FLASH_BASE = 0xf1000;
/** Region name of the code flash. */
export const CODE_FLASH = 'Code Flash';
/** Region name of the data flash. */
export const DATA_FLASH = 'Data Flash';

/** One family. */
export interface Rl78Family {
  /** "RL78/G13". */
  family: string;
  /** Part number prefix, e.g. "R5F100". */
  prefixes: readonly string[];
  /** Serial programming protocol. */
  protocol: 'A' | 'C' | 'G10';
  /** Whether this backend drives it. */
  supported: boolean;
  /** Data flash size by code flash size in KiB. */
  dataFlashKiB: (codeKiB: number) => number;
}

/** The families table. */
export const RL78_FAMILIES: readonly Rl78Family[] = [
  {
    family: 'RL78/G13',
    prefixes: ['R5F100', 'R5F101'],
    protocol: 'A',
    supported: true,
    dataFlashKiB: (c) => (c <= 64 ? 4 : 8),
  },
  {
    family: 'RL78/G14',
    prefixes: ['R5F104'],
    protocol: 'A',
    supported: true,
    dataFlashKiB: (c) => (c <= 64 ? 4 : 8),
  },
  // R7F100G… (RL78/G23) answer Protocol C (R01AN5756; rl78flash's device table): 2 KiB code blocks.
  { family: 'RL78/G23', prefixes: ['R7F100G'], protocol: 'C', supported: false, dataFlashKiB: () => 8 },
  { family: 'RL78/G10', prefixes: ['R5F10Y'], protocol: 'G10', supported: false, dataFlashKiB: () => 0 },
];

/** Code flash KiB by the size letter of a part number (R5F100L*E*: 64 KiB). */
const SIZE_LETTERS: Record<string, number> = {
  A: 16,
  C: 32,
  D: 48,
  E: 64,
  F: 96,
  G: 128,
  H: 192,
  J: 256,
  K: 384,
  L: 512,
};

/** What the name says about a part. */
export interface Rl78PartInfo {
  family?: Rl78Family;
  /** Code and data flash sizes the part number implies, if it is in the table. */
  codeKiB?: number;
  dataKiB?: number;
}

/** Looks a signature device name up. */
export function rl78PartInfo(name: string): Rl78PartInfo {
  const family = RL78_FAMILIES.find((f) => f.prefixes.some((p) => name.startsWith(p)));
  if (!family || family.protocol !== 'A') return { family };
  const codeKiB = SIZE_LETTERS[name.charAt(7)];
  if (codeKiB === undefined) return { family };
  return { family, codeKiB, dataKiB: family.dataFlashKiB(codeKiB) };
}

/** Refuses families this backend does not drive, with words a person understands. */
export function requireSupported(name: string, info: Rl78PartInfo): void {
  const f = info.family;
  if (f && !f.supported) {
    throw new WebProgError(
      'NOT_SUPPORTED',
      `Not Supported: ${name} is an ${f.family}, which uses ${f.protocol === 'G10' ? 'the RL78/G10 single-wire protocol' : `RL78 Protocol ${f.protocol}`}; WebProg drives RL78 Protocol A (RL78/G13, G14 and the other R5F10… x1x parts) only so far.`,
    );
  }
}

/** The regions from the signature's end addresses. */
export function rl78Regions(codeEnd: number, dataEnd: number): Region[] {
  const regions = [flashRegion(CODE_FLASH, 0, codeEnd + 1, RL78_BLOCK_SIZE, RL78_UNIT)];
  if (dataEnd >= RL78_DATA_FLASH_BASE) {
    regions.push(
      flashRegion(
        DATA_FLASH,
        RL78_DATA_FLASH_BASE,
        dataEnd + 1 - RL78_DATA_FLASH_BASE,
        RL78_BLOCK_SIZE,
        RL78_UNIT,
      ),
    );
  }
  return regions;
}
