import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe } from '..';
import { MVFR0_FPV4_SP, MVFR1_FPV4_SP } from './scs';

const word = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);

describe('SCS floating-point feature registers', () => {
  it('report FPv4-SP on Cortex-M4F cores (nRF52833, STM32F411)', () => {
    for (const probe of [createSimulatedMicrobit('v2'), createSimulatedStm32f411Probe()]) {
      expect(word(probe.target.readMemory(0xe000ef40, 4))).toBe(MVFR0_FPV4_SP);
      expect(word(probe.target.readMemory(0xe000ef44, 4))).toBe(MVFR1_FPV4_SP);
    }
  });

  it('read as zero on a Cortex-M0 without FPU (nRF51822)', () => {
    const probe = createSimulatedMicrobit('v1');
    expect(word(probe.target.readMemory(0xe000ef40, 4))).toBe(0);
    expect(word(probe.target.readMemory(0xe000ef44, 4))).toBe(0);
  });
});
