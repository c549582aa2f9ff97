/**
 * Issue 19's bad inputs, each through the path the app takes (load the file as a user target,
 * hand it to the device worker, connect naming it, flash), against a simulated chip holding
 * data: each gives a clear error and the chip's flash (and UICR) stays as it was. Covered here:
 * a truncated ELF, a FlashDevice with impossible sectors, a pack without the chosen device, a
 * device script whose init reports an overlapping layout, CMSIS flash areas that overlap.
 * Covered beside the runner (`cmsis-flash.sim.test.ts`, `cmsis-chip-erase.sim.test.ts`): an
 * algorithm that never returns (EraseSector, EraseChip: timeout from the description), Init
 * returning failure, a RAM address outside the chip.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleDeviceScript } from '../../../src/core/asm';
import type { CmsisTarget } from '../../../src/core/cmsis/algorithm';
import { parseElf } from '../../../src/core/cmsis/elf';
import { WebProgError } from '../../../src/core/errors';
import { SparseData } from '../../../src/core/memory/sparse-data';
import { loadUserTarget, type UserTarget } from '../../../src/core/user-targets';
import { createSimulatedMicrobit, type SimulatedProbe } from '../../../src/sim';
import { backendFactories } from '../backend-registry';
import { imageOf, randomBytes } from './testing/images';
import { nodeScripts } from './testing/node-scripts';
import { ownAlgorithmFile, ownTarget } from './testing/own-algorithms';
import { UserTargetRegistry } from './user-targets';

const W = { allowWrites: true };
const LIMIT_MS = 300_000;
const UICR = 0x1000_1000;
const OLD = [
  { address: 0, data: randomBytes(0x3000, 31) },
  { address: 0x4_0000, data: randomBytes(0x1000, 32) },
];

/** A micro:bit V2 holding old data, and a snapshot of its flash and UICR. */
function board(): { probe: SimulatedProbe; unchanged: () => void } {
  const probe = createSimulatedMicrobit('v2', { latency: 'zero', flash: OLD });
  const flash = probe.target.readMemory(0, 0x8_0000);
  const uicr = probe.target.readMemory(UICR, 0x400);
  return {
    probe,
    unchanged: () => {
      expect(probe.target.readMemory(0, 0x8_0000)).toEqual(flash);
      expect(probe.target.readMemory(UICR, 0x400)).toEqual(uicr);
    },
  };
}

/** The device worker's backend for `probe` with `loaded` handed over as the page does. */
function backendWith(probe: SimulatedProbe, loaded: UserTarget[], cmsis?: CmsisTarget[]) {
  const registry = new UserTargetRegistry();
  const { skipped } = registry.set(loaded);
  const { usbBackend } = backendFactories({
    scripts: registry.scriptsWith(nodeScripts),
    cmsisTargets: cmsis ? async () => cmsis : registry.cmsisTargets,
  });
  return {
    backend: usbBackend(probe.usbDevice as unknown as USBDevice, () => probe.clock.elapsedMs),
    skipped,
  };
}

/** Connects naming `chip` and flashes 8 KiB; returns the error. */
async function attempt(
  probe: SimulatedProbe,
  backend: ReturnType<typeof backendWith>['backend'],
  chip: string,
) {
  try {
    const { regions } = await backend.connect({ chip });
    await backend.flash(
      imageOf(regions, SparseData.from([{ address: 0x1000, data: randomBytes(0x2000, 33) }])),
      W,
    );
  } catch (error) {
    expect(error).toBeInstanceOf(WebProgError);
    return error as WebProgError;
  }
  throw new Error(`the flash with ${chip} on ${probe.target.constructor.name} did not fail`);
}

/** Loading `bytes` as the app does: the error, or the record when it loads. */
function load(file: string, bytes: Uint8Array, device?: string): WebProgError {
  try {
    loadUserTarget(file, bytes, device ? { device } : {});
  } catch (error) {
    expect(error).toBeInstanceOf(WebProgError);
    return error as WebProgError;
  }
  throw new Error(`${file} loaded`);
}

/**
 * A record as an older version might have stored it (loading checks files; the worker checks
 * again what it is handed): the bytes replaced after the check.
 */
function stored(file: string, good: Uint8Array, bad: Uint8Array, device?: string): UserTarget {
  return { ...loadUserTarget(file, good, device ? { device } : {}), bytes: bad };
}

describe('bad inputs give clear errors and change nothing on the chip', () => {
  it(
    'a truncated ELF',
    async () => {
      const good = ownAlgorithmFile('nrf52833.FLM');
      const cut = good.subarray(0, good.length - 10);
      const error = load('cut.FLM', cut);
      expect(error.code).toBe('FORMAT_INVALID');
      expect(error.message).toMatch(/cut\.FLM.*truncated/);
      const { probe, unchanged } = board();
      const record = stored('cut.FLM', good, cut);
      const { backend, skipped } = backendWith(probe, [record]);
      expect(skipped).toEqual([{ name: record.name, reason: expect.stringMatching(/cut\.FLM.*truncated/) }]);
      // Connecting with it named finds no such target (nor a script of that name).
      const failed = await attempt(probe, backend, record.name);
      expect(failed.message).toMatch(/No device script is named like "nRF52833 512 KiB Flash"/);
      unchanged();
    },
    LIMIT_MS,
  );

  it(
    'a FlashDevice with impossible sectors',
    async () => {
      const good = ownAlgorithmFile('nrf52833.FLM');
      const odd = good.slice();
      const devDscr = parseElf(odd, 'odd.FLM').sections.find((s) => s.name === 'DevDscr')!;
      new DataView(odd.buffer).setUint32(devDscr.offset + 160, 0x300, true); // 768-byte sectors
      const error = load('odd.FLM', odd);
      expect(error.code).toBe('FORMAT_INVALID');
      expect(error.message).toMatch(/odd\.FLM.*sectors of 768 bytes .*do not fill/);
      const { probe, unchanged } = board();
      const record = stored('odd.FLM', good, odd);
      const { backend, skipped } = backendWith(probe, [record]);
      expect(skipped[0].reason).toMatch(/sectors of 768 bytes/);
      await attempt(probe, backend, record.name);
      unchanged();
    },
    LIMIT_MS,
  );

  it(
    'a pack without the chosen device',
    async () => {
      const pack = ownAlgorithmFile('WebProg.SimulatedChips.pack');
      const error = load('sim.pack', pack, 'nRF52840_xxAA');
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(
        /has no device "nRF52840_xxAA".*nRF51822_xxAA, nRF52833_xxAA, STM32F411RETx/,
      );
      const { probe, unchanged } = board();
      const record = {
        ...loadUserTarget('sim.pack', pack, { device: 'nRF52833_xxAA' }),
        device: 'nRF52840_xxAA',
      };
      const { backend, skipped } = backendWith(probe, [record]);
      expect(skipped[0].reason).toMatch(/no device "nRF52840_xxAA"/);
      await attempt(probe, backend, 'nRF52840_xxAA');
      unchanged();
    },
    LIMIT_MS,
  );

  it(
    'a device script whose init reports a layout that overlaps',
    async () => {
      // Our nRF52833 script with its UICR piece reported at 0x2000, inside the code flash.
      const dir = join(process.cwd(), 'device-scripts', 'src');
      const file = 'nrf52833.20000000.m0.S';
      const include = (name: string) => {
        let text: string;
        try {
          text = readFileSync(join(dir, 'include', name), 'utf8');
        } catch {
          return undefined;
        }
        if (name !== 'nrf5.S') return text;
        const piece = '    ldr r3, =NRF_UICR\n    str r3, [r0, #12]';
        expect(text).toContain(piece);
        return text.replace(piece, '    ldr r3, =0x2000\n    str r3, [r0, #12]');
      };
      const swds = assembleDeviceScript(readFileSync(join(dir, file), 'utf8'), {
        fileName: file,
        loadAddress: 0x2000_0000,
        include,
      });
      const { probe, unchanged } = board();
      const { backend, skipped } = backendWith(probe, [loadUserTarget('overlap.swds', swds)]);
      expect(skipped).toEqual([]);
      const error = await attempt(probe, backend, 'nRF52833');
      // What the script's init reported is the script's protocol output.
      expect(error.code).toBe('DEVICE_PROTOCOL');
      expect(error.message).toMatch(
        /Device script "Nordic nRF52833": flash pieces overlap at 0x00002000 \(the previous piece ends at 0x00080000\)/,
      );
      unchanged();
    },
    LIMIT_MS,
  );

  it(
    'CMSIS flash areas that overlap',
    async () => {
      const target = ownTarget('nrf52833', 'pack');
      const algo = target.algorithms[0];
      // A second algorithm claiming 4 KiB at 0x1000, inside the first one's flash.
      const second = {
        ...algo,
        flash: {
          ...algo.flash,
          name: 'Extra',
          start: 0x1000,
          size: 0x1000,
          sectors: [{ address: 0x1000, size: 0x1000 }],
        },
      };
      const bad = { ...target, algorithms: [algo, second] };
      const { probe, unchanged } = board();
      const { backend } = backendWith(probe, [], [bad]);
      const error = await attempt(probe, backend, bad.name);
      expect(error.code).toBe('FORMAT_INVALID');
      expect(error.message).toMatch(/flash areas ".*" and "Extra" overlap at 0x00001000/);
      unchanged();
    },
    LIMIT_MS,
  );
});
