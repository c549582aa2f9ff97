/**
 * CortexProg's "info" for the device-script workbench: the chip's DPIDR, ROM table base, its
 * PID and CID words and CPUID, then every script tried the way identification tries it (the
 * ROM table's eight PID words against the script's masks, its check values read safely, its
 * cpuid entry), saying for each why it does or does not match. Runs cpuid entries (which write
 * RAM, never flash).
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import type { BenchInfo, BenchScriptMatch, BenchScriptSource } from './bench-api';
import type { BenchLink } from './backend';
import { safeReadHost, type ScriptCandidate } from './identify';
import { CPUID_KEY, EntryTimeoutMs, ScriptRunner, Slot } from './script-runner';

/** A script with where it comes from. */
export interface SourcedScript {
  script: ScriptCandidate;
  source: BenchScriptSource;
}

/** The names of the eight matched words, in the order scripts list them. */
export const PID_LABELS = ['PID4', 'PID5', 'PID6', 'PID7', 'PID0', 'PID1', 'PID2', 'PID3'] as const;

const hex = (n: number, digits = 2) => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(digits, '0');

/** Reads the ids through `link` and tries each script in `scripts` (in order). */
export async function benchInfo(link: BenchLink, scripts: readonly SourcedScript[]): Promise<BenchInfo> {
  const { ids, cpu, port } = link;
  const cids = (await cpu.ap.readBlock(ids.romTable + 0xff0, 4)).reduce<number[]>(
    (out, w) => (out.push(w & 0xff), out),
    [],
  );
  const results: BenchScriptMatch[] = [];
  let chosen = false;
  for (const { script, source } of scripts) {
    const verdict = await tryScript(link, script);
    const match: BenchScriptMatch = { name: script.name, source, ...verdict, chosen: false };
    if (match.matched && !chosen) {
      match.chosen = true;
      chosen = true;
    }
    results.push(match);
  }
  return {
    dpidr: port.dpidr >>> 0,
    apIdr: port.apIdr >>> 0,
    romTable: ids.romTable,
    pids: ids.pids,
    cids,
    ...(ids.cpuid === undefined ? {} : { cpuid: ids.cpuid >>> 0 }),
    scripts: results,
  };
}

/** One script's verdict: the first step it fails, or matched. */
async function tryScript(
  link: BenchLink,
  script: ScriptCandidate,
): Promise<Pick<BenchScriptMatch, 'matched' | 'step' | 'reason'>> {
  const pids = link.ids.pids;
  for (let i = 0; i < pids.length; i++) {
    const mask = script.pidMasks[i] >>> 0;
    const want = script.pidValues[i] >>> 0;
    if ((pids[i] & mask) >>> 0 !== want) {
      return {
        matched: false,
        step: 'pid',
        reason: `${PID_LABELS[i]} reads ${hex(pids[i])}, the script wants ${hex(want)} (mask ${hex(mask, 8)}).`,
      };
    }
  }
  const host = safeReadHost(link.cpu.ap);
  for (const check of script.checkValues) {
    const word = await host.safeRead(check.address);
    if (word === undefined) {
      return {
        matched: false,
        step: 'check-value',
        reason: `Check value at ${formatAddress(check.address)}: the address cannot be read.`,
      };
    }
    const masked = (word & check.mask) >>> 0;
    if (masked !== check.value >>> 0) {
      return {
        matched: false,
        step: 'check-value',
        reason: `Check value at ${formatAddress(check.address)} reads ${hex(word, 8)}; & ${hex(check.mask, 8)} = ${hex(masked, 8)}, the script wants ${hex(check.value, 8)}.`,
      };
    }
  }
  const checks = `ids and ${script.checkValues.length} check value${script.checkValues.length === 1 ? '' : 's'} match`;
  const runner = new ScriptRunner(link.cpu, script);
  if (!runner.has(Slot.cpuid))
    return { matched: true, step: 'matched', reason: `${checks}; no cpuid entry.` };
  try {
    await runner.load();
    const r = await runner.call(Slot.cpuid, [], EntryTimeoutMs.cpuid, host, 'cpuid');
    if (r.r0 !== 0 && r.r1 >>> 0 === CPUID_KEY)
      return { matched: true, step: 'matched', reason: `${checks}; cpuid accepts the core.` };
    return {
      matched: false,
      step: 'cpuid',
      reason: `${checks}, but cpuid refuses the core: R0 = ${hex(r.r0, 8)}, R1 = ${hex(r.r1, 8)} (accepting means R0 ≠ 0 and R1 = ${hex(CPUID_KEY, 8)}).`,
    };
  } catch (error) {
    if (!(error instanceof WebProgError) || error.code === 'DEVICE_LOST') throw error;
    return { matched: false, step: 'cpuid', reason: `${checks}, but cpuid failed: ${error.message}` };
  }
}
