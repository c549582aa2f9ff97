import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import MemoryMap from 'nrf-intel-hex';
import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit, type MicrobitVersion } from '../index';

/** The flash blocks of a real micro:bit hex fixture (nrf-intel-hex needs the text cut at EOF). */
function fixture(name: string): { address: number; data: Uint8Array }[] {
  const text = readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'utf8').replace(
    /^\uFEFF/,
    '',
  );
  const end = text.indexOf(':00000001FF');
  return [...MemoryMap.fromHex(text.slice(0, end + 11))].map(([address, data]) => ({ address, data }));
}

function boot(version: MicrobitVersion, hex: string) {
  const probe = createSimulatedMicrobit(version, { latency: 'zero', flash: fixture(hex) });
  const runner = probe.target.chip.system.runner;
  for (let i = 0; i < 20; i++) runner.runFor(1000); // 20 ms of modeled time
  return probe;
}

describe('real firmware on the simulated cores', () => {
  it('runs MicroPython for micro:bit V1 from its release hex without a fault', () => {
    const probe = boot('v1', 'micropython-v1.1.1.hex');
    expect(probe.target.faults).toEqual([]);
    expect(['running', 'sleeping']).toContain(probe.target.coreState);
    expect(probe.target.instructions).toBeGreaterThan(100_000);
    expect(probe.target.chip.system.runner.core.PC).toBeLessThan(0x40000); // executing from flash
  });

  it('reports the first Thumb-2 instruction of V2 firmware as a fault (the core is ARMv6-M only)', () => {
    const probe = boot('v2', 'micropython-v2.1.2.hex');
    expect(probe.target.faults[0]?.kind).toBe('undefined-instruction');
    // The firmware's own HardFault handler now runs (or the core locked up): never silently on.
    const runner = probe.target.chip.system.runner;
    expect(runner.state === 'lockup' || runner.core.IPSR === 3).toBe(true);
  });
});
