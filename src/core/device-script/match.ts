/**
 * Chip matching as CortexProg's host does it (`/work/shared/reference/cortexprog-device-scripts.md`
 * §2): the ROM table's eight PID words (read from `(BASE & ~0xFFF) + 0xFD0`: PID4..PID7,
 * PID0..PID3) must equal the script's values under its masks, and every check value must hold.
 * The `cpuid` entry, run on the chip afterwards, has the last word.
 */
import { WebProgError } from '../errors';
import { PID_WORDS, type DeviceScript } from './swds-file';

/** The part of a script matching needs. */
export type MatchableScript = Pick<DeviceScript, 'pidMasks' | 'pidValues' | 'checkValues'>;

/**
 * True when `(pids[i] & pidMasks[i]) === pidValues[i]` for all eight words. `pids` is in ROM
 * table order: PID4, PID5, PID6, PID7, PID0, PID1, PID2, PID3.
 */
export function matchesRomTable(script: MatchableScript, pids: readonly number[]): boolean {
  if (pids.length !== PID_WORDS) {
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `Expected ${PID_WORDS} ROM table PID words, got ${pids.length}.`,
    );
  }
  return pids.every((pid, i) => (pid & script.pidMasks[i]) >>> 0 === script.pidValues[i] >>> 0);
}

/** Reads a word from the chip; `undefined` when the address cannot be read. */
export type WordReader = (address: number) => Promise<number | undefined> | number | undefined;

/**
 * True when every check value holds: the word at its address is readable and
 * `(word & mask) === value`. Stops at the first failure.
 */
export async function matchesCheckValues(script: MatchableScript, readWord: WordReader): Promise<boolean> {
  for (const check of script.checkValues) {
    const word = await readWord(check.address);
    if (word === undefined) return false;
    if ((word & check.mask) >>> 0 !== check.value >>> 0) return false;
  }
  return true;
}

/** The PID words as they go into a report: `[PID4..PID7, PID0..PID3]` → 64-bit PID as pyOCD shows it. */
export function peripheralId(pids: readonly number[]): bigint {
  const [pid4, , , , pid0, pid1, pid2, pid3] = pids.map((p) => BigInt(p & 0xff));
  return (pid4 << 32n) | (pid3 << 24n) | (pid2 << 16n) | (pid1 << 8n) | pid0;
}
