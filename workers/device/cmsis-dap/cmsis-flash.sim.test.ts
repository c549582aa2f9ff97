/**
 * CMSIS flash algorithms on the simulated chips: WebProg's own algorithms for the nRF51822,
 * nRF52833 and STM32F411, loaded from the .FLM, from the CMSIS-Pack and from the probe-rs
 * target description, flash each chip through the layout → flasher pipeline and verify; bad
 * algorithms fail with clear errors and leave the flash as it was.
 */
import { describe, expect, it } from 'vitest';
import type { CmsisTarget } from '../../../src/core/cmsis/algorithm';
import { WebProgError } from '../../../src/core/errors';
import type { ProgressEvent } from '../../../src/core/progress';
import { SparseData } from '../../../src/core/memory/sparse-data';
import {
  createSimulatedMicrobit,
  createSimulatedStm32f411Probe,
  type SimulatedProbe,
} from '../../../src/sim';
import { imageOf, randomBytes } from './testing/images';
import { ownTarget, type LoadPath } from './testing/own-algorithms';
import { simBackend } from './testing/sim-backend';

const W = { allowWrites: true };
const LIMIT_MS = 300_000;

const chips = [
  {
    stem: 'nrf51822',
    probe: () => createSimulatedMicrobit('v1', { latency: 'zero' }),
    base: 0,
    sector: 0x400,
  },
  {
    stem: 'nrf52833',
    probe: () => createSimulatedMicrobit('v2', { latency: 'zero' }),
    base: 0,
    sector: 0x1000,
  },
  {
    stem: 'stm32f411',
    probe: () => createSimulatedStm32f411Probe({ latency: 'zero' }),
    base: 0x0800_0000,
    sector: 0x4000,
  },
] as const;

function backendWith(probe: SimulatedProbe, target: CmsisTarget) {
  const backend = simBackend(probe);
  Object.assign(backend['options'], { cmsisTargets: async () => [target] });
  return backend;
}

/** The target with its (only) algorithm changed by `change`. */
function altered(
  target: CmsisTarget,
  change: (code: Uint8Array, entries: CmsisTarget['algorithms'][0]['entries']) => void,
): CmsisTarget {
  const algo = target.algorithms[0];
  const instructions = algo.instructions.slice();
  change(instructions, algo.entries);
  return { ...target, algorithms: [{ ...algo, instructions }] };
}

/** Thumb `movs r0, #n; bx lr`. */
function returns(n: number): number[] {
  return [n, 0x20, 0x70, 0x47];
}

describe.each(chips)('CMSIS algorithm on the simulated $stem', (chip) => {
  it.each<LoadPath>(['flm', 'pack', 'probe-rs'])(
    'flashes and verifies through the %s path',
    async (path) => {
      const target = ownTarget(chip.stem, path);
      const probe = chip.probe();
      const backend = backendWith(probe, target);
      const { regions, target: info } = await backend.connect({ chip: target.name });
      expect(info.name).toBe(target.name);
      expect(regions[0].base).toBe(chip.base);
      // Three sectors and a half, from the second sector: a partial page at the end.
      const data = randomBytes(chip.sector * 3 + chip.sector / 2 + 100, 11);
      const at = chip.base + chip.sector;
      const events: ProgressEvent[] = [];
      const report = await backend.flash(imageOf(regions, SparseData.from([{ address: at, data }])), {
        ...W,
        onProgress: (e) => events.push(e),
      });
      expect(report.verified).toBe(true);
      expect(report.erasedBlocks).toBe(4);
      expect(probe.target.readMemory(at, data.length)).toEqual(data);
      // The rest of the fourth sector is erased, the first sector untouched (blank).
      expect(probe.target.readMemory(at + data.length, 16)).toEqual(new Uint8Array(16).fill(0xff));
      expect(events.some((e) => e.kind === 'finished' && e.operation === 'Flash')).toBe(true);
      expect(events.some((e) => e.kind === 'finished' && e.operation === 'Verify')).toBe(true);
      await backend.disconnect();
    },
    LIMIT_MS,
  );
});

describe('bad CMSIS algorithms change nothing', () => {
  const old = randomBytes(0x1000, 5);
  /** A micro:bit V2 whose first page holds `old`, with the target loaded from the FLM. */
  function board() {
    return createSimulatedMicrobit('v2', { latency: 'zero', flash: [{ address: 0, data: old }] });
  }
  const image = (regions: Parameters<typeof imageOf>[0]) =>
    imageOf(regions, SparseData.from([{ address: 0, data: randomBytes(0x1000, 6) }]));

  async function failure(target: CmsisTarget): Promise<{ error: WebProgError; probe: SimulatedProbe }> {
    const probe = board();
    const backend = backendWith(probe, target);
    try {
      const { regions } = await backend.connect({ chip: target.name });
      await backend.flash(image(regions), W);
    } catch (error) {
      expect(error).toBeInstanceOf(WebProgError);
      expect(probe.target.readMemory(0, 0x1000)).toEqual(old);
      return { error: error as WebProgError, probe };
    }
    throw new Error('the flash did not fail');
  }

  it(
    'an EraseSector that never returns times out after the description timeout',
    async () => {
      const target = altered(ownTarget('nrf52833', 'flm'), (code, e) =>
        code.set([0xfe, 0xe7], e.eraseSector),
      );
      const probe = board();
      const backend = backendWith(probe, target);
      const { regions } = await backend.connect({ chip: target.name });
      const start = probe.clock.elapsedMs;
      const error = await backend.flash(image(regions), W).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TIMEOUT' });
      expect((error as Error).message).toMatch(/EraseSector|eraseSector.*500 ms/);
      expect(probe.clock.elapsedMs - start).toBeGreaterThanOrEqual(500);
      expect(probe.target.readMemory(0, 0x1000)).toEqual(old);
    },
    LIMIT_MS,
  );

  it(
    'Init returning failure stops before any erase',
    async () => {
      const target = altered(ownTarget('nrf52833', 'flm'), (code, e) => code.set(returns(1), e.init!));
      const { error } = await failure(target);
      expect(error.code).toBe('DEVICE_FAULT');
      expect(error.message).toMatch(/Init returned 1.*nothing was changed/);
    },
    LIMIT_MS,
  );

  it(
    'a RAM address outside the chip is refused at connect',
    async () => {
      const target = { ...ownTarget('nrf52833', 'flm'), ram: { start: 0x3000_0000, size: 0x8000 } };
      const probe = board();
      const backend = backendWith(probe, target);
      const error = await backend.connect({ chip: target.name }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ADDRESS_OUT_OF_RANGE' });
      expect((error as Error).message).toMatch(/no RAM at 0x30000000/);
      expect(probe.target.readMemory(0, 0x1000)).toEqual(old);
    },
    LIMIT_MS,
  );

  it('RAM too small for the algorithm is refused before anything is written', async () => {
    const target = { ...ownTarget('nrf52833', 'flm'), ram: { start: 0x2000_0000, size: 0x800 } };
    const backend = backendWith(board(), target);
    await expect(backend.connect({ chip: target.name })).rejects.toMatchObject({
      code: 'ADDRESS_OUT_OF_RANGE',
    });
  });
});

describe('verify: the algorithm’s Verify, else our CRC-32 routine, else read-back', () => {
  const image = (regions: Parameters<typeof imageOf>[0]) =>
    imageOf(regions, SparseData.from([{ address: 0x2000, data: randomBytes(0x2000, 8) }]));
  /** The nRF52833 target without Verify, with `ramSize` bytes of RAM (small: no room for the CRC routine). */
  function withoutVerify(ramSize = 0x2_0000): CmsisTarget {
    const t = ownTarget('nrf52833', 'probe-rs');
    const algo = t.algorithms[0];
    const { verify: _, ...entries } = algo.entries;
    void _;
    return { ...t, ram: { start: 0x2000_0000, size: ramSize }, algorithms: [{ ...algo, entries }] };
  }
  /** The target with ProgramPage doing nothing but returning success. */
  const programsNothing = (t: CmsisTarget) => altered(t, (code, e) => code.set(returns(0), e.programPage));

  it.each([
    ['Verify', () => ownTarget('nrf52833', 'probe-rs')],
    ['the CRC-32 routine', () => withoutVerify()],
    ['read-back', () => withoutVerify(0x2600)],
  ])(
    'through %s a flash verifies, and a page left unprogrammed is caught',
    async (_path, make) => {
      const good = make();
      const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
      const backend = backendWith(probe, good);
      const { regions } = await backend.connect({ chip: good.name });
      expect(await backend.flash(image(regions), W)).toMatchObject({ verified: true, erasedBlocks: 2 });
      const before = backend.packetsSent;
      const again = await backend.flash(image(regions), W);
      // Unchanged blocks are skipped: found by the on-chip CRC-32 routine where it fits in RAM
      // (a few packets), else by reading the 8 KiB back.
      expect(again).toMatchObject({ skippedBlocks: 2, erasedBlocks: 0, bytesWritten: 0 });
      const packets = backend.packetsSent - before;
      if (good.ram.size > 0x2600) expect(packets).toBeLessThan(60);
      else expect(packets).toBeGreaterThan(100);

      const bad = programsNothing(make());
      const other = createSimulatedMicrobit('v2', { latency: 'zero' });
      const failing = backendWith(other, bad);
      const connected = await failing.connect({ chip: bad.name });
      await expect(failing.flash(image(connected.regions), W)).rejects.toMatchObject({
        code: 'VERIFY_FAILED',
        address: 0x2000,
      });
    },
    LIMIT_MS,
  );
});
