/**
 * Chip identification the CortexProg way: the ROM table's eight PID words (PID4–7, PID0–3)
 * against each script's masks and values, then its check values (read safely: an unreadable
 * address is a mismatch, never a fault), then its cpuid entry, which must return R0 ≠ 0 with
 * R1 = 0xACEFACE5. The first script that passes wins.
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import { Reg } from './constants';
import type { CortexM } from './cortex-m';
import type { DebugPortInfo, MemAp } from './mem-ap';
import type { ExtensionSlots } from './script-flash';
import {
  CPUID_KEY,
  EntryTimeoutMs,
  ScriptRunner,
  Slot,
  type RunnableScript,
  type SyscallHost,
} from './script-runner';

/** What a script needs for matching, on top of what the runner needs. */
export interface ScriptCandidate extends RunnableScript {
  /** Masks for PID4..PID7, PID0..PID3. */
  pidMasks: readonly number[];
  /** Values for PID4..PID7, PID0..PID3. */
  pidValues: readonly number[];
  /** Words that must read `(word & mask) == value` (mask = value = 0: must be readable). */
  checkValues: readonly { address: number; mask: number; value: number }[];
  /** Offsets of the format-2 entries, when present. */
  extension: ExtensionSlots;
}

/** The ids read from a chip before any script runs. */
export interface ChipIds {
  dpidr: number;
  apIdr: number;
  /** ROM table base address (BASE & ~0xFFF). */
  romTable: number;
  /** PID4..PID7, PID0..PID3. */
  pids: number[];
  /** SCS CPUID, or undefined when unreadable. */
  cpuid?: number;
}

/** A safe-read host over a MEM-AP: faults become "unreadable". */
export function safeReadHost(ap: MemAp): SyscallHost {
  return {
    async safeRead(address) {
      try {
        return await ap.read32(address);
      } catch (error) {
        if (error instanceof WebProgError && (error.code === 'DEVICE_FAULT' || error.code === 'TIMEOUT'))
          return undefined;
        throw error;
      }
    },
  };
}

/** Reads the ROM table PIDs and CPUID. A chip whose memory cannot be read is reported as locked. */
export async function readChipIds(ap: MemAp, port: DebugPortInfo): Promise<ChipIds> {
  if ((port.base & 0x3) !== 0x3) {
    throw new WebProgError(
      'CHIP_UNKNOWN',
      `The debug port has no ROM table (AP BASE 0x${(port.base >>> 0).toString(16)}, DPIDR 0x${(port.dpidr >>> 0).toString(16)}).`,
    );
  }
  const romTable = (port.base & ~0xfff) >>> 0;
  let pids: number[];
  try {
    pids = (await ap.readBlock(romTable + 0xfd0, 8)).reduce<number[]>(
      (out, w) => (out.push(w & 0xff), out),
      [],
    );
  } catch (error) {
    if (error instanceof WebProgError && error.code === 'DEVICE_FAULT') {
      throw new WebProgError(
        'DEVICE_LOCKED',
        `The chip refuses debug memory reads (ROM table at ${formatAddress(romTable)} faults): it is probably read-protected. A mass erase (unlock) clears the protection and the flash.`,
        { address: romTable, cause: error },
      );
    }
    throw error;
  }
  const cpuid = await safeReadHost(ap).safeRead(Reg.CPUID);
  return { dpidr: port.dpidr >>> 0, apIdr: port.apIdr >>> 0, romTable, pids, cpuid };
}

/** True when the 8 PID words match the script's masks and values. */
export function pidsMatch(
  script: Pick<ScriptCandidate, 'pidMasks' | 'pidValues'>,
  pids: readonly number[],
): boolean {
  return pids.every((pid, i) => (pid & script.pidMasks[i]) >>> 0 === script.pidValues[i] >>> 0);
}

/**
 * Tries each candidate in order and returns the first that matches the chip, loaded and
 * ready (its runner holds the uploaded image). Throws CHIP_UNKNOWN listing what was read.
 */
export async function identifyChip(
  cpu: CortexM,
  ids: ChipIds,
  candidates: readonly ScriptCandidate[],
  chip?: string,
): Promise<{ script: ScriptCandidate; runner: ScriptRunner }> {
  const host = safeReadHost(cpu.ap);
  const named = chip === undefined ? candidates : scriptsNamed(candidates, chip);
  for (const script of named) {
    if (!pidsMatch(script, ids.pids)) continue;
    if (!(await checkValuesPass(script, host))) continue;
    const found = await tryCpuid(cpu, script, host);
    if (found) return found;
  }
  if (chip !== undefined) {
    // The person named the chip: take its script although the ids did not match, as long as
    // the script's own cpuid entry (when it has one) does not refuse the core.
    for (const script of named) {
      try {
        const found = await tryCpuid(cpu, script, host);
        if (found) return found;
      } catch (error) {
        // A script for another chip may fault reading registers this chip lacks: a refusal too.
        if (!(error instanceof WebProgError && error.code === 'DEVICE_FAULT')) throw error;
      }
    }
    throw new WebProgError(
      'CHIP_UNKNOWN',
      `The ${named.map((s) => s.name).join(', ')} script refuses this chip (its cpuid check failed).\n${describeUnknown(ids, named.length)}`,
    );
  }
  throw new WebProgError('CHIP_UNKNOWN', describeUnknown(ids, candidates.length));
}

/** The runner of `script` when its cpuid entry (if any) accepts the core. */
async function tryCpuid(
  cpu: CortexM,
  script: ScriptCandidate,
  host: SyscallHost,
): Promise<{ script: ScriptCandidate; runner: ScriptRunner } | undefined> {
  const runner = new ScriptRunner(cpu, script);
  await runner.load();
  if (!runner.has(Slot.cpuid)) return { script, runner };
  const r = await runner.call(Slot.cpuid, [], EntryTimeoutMs.cpuid, host, 'cpuid');
  return r.r0 !== 0 && r.r1 >>> 0 === CPUID_KEY ? { script, runner } : undefined;
}

/** The scripts whose family name contains `chip` (any case); INVALID_ARGUMENT naming them all when none does. */
export function scriptsNamed(candidates: readonly ScriptCandidate[], chip: string): ScriptCandidate[] {
  const wanted = chip.trim().toLowerCase();
  const named = candidates.filter((s) => s.name.toLowerCase().includes(wanted));
  if (named.length === 0) {
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `No device script is named like "${chip}". Scripts: ${candidates.map((s) => s.name).join(', ')}.`,
    );
  }
  return named;
}

async function checkValuesPass(script: ScriptCandidate, host: SyscallHost): Promise<boolean> {
  for (const check of script.checkValues) {
    const word = await host.safeRead(check.address);
    if (word === undefined) return false;
    if ((word & check.mask) >>> 0 !== check.value >>> 0) return false;
  }
  return true;
}

/** The message a person needs to write a script for an unknown chip. */
export function describeUnknown(ids: ChipIds, tried: number): string {
  const h = (n: number) => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(2, '0');
  return [
    `No device script matches this chip (${tried} tried).`,
    `ROM table ${formatAddress(ids.romTable)} PID4..7,PID0..3: ${ids.pids.map(h).join(' ')}`,
    `CPUID: ${ids.cpuid === undefined ? 'unreadable' : formatAddress(ids.cpuid)}`,
    `DPIDR: ${formatAddress(ids.dpidr)}, AP IDR: ${formatAddress(ids.apIdr)}`,
  ].join('\n');
}
