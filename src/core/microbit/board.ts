/**
 * micro:bit identity: the board version from the DAPLink USB serial number (its first four
 * characters are the board id) and the five-letter friendly name the DAL/CODAL computes from
 * FICR DEVICEID[1].
 */

/** micro:bit board versions. */
export type MicrobitVersion = 'V1' | 'V2';

/** What a DAPLink serial number says about the board. */
export interface MicrobitBoard {
  /** Board id, e.g. 0x9903. */
  boardId: number;
  /** Board version. */
  version: MicrobitVersion;
  /** Human name, e.g. "micro:bit V2.00". */
  name: string;
}

const BOARDS: Record<string, { version: MicrobitVersion; name: string }> = {
  '9900': { version: 'V1', name: 'micro:bit V1.3' },
  '9901': { version: 'V1', name: 'micro:bit V1.5' },
  '9903': { version: 'V2', name: 'micro:bit V2.00' },
  '9904': { version: 'V2', name: 'micro:bit V2.00' },
  '9905': { version: 'V2', name: 'micro:bit V2.2' },
  '9906': { version: 'V2', name: 'micro:bit V2.2' },
};

/** The micro:bit board a DAPLink USB serial number names, or undefined for other probes. */
export function microbitFromSerial(serial: string | undefined): MicrobitBoard | undefined {
  const id = serial?.slice(0, 4);
  const board = id ? BOARDS[id] : undefined;
  return board && id ? { boardId: parseInt(id, 16), ...board } : undefined;
}

/** DAL/CODAL codebook: rows 0, 2, 4 consonants, rows 1, 3 vowels. */
const CODEBOOK = [
  ['z', 'v', 'g', 'p', 't'],
  ['u', 'o', 'i', 'e', 'a'],
  ['z', 'v', 'g', 'p', 't'],
  ['u', 'o', 'i', 'e', 'a'],
  ['z', 'v', 'g', 'p', 't'],
];

/**
 * The friendly name of a micro:bit from FICR DEVICEID[1] (address 0x10000064), as
 * microbit-dal's `microbit_friendly_name()` builds it: five base-5 digits, least significant
 * first, each picking a letter from its codebook row, written from the right.
 */
export function microbitFriendlyName(deviceId1: number): string {
  let n = deviceId1 >>> 0;
  const letters: string[] = new Array(5);
  for (let k = 0; k < 5; k++) {
    const digit = n % 5;
    n = Math.floor(n / 5);
    letters[4 - k] = CODEBOOK[k][digit];
  }
  return letters.join('');
}

/** FICR address of DEVICEID[1] on nRF51 and nRF52. */
export const FICR_DEVICEID1 = 0x1000_0064;
