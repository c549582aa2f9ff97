/**
 * The device-script workbench against the simulated STM32F411 and micro:bit: CortexProg's info
 * (ids and each script's match verdict), a script assembled by our own assembler uploaded and
 * run stage by stage, the flash table its init describes, a block erased / written / read back,
 * syscall traps traced, and the hardware-write gate of the block test.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleDeviceScript } from '../../../src/core/asm';
import { WebProgError } from '../../../src/core/errors';
import {
  createSimulatedMicrobit,
  createSimulatedStm32f411Probe,
  type SimulatedProbe,
} from '../../../src/sim';
import type { Backend } from '../backend';
import type { BackendCallOptions } from '../device-api';
import { patternBytes } from './bench-pattern';
import { createWorkbenchApi } from './bench-service';
import { nodeScripts } from './testing/node-scripts';
import { simBackend } from './testing/sim-backend';

const SRC = path.join(process.cwd(), 'device-scripts', 'src');
const include = (name: string) => {
  try {
    return readFileSync(path.join(SRC, 'include', name), 'utf8');
  } catch {
    return undefined;
  }
};

/** `stm32f4.20000000.m0.S` assembled in TypeScript, with its family name changed to `name`. */
function stm32f4Script(name = 'STM32F4 workbench'): { file: string; bytes: Uint8Array } {
  const file = 'stm32f4.20000000.m0.S';
  const source = readFileSync(path.join(SRC, file), 'utf8').replace(
    /wp_footer_name ".*"/,
    `wp_footer_name "${name}"`,
  );
  return {
    file: 'stm32f4.swds',
    bytes: assembleDeviceScript(source, { fileName: file, loadAddress: 0x2000_0000, include }),
  };
}

/** A script whose cpuid makes syscalls: two safe reads (one unreadable), a watchpoint set and cleared. */
function syscallScript(): { file: string; bytes: Uint8Array } {
  const source = `
    .equ WP_STACK_TOP, 0x20001000
    .include "common.S"
    wp_header none, none, none, none, none, none, probe_cpuid, none, none, 0
    .thumb_func
probe_cpuid:
    wp_enter
    movs r0, #2
    ldr r1, =0xE000ED00
    bl wp_syscall
    movs r0, #2
    ldr r1, =0xFFFFFFF0
    bl wp_syscall
    movs r0, #0
    ldr r1, =0x40000000
    movs r2, #0
    movs r3, #5
    bl wp_syscall
    movs r0, #1
    bl wp_syscall
    movs r0, #1
    ldr r1, =WP_CPUID_KEY
    bkpt #0
    .ltorg
    wp_footer_begin
    wp_footer_fixed 0x20000000, 0x20000800
    .word 0, 0, 0, 0, 0, 0, 0, 0
    .word 0, 0, 0, 0, 0, 0, 0, 0
    .word 0
    wp_footer_name "Syscall probe"
`;
  return {
    file: 'probe.swds',
    bytes: assembleDeviceScript(source, {
      fileName: 'probe.20000000.m0.S',
      loadAddress: 0x2000_0000,
      include,
    }),
  };
}

/** The workbench API over one simulated probe's backend. */
function bench(probe: SimulatedProbe) {
  const backend = simBackend(probe);
  const api = createWorkbenchApi(
    {
      async withBackend<T>(
        _id: string,
        _what: string,
        options: BackendCallOptions,
        work: (
          b: Backend,
          ctx: { allowWrites?: boolean; confirm?: (m: string) => Promise<boolean> },
        ) => Promise<T>,
      ) {
        return work(backend, { allowWrites: options.allowWrites, confirm: options.confirm });
      },
    },
    { builtIn: nodeScripts, loaded: () => [] },
  );
  return { api, backend };
}

const LIMIT_MS = 120_000;

describe('device-script workbench on the simulated STM32F411', () => {
  it(
    'reads the ids and says why each script matches or not',
    async () => {
      const { api } = bench(createSimulatedStm32f411Probe({ latency: 'zero' }));
      const info = await api.benchInfo('sim', stm32f4Script());
      expect(info.dpidr).toBe(0x2ba01477);
      expect(info.romTable).toBe(0xe00ff000);
      expect(info.cids).toEqual([0x0d, 0x10, 0x05, 0xb1]);
      expect(info.cpuid! >>> 4).toBe(0x410fc24);
      expect(info.pids).toHaveLength(8);
      const f4 = info.scripts.find((s) => s.source === 'built-in' && s.name.startsWith('STM32F4'))!;
      expect(f4).toMatchObject({ matched: true, chosen: true, step: 'matched' });
      expect(f4.reason).toContain('cpuid accepts the core');
      const ours = info.scripts.find((s) => s.source === 'workbench')!;
      expect(ours).toMatchObject({ name: 'STM32F4 workbench', matched: true, chosen: false });
      const nrf = info.scripts.find((s) => s.name.includes('nRF52833'))!;
      expect(nrf).toMatchObject({ matched: false, step: 'pid' });
      expect(nrf.reason).toMatch(/^PID\d reads 0x[0-9A-F]{2}, the script wants 0x[0-9A-F]{2}/);
      // The G0 script's ids match ST's, its check value (DEV_ID) does not.
      const g0 = info.scripts.find((s) => s.name.includes('STM32G0'))!;
      expect(g0.step).toMatch(/check-value|cpuid/);
    },
    LIMIT_MS,
  );

  it(
    'runs cpuid and init one by one, decodes the flash, and tests one block with a pattern',
    async () => {
      // DAPLink latency (the default): the flash's modeled busy times (DS10314), on the virtual clock.
      const probe = createSimulatedStm32f411Probe();
      const { api } = bench(probe);
      const loaded = await api.benchLoad('sim', stm32f4Script());
      expect(loaded).toMatchObject({
        name: 'STM32F4 workbench',
        loadAddr: 0x2000_0000,
        stagingAddr: 0x2000_0800,
      });
      expect(loaded.stages).toEqual(['cpuid', 'init1']);
      const cpuid = await api.benchStage('sim', 'cpuid');
      expect(cpuid.ok).toBe(true);
      expect(cpuid.registers[1]).toBe(0xaceface5);
      expect(cpuid.timeMs).toBeGreaterThan(0);
      const init = await api.benchStage('sim', 'init1');
      expect(init.ok).toBe(true);
      expect(init.flash!.map((a) => [a.name, a.base, a.size])).toEqual([
        ['Code Flash', 0x0800_0000, 512 * 1024],
      ]);
      expect(init.flash![0].runs.map((r) => [r.address, r.eraseSize, r.count])).toEqual([
        [0x0800_0000, 0x4000, 4],
        [0x0801_0000, 0x10000, 1],
        [0x0802_0000, 0x20000, 3],
      ]);

      const request = { address: 0x0800_4000, pattern: 'address' as const };
      await expect(api.benchBlock('sim', request)).rejects.toMatchObject({ code: 'WRITES_NOT_ALLOWED' });
      await expect(
        api.benchBlock('sim', request, { allowWrites: true, confirm: async () => false }),
      ).rejects.toMatchObject({ code: 'CANCELLED' });
      const questions: string[] = [];
      const result = await api.benchBlock('sim', request, {
        allowWrites: true,
        confirm: async (q) => (questions.push(q), true),
      });
      expect(questions[0]).toContain('0x08004000');
      expect(result.size).toBe(0x4000);
      expect(result.erase!.ok).toBe(true);
      // A 16 KiB sector erase at x32 parallelism: 250 ms typical, 500 ms maximum (DS10314).
      expect(result.erase!.timeMs).toBeGreaterThanOrEqual(250);
      expect(result.erase!.timeMs).toBeLessThan(600);
      expect(result.blankAfterErase).toBe(true);
      expect(result.writes).toHaveLength(1);
      expect(result.readBackMatches).toBe(true);
      expect(probe.target.readMemory(0x0800_4000, 0x4000)).toEqual(
        patternBytes('address', 0x0800_4000, 0x4000),
      );
      expect(Array.from(result.head.slice(0, 4))).toEqual([0x00, 0x40, 0x00, 0x08]);

      await expect(
        api.benchBlock('sim', { address: 0x0800_4004, pattern: 'zeros' }, { allowWrites: true }),
      ).rejects.toMatchObject({
        code: 'ADDRESS_MISALIGNED',
      });
    },
    LIMIT_MS,
  );

  it(
    'traces the syscalls an entry makes',
    async () => {
      const { api } = bench(createSimulatedStm32f411Probe({ latency: 'zero' }));
      await api.benchLoad('sim', syscallScript());
      const run = await api.benchStage('sim', 'cpuid');
      expect(run.ok).toBe(true);
      expect(run.traps.map(({ atMs: _, ...t }) => t)).toEqual([
        { kind: 'safe-read', address: 0xe000ed00, value: expect.any(Number) },
        { kind: 'safe-read', address: 0xfffffff0 },
        { kind: 'watchpoint-set', address: 0x4000_0000, mask: 0, fn: 5 },
        { kind: 'watchpoint-cleared' },
      ]);
      expect((run.traps[0] as { value: number }).value >>> 4).toBe(0x410fc24);
    },
    LIMIT_MS,
  );

  it(
    'refuses a stage once the chip was connected for another operation',
    async () => {
      const { api, backend } = bench(createSimulatedStm32f411Probe({ latency: 'zero' }));
      await api.benchLoad('sim', stm32f4Script());
      await backend.connect();
      const error = await api.benchStage('sim', 'init1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebProgError);
      expect((error as WebProgError).code).toBe('NOT_CONNECTED');
    },
    LIMIT_MS,
  );
});

describe('device-script workbench on the simulated micro:bit V2', () => {
  it(
    'chooses the nRF52833 script and says the STM32 ones fail on the ids',
    async () => {
      const { api } = bench(createSimulatedMicrobit('v2', { latency: 'zero' }));
      const info = await api.benchInfo('sim');
      expect(info.scripts.filter((s) => s.chosen).map((s) => s.name)).toEqual([
        expect.stringContaining('nRF52833'),
      ]);
      for (const s of info.scripts.filter((x) => x.name.startsWith('STM32'))) expect(s.step).toBe('pid');
      expect(info.cpuid! >>> 4).toBe(0x410fc24);
    },
    LIMIT_MS,
  );
});
