/**
 * The CMSIS-DAP backend's connected state and the two ways a connect builds it on a halted
 * core: through a device script (identified by the chip's ids, its init stages describe the
 * flash) or through the CMSIS flash algorithms of a target the person loaded.
 */
import type { CmsisTarget } from '../../../src/core/cmsis/algorithm';
import { WebProgError, formatAddress } from '../../../src/core/errors';
import type { FlashAlgorithm } from '../../../src/core/flash/algorithm';
import type { Region } from '../../../src/core/memory/region';
import type { TargetInfo } from '../backend';
import type { CmsisDapBackendOptions } from './backend';
import { CmsisTargetFlash, crc32Routine } from './cmsis-target-flash';
import type { CortexM } from './cortex-m';
import type { ProbeInfo } from './dap-probe';
import { eraseCostsFor } from './erase-costs';
import { identifyChip, safeReadHost, type ChipIds, type ScriptCandidate } from './identify';
import { requireReadableFlash } from './read-protection';
import { ScriptFlashAlgorithm } from './script-flash';
import { EntryTimeoutMs, Slot, type ScriptRunner } from './script-runner';

/** The backend's connected state: the chip, its regions and the algorithm that flashes them. */
export interface CmsisDapSession {
  probe: ProbeInfo;
  cpu: CortexM;
  /** The device script's runner and script, when flashing through a device script. */
  runner?: ScriptRunner;
  script?: ScriptCandidate;
  /** The CMSIS algorithms, when flashing through them. */
  cmsis?: CmsisTargetFlash;
  /** RAM the loaded code occupies (raw writes there disturb the session). */
  loaded: { address: number; size: number };
  /** RAM buffer for write data. */
  stagingAddr: number;
  algorithm: FlashAlgorithm;
  regions: Region[];
  target: TargetInfo;
}

/** The loaded CMSIS target (of `options.cmsisTargets`) named exactly `chip` (any case), if any. */
export async function cmsisTargetNamed(
  options: Pick<CmsisDapBackendOptions, 'cmsisTargets'>,
  chip: string | undefined,
): Promise<CmsisTarget | undefined> {
  if (chip === undefined || !options.cmsisTargets) return undefined;
  const wanted = chip.trim().toLowerCase();
  return (await options.cmsisTargets()).find((t) => t.name.toLowerCase() === wanted);
}

/**
 * Connects through a device script: identifies the chip among `options.scripts` (or takes
 * the one named `chip`), runs its init stages, decodes the flash they describe with
 * `options.decodeLayout` and refuses read-protected flash.
 */
export async function scriptSession(
  probe: ProbeInfo,
  cpu: CortexM,
  ids: ChipIds,
  options: Pick<CmsisDapBackendOptions, 'scripts' | 'decodeLayout'>,
  chip: string | undefined,
): Promise<CmsisDapSession> {
  const ap = cpu.ap;
  const { script, runner } = await identifyChip(cpu, ids, await options.scripts(), chip);
  const host = safeReadHost(ap);
  let init = { r0: 0xffffffff, r1: 0 };
  for (const [slot, name] of [
    [Slot.initStage1, 'init stage 1'],
    [Slot.initStage2, 'init stage 2'],
    [Slot.initStage3, 'init stage 3'],
  ] as const) {
    if (runner.has(slot)) init = await runner.call(slot, [], EntryTimeoutMs.init, host, name);
  }
  if (init.r0 === 0 || init.r0 & 3) {
    throw new WebProgError(
      'DEVICE_PROTOCOL',
      `Device script "${script.name}" did not describe the flash (FlashInfoRaw at ${formatAddress(init.r0)}).`,
    );
  }
  const regions = await options.decodeLayout((a, n) => ap.readBytes(a, n), init.r0, init.r1, script.name);
  await requireReadableFlash(ap, regions);
  const stagingBytes = Math.max(...regions.map((r) => r.writeSize));
  const algorithm = new ScriptFlashAlgorithm(
    runner,
    host,
    script.extension,
    stagingBytes,
    eraseCostsFor(script.name),
  );
  const target: TargetInfo = {
    name: script.name,
    additional: [
      ...regions.map(
        (r) => `${r.name}: ${formatAddress(r.base)}, ${r.size / 1024} KiB, blocks of ${r.eraseSize} bytes`,
      ),
      idsLine(ids),
    ],
    romTablePids: [...ids.pids],
  };
  return {
    probe,
    cpu,
    runner,
    script,
    algorithm,
    regions,
    target,
    loaded: { address: script.loadAddr, size: script.image.length },
    stagingAddr: script.stagingAddr,
  };
}

/**
 * Connects through a CMSIS target's flash algorithms: lays them out in its RAM (refused
 * before anything is written when they do not fit), checks the RAM exists and uploads the
 * first algorithm. The regions are the algorithms' flash descriptions.
 */
export async function cmsisSession(
  probe: ProbeInfo,
  cpu: CortexM,
  ids: ChipIds,
  chosen: CmsisTarget,
): Promise<CmsisDapSession> {
  const flash = new CmsisTargetFlash(cpu, chosen, crc32Routine());
  await flash.load();
  const regions = flash.regions;
  const target: TargetInfo = {
    name: chosen.name,
    additional: [
      ...regions.map(
        (r) => `${r.name}: ${formatAddress(r.base)}, ${r.size / 1024} KiB, sectors of ${r.eraseSize} bytes`,
      ),
      `CMSIS flash algorithm (${chosen.source}): ${chosen.algorithms.map((a) => a.name).join(', ')}`,
      idsLine(ids),
    ],
    romTablePids: [...ids.pids],
  };
  const first = flash.runners[0].at;
  return {
    probe,
    cpu,
    cmsis: flash,
    algorithm: flash,
    regions,
    target,
    loaded: { address: first.trap, size: first.end - first.trap },
    stagingAddr: first.buffers[0],
  };
}

/** The target information's line of the chip's CPUID and DPIDR. */
function idsLine(ids: ChipIds): string {
  return `CPUID ${ids.cpuid === undefined ? 'unreadable' : formatAddress(ids.cpuid)}, DPIDR ${formatAddress(ids.dpidr)}`;
}
