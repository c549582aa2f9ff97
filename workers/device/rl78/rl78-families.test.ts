/**
 * The RL78 families table: Protocol A parts from their signature names (sizes from the part
 * number), unknown Protocol A names left to the signature's addresses, and the families this
 * backend does not drive (RL78/G23 with Protocol C, RL78/G10) refused in words a person reads.
 */
import { describe, expect, it } from 'vitest';
import { WebProgError } from '../../../src/core/errors';
import { requireSupported, rl78PartInfo, rl78Regions } from './rl78-families';

function refusal(name: string): WebProgError {
  try {
    requireSupported(name, rl78PartInfo(name));
  } catch (error) {
    return error as WebProgError;
  }
  throw new Error(`${name} was not refused`);
}

describe('RL78 families', () => {
  it('knows RL78/G13 and G14 parts and their sizes from the part number', () => {
    expect(rl78PartInfo('R5F100LEA')).toMatchObject({
      family: { family: 'RL78/G13' },
      codeKiB: 64,
      dataKiB: 4,
    });
    expect(rl78PartInfo('R5F104LEA')).toMatchObject({
      family: { family: 'RL78/G14' },
      codeKiB: 64,
      dataKiB: 4,
    });
    expect(rl78PartInfo('R5F100GJA')).toMatchObject({ codeKiB: 256, dataKiB: 8 });
    expect(() => requireSupported('R5F100LEA', rl78PartInfo('R5F100LEA'))).not.toThrow();
  });

  it('lets an unknown Protocol A name through (sizes come from the signature)', () => {
    const info = rl78PartInfo('R5F10BGGA');
    expect(info.family).toBeUndefined();
    expect(() => requireSupported('R5F10BGGA', info)).not.toThrow();
    const [code, data] = rl78Regions(0xffff, 0xf1fff);
    expect([code.size, data.base, data.size]).toEqual([0x10000, 0xf1000, 0x1000]);
  });

  it('refuses an RL78/G23 (Protocol C) and an RL78/G10 with a clear NOT_SUPPORTED', () => {
    const g23 = refusal('R7F100GLG');
    expect(g23.code).toBe('NOT_SUPPORTED');
    expect(g23.message).toMatch(/R7F100GLG is an RL78\/G23, which uses RL78 Protocol C/);
    expect(g23.message).toMatch(/Protocol A/);
    const g10 = refusal('R5F10Y47A');
    expect(g10.code).toBe('NOT_SUPPORTED');
    expect(g10.message).toMatch(/RL78\/G10 single-wire protocol/);
  });
});
