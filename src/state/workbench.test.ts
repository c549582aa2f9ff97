import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorkbenchClient } from './workbench-client';
import type { BenchScriptFile } from '../../workers/device/cmsis-dap/bench-api';
import { LogState } from './log.svelte';
import { WorkbenchState } from './workbench.svelte';

const SRC = path.join(process.cwd(), 'device-scripts', 'src');
const includes = new Map(
  readdirSync(path.join(SRC, 'include')).map((f) => [f, readFileSync(path.join(SRC, 'include', f), 'utf8')]),
);
const F4 = 'stm32f4.20000000.m0.S';
const f4Source = readFileSync(path.join(SRC, F4), 'utf8');

/** A workbench over a recording fake client. */
function workbench(device: { id: string; name: string } | null = { id: 'sim:1', name: 'STM32F411' }) {
  const calls: string[] = [];
  const saved: { file: string; bytes: Uint8Array }[] = [];
  const client = {
    benchInfo: async (id: string, extra?: BenchScriptFile) =>
      (calls.push(`info ${id} ${extra?.file}`), { scripts: [] }) as never,
    benchLoad: async (id: string, script: BenchScriptFile) => {
      calls.push(`load ${id} ${script.file}`);
      return {
        name: 'x',
        loadAddr: 0x2000_0000,
        stagingAddr: 0,
        size: 1,
        stages: ['cpuid', 'init1'],
        entries: {},
      } as never;
    },
    benchStage: async (_id: string, stage: string) => {
      calls.push(`stage ${stage}`);
      return {
        entry: stage,
        ok: true,
        registers: [0, 0, 0, 0],
        timeMs: 1,
        traps: [],
        verdict: '',
        ...(stage === 'init1' ? { flash: [] } : {}),
      };
    },
    benchBlock: async (
      _id: string,
      request: { address: number },
      options?: { allowWrites?: boolean; confirm?: (m: string) => Promise<boolean> },
    ) => {
      calls.push(`block ${request.address} writes ${options?.allowWrites}`);
      if (!(await options!.confirm!('erase?')))
        throw Object.assign(new Error('not confirmed'), { code: 'CANCELLED' });
      return { address: request.address, size: 4, writes: [], readBackMatches: true, head: new Uint8Array() };
    },
  };
  const state = new WorkbenchState({
    client: client as unknown as WorkbenchClient,
    log: new LogState(() => 0),
    includes,
    device: () => device ?? undefined,
    saveScript: async (file, bytes) => (saved.push({ file, bytes }), { name: 'x' }),
  });
  return { state, calls, saved };
}

describe('chip workbench state', () => {
  it('assembles a shipped script to the committed build, byte for byte', () => {
    const { state } = workbench();
    state.startFrom(F4, f4Source);
    expect(state.loadAddress).toBe(0x2000_0000);
    expect(state.problem).toBeUndefined();
    const built = readFileSync(path.join(process.cwd(), 'device-scripts/build/stm32f4.20000000.m0.swds'));
    expect(state.built!.bytes).toEqual(new Uint8Array(built));
    expect(state.built!.file).toBe('stm32f4.20000000.m0.swds');
    expect(state.footer!.family).toMatch(/^STM32F4/);
  });

  it('marks the line an assembly error names', () => {
    const { state } = workbench();
    state.startFrom(F4, f4Source);
    const lines = f4Source.split('\n');
    const at = lines.findIndex((l) => l.includes('stm_wait_bsy') && !l.includes('.macro'));
    lines[at + 1] = '    movs r9, #1';
    state.edit(lines.join('\n'));
    expect(state.assemble()).toBeUndefined();
    expect(state.errorMark?.line).toBe(at + 2);
    expect(state.problem).toContain(`${F4}:${at + 2}:`);
    expect(state.built).toBeUndefined();
  });

  it('uploads, runs the stages in order, asks before the block test, saves', async () => {
    const { state, calls, saved } = workbench();
    state.startFrom(F4, f4Source);
    await state.runAll();
    expect(calls).toEqual(['load sim:1 stm32f4.20000000.m0.swds', 'stage cpuid', 'stage init1']);
    expect(state.runs.map((r) => r.entry)).toEqual(['cpuid', 'init1']);
    expect(state.flash).toEqual([]);
    const test = state.testBlock(0x0800_4000, 'counter');
    await Promise.resolve();
    expect(state.confirmation?.message).toBe('erase?');
    state.answer(false);
    await test;
    expect(state.problem).toContain('not confirmed');
    expect(calls.at(-1)).toBe(`block ${0x0800_4000} writes true`);
    expect(await state.save()).toBe(true);
    expect(saved[0].file).toBe('stm32f4.20000000.m0.swds');
  });

  it('says to select a probe when none is', async () => {
    const { state, calls } = workbench(null);
    state.startFrom(F4, f4Source);
    await state.runInfo();
    expect(calls).toEqual([]);
    expect(state.problem).toMatch(/Select a CMSIS-DAP probe/);
  });

  it('opens a built script as it is', () => {
    const { state } = workbench();
    const bytes = new Uint8Array(
      readFileSync(path.join(process.cwd(), 'device-scripts/build/nrf52833.20000000.m0.swds')),
    );
    state.open('nrf52833.swds', bytes);
    expect(state.footer!.family).toMatch(/nRF52833/);
    expect(state.assemble()!.bytes).toBe(bytes);
  });
});
