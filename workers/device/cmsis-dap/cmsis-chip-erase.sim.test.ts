/**
 * Chip erase through CMSIS flash algorithms on the simulated chips: a chip erase request runs
 * the algorithm's EraseChip (loaded from the .FLM, the pack and the probe-rs YAML); a flash that
 * changes most of the flash picks EraseChip, a small one sector erases; an algorithm without
 * EraseChip falls back to sector erase; an EraseChip that fails or never returns (timeout
 * from the description) gives a clear error and nothing else runs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CmsisTarget } from '../../../src/core/cmsis/algorithm';
import { chipEraseTimeoutMs } from '../../../src/core/cmsis/erase-costs';
import { SparseData } from '../../../src/core/memory/sparse-data';
import {
  createSimulatedMicrobit,
  createSimulatedStm32f411Probe,
  type SimulatedProbe,
} from '../../../src/sim';
import { CmsisRunner } from './cmsis-runner';
import { imageOf, randomBytes } from './testing/images';
import { ownTarget, type LoadPath } from './testing/own-algorithms';
import { simBackend } from './testing/sim-backend';

const W = { allowWrites: true };
const LIMIT_MS = 300_000;
const PATHS: LoadPath[] = ['flm', 'pack', 'probe-rs'];

const chips = [
  {
    stem: 'nrf51822',
    probe: () => createSimulatedMicrobit('v1', { latency: 'zero', flash: OLD(0) }),
    base: 0,
    size: 0x4_0000,
  },
  {
    stem: 'nrf52833',
    probe: () => createSimulatedMicrobit('v2', { latency: 'zero', flash: OLD(0) }),
    base: 0,
    size: 0x8_0000,
  },
  {
    stem: 'stm32f411',
    probe: () => createSimulatedStm32f411Probe({ latency: 'zero', flash: OLD(0x0800_0000) }),
    base: 0x0800_0000,
    size: 0x8_0000,
  },
] as const;

/** Old data in the first 4 KiB and near the end of the first half of the flash. */
function OLD(base: number) {
  return [
    { address: base, data: randomBytes(0x1000, 3) },
    { address: base + 0x3_0000, data: randomBytes(0x400, 4) },
  ];
}

/** Old data over the first `size` bytes from `base` (every sector there needs an erase). */
function FULL(base: number, size: number) {
  return [{ address: base, data: randomBytes(size, 5) }];
}

function backendWith(probe: SimulatedProbe, target: CmsisTarget) {
  const backend = simBackend(probe);
  Object.assign(backend['options'], { cmsisTargets: async () => [target] });
  return backend;
}

/** Records the algorithm functions started (other than Init/UnInit), by entry name. */
function recordCalls(): string[] {
  const calls: string[] = [];
  const start = CmsisRunner.prototype.start;
  vi.spyOn(CmsisRunner.prototype, 'start').mockImplementation(function (this: CmsisRunner, entry, args) {
    if (entry !== 'init' && entry !== 'uninit') calls.push(entry);
    return start.call(this, entry, args);
  });
  return calls;
}

/** The target with its (only) algorithm changed. */
function altered(
  target: CmsisTarget,
  change: (algo: CmsisTarget['algorithms'][0], code: Uint8Array) => CmsisTarget['algorithms'][0] | void,
): CmsisTarget {
  const algo = target.algorithms[0];
  const instructions = algo.instructions.slice();
  const changed = change({ ...algo, instructions }, instructions) ?? { ...algo, instructions };
  return { ...target, algorithms: [changed] };
}

/** Thumb `movs r0, #n; bx lr`. */
const returns = (n: number) => [n, 0x20, 0x70, 0x47];
/** Thumb `b .` (a function that never returns). */
const loopsForever = [0xfe, 0xe7];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a chip erase request runs EraseChip', () => {
  it.each(chips.map((chip, i) => ({ ...chip, path: PATHS[i] })))(
    'on the simulated $stem (loaded through the $path path), once, no sector erase',
    async (chip) => {
      const target = ownTarget(chip.stem, chip.path);
      expect(target.algorithms[0].entries.eraseChip).toBeDefined();
      const probe = chip.probe();
      const backend = backendWith(probe, target);
      await backend.connect({ chip: target.name });
      const calls = recordCalls();
      const report = await backend.erase(W);
      expect(calls.filter((c) => c === 'eraseChip')).toHaveLength(1);
      expect(calls).not.toContain('eraseSector');
      expect(report.erasedBlocks).toBeGreaterThan(0);
      const erased = new Uint8Array(chip.size).fill(0xff);
      expect(probe.target.readMemory(chip.base, chip.size)).toEqual(erased);
      await backend.disconnect();
    },
    LIMIT_MS,
  );
});

describe('the flasher weighs EraseChip against sector erases', () => {
  it.each(PATHS)(
    'through the %s path: three quarters of the nRF51822 changing is a chip erase, the kept data is restored',
    async (path) => {
      const target = ownTarget('nrf51822', path);
      const old = FULL(0, 0x3_0400)[0].data;
      const probe = createSimulatedMicrobit('v1', { latency: 'zero', flash: FULL(0, 0x3_0400) });
      const backend = backendWith(probe, target);
      const { regions } = await backend.connect({ chip: target.name });
      const calls = recordCalls();
      const data = randomBytes(0x3_0000 - 0x1000, 21); // 188 of the 256 sectors
      const report = await backend.flash(imageOf(regions, SparseData.from([{ address: 0x1000, data }])), W);
      expect(report.verified).toBe(true);
      expect(calls.filter((c) => c === 'eraseChip')).toHaveLength(1);
      expect(calls).not.toContain('eraseSector');
      expect(probe.target.readMemory(0x1000, data.length)).toEqual(data);
      // Outside the image: the old data is back (preserve), the rest erased.
      expect(probe.target.readMemory(0, 0x1000)).toEqual(old.subarray(0, 0x1000));
      expect(probe.target.readMemory(0x3_0000, 0x400)).toEqual(old.subarray(0x3_0000));
      expect(probe.target.readMemory(0x3_0400, 0x100)).toEqual(new Uint8Array(0x100).fill(0xff));
    },
    LIMIT_MS,
  );

  it(
    'a flash of a few sectors erases sectors, not the chip',
    async () => {
      const target = ownTarget('stm32f411', 'pack');
      const probe = createSimulatedStm32f411Probe({ latency: 'zero', flash: OLD(0x0800_0000) });
      const backend = backendWith(probe, target);
      const { regions } = await backend.connect({ chip: target.name });
      const calls = recordCalls();
      const data = randomBytes(0x2_0000, 22); // the 64 KiB and the first 128 KiB sectors' worth
      const at = 0x0800_4000;
      const report = await backend.flash(imageOf(regions, SparseData.from([{ address: at, data }])), W);
      expect(report.verified).toBe(true);
      expect(calls).not.toContain('eraseChip');
      expect(calls.filter((c) => c === 'eraseSector').length).toBeGreaterThan(0);
      expect(probe.target.readMemory(0x0800_0000, 0x1000)).toEqual(OLD(0)[0].data);
      expect(probe.target.readMemory(at, data.length)).toEqual(data);
    },
    LIMIT_MS,
  );
});

describe('an algorithm without EraseChip', () => {
  const withoutEraseChip = (path: LoadPath, stem: 'nrf51822' | 'nrf52833' = 'nrf52833') =>
    altered(ownTarget(stem, path), (algo) => {
      const { eraseChip: _, ...entries } = algo.entries;
      void _;
      return { ...algo, entries };
    });

  it.each<LoadPath>(['probe-rs'])(
    'through the %s path: an erase request falls back to erasing every sector',
    async (path) => {
      const target = withoutEraseChip(path);
      const probe = createSimulatedMicrobit('v2', { latency: 'zero', flash: OLD(0) });
      const backend = backendWith(probe, target);
      await backend.connect({ chip: target.name });
      const calls = recordCalls();
      const report = await backend.erase(W);
      expect(calls).not.toContain('eraseChip');
      expect(calls.filter((c) => c === 'eraseSector')).toHaveLength(128);
      expect(report.erasedBlocks).toBe(128);
      expect(probe.target.readMemory(0, 0x8_0000)).toEqual(new Uint8Array(0x8_0000).fill(0xff));
    },
    LIMIT_MS,
  );

  it(
    'a flash of most of the chip erases sector by sector',
    async () => {
      const target = withoutEraseChip('flm', 'nrf51822');
      const probe = createSimulatedMicrobit('v1', { latency: 'zero', flash: FULL(0, 0x3_0000) });
      const backend = backendWith(probe, target);
      const { regions } = await backend.connect({ chip: target.name });
      const calls = recordCalls();
      const data = randomBytes(0x3_0000, 23);
      const report = await backend.flash(imageOf(regions, SparseData.from([{ address: 0, data }])), W);
      expect(report).toMatchObject({ verified: true, erasedBlocks: 0xc0 });
      expect(calls).not.toContain('eraseChip');
      expect(probe.target.readMemory(0, data.length)).toEqual(data);
    },
    LIMIT_MS,
  );
});

describe('an EraseChip that fails changes nothing else', () => {
  it.each(PATHS)(
    'through the %s path: EraseChip returning 1 is a clear error, no sector is erased or programmed',
    async (path) => {
      const target = altered(ownTarget('nrf52833', path), (algo, code) => {
        code.set(returns(1), algo.entries.eraseChip!);
      });
      const probe = createSimulatedMicrobit('v2', { latency: 'zero', flash: FULL(0, 0x6_0000) });
      const before = probe.target.readMemory(0, 0x8_0000);
      const backend = backendWith(probe, target);
      const { regions } = await backend.connect({ chip: target.name });
      const calls = recordCalls();
      const error = await backend.erase(W).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'FLASH_ERASE_FAILED' });
      expect((error as Error).message).toMatch(/Chip erase failed.*EraseChip returned 1/);
      // A flash the flasher would do by chip erase stops at the failed EraseChip too.
      const data = randomBytes(0x6_0000, 24);
      const flashError = await backend
        .flash(imageOf(regions, SparseData.from([{ address: 0, data }])), W)
        .catch((e: unknown) => e);
      expect(flashError).toMatchObject({ code: 'FLASH_ERASE_FAILED' });
      expect(calls.filter((c) => c === 'eraseChip')).toHaveLength(2);
      expect(calls).not.toContain('eraseSector');
      expect(calls).not.toContain('programPage');
      expect(probe.target.readMemory(0, 0x8_0000)).toEqual(before);
    },
    LIMIT_MS,
  );

  it(
    'an EraseChip that never returns times out after toErase × sectors and changes nothing',
    async () => {
      // 8 sectors; a 50 ms sector timeout keeps the modeled wait short.
      const target = altered(ownTarget('stm32f411', 'probe-rs'), (algo, code) => {
        code.set(loopsForever, algo.entries.eraseChip!);
        return { ...algo, instructions: code, flash: { ...algo.flash, eraseTimeoutMs: 50 } };
      });
      expect(chipEraseTimeoutMs(target.algorithms[0].flash)).toBe(400);
      const probe = createSimulatedStm32f411Probe({ latency: 'zero', flash: OLD(0x0800_0000) });
      const before = probe.target.readMemory(0x0800_0000, 0x8_0000);
      const backend = backendWith(probe, target);
      await backend.connect({ chip: target.name });
      const calls = recordCalls();
      const start = probe.clock.elapsedMs;
      const error = await backend.erase(W).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TIMEOUT' });
      expect((error as Error).message).toMatch(/did not return from EraseChip within its 400 ms timeout/);
      expect(probe.clock.elapsedMs - start).toBeGreaterThanOrEqual(400);
      expect(calls).toEqual(['eraseChip']);
      expect(probe.target.readMemory(0x0800_0000, 0x8_0000)).toEqual(before);
    },
    LIMIT_MS,
  );
});
