import { describe, expect, it } from 'vitest';
import { binutilsBuild, requireBinutils } from '../../../device-scripts/binutils';
import { WebProgError } from '../errors';
import { assemble } from './assembler';
import { flatBinary, scriptLayout } from './link';
import { dividedFormLines, thumbFormLines } from './thumb-forms';

const LOAD = 0x20000000;

function hex(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Assembles `forms` after `header` with gas and with ours: the lines gas refuses ours must
 * refuse (with an ASM_* code and the line), the rest must give the same bytes.
 */
function compareWithGas(HEADER: string[], forms: string[]): string {
  const ours = (lines: string[]) =>
    assemble([...HEADER, ...lines].join('\n') + '\n', { fileName: 'in.S', layout: scriptLayout(LOAD) });
  {
    // 1. which lines gas rejects
    const all = binutilsBuild([...HEADER, ...forms].join('\n') + '\n');
    const rejected = new Set<number>();
    if (!all.ok) for (const e of all.errors) rejected.add(e.line - HEADER.length - 1);
    expect(all.ok || rejected.size > 0, all.ok ? '' : all.output).toBe(true);
    const accepted = forms.filter((_, i) => !rejected.has(i));

    // 2. ours rejects the same lines, each with an ASM_* code and the line number
    const wronglyAccepted: string[] = [];
    for (const i of rejected) {
      try {
        ours([forms[i]!]);
        wronglyAccepted.push(forms[i]!);
      } catch (error) {
        expect(error).toBeInstanceOf(WebProgError);
        const e = error as WebProgError;
        expect(e.code, `${forms[i]}: ${e.message}`).toMatch(/^ASM_/);
        expect(e.line, forms[i]).toBe(HEADER.length + 1);
      }
    }
    expect(wronglyAccepted, 'gas rejects these lines, ours accepted them').toEqual([]);

    // 3. the accepted lines assemble to the same bytes
    const gas = binutilsBuild([...HEADER, ...accepted].join('\n') + '\n');
    if (!gas.ok) throw new Error(gas.output);
    let result;
    try {
      result = ours(accepted);
    } catch {
      const refused: string[] = [];
      for (const line of accepted) {
        try {
          ours([line]);
        } catch (error) {
          refused.push(`${line}: ${(error as Error).message}`);
        }
      }
      expect(refused.slice(0, 200), 'gas accepts these lines, ours refused them').toEqual([]);
      throw new Error('ours failed on the accepted lines together');
    }
    const mine = flatBinary(result, LOAD);
    const mismatches: string[] = [];
    for (const entry of result.listing) {
      const at = entry.address - LOAD;
      const a = mine.subarray(at, at + entry.size);
      const b = gas.bytes.subarray(at, at + entry.size);
      if (hex(a) !== hex(b))
        mismatches.push(`${accepted[entry.line - HEADER.length - 1]}: ours ${hex(a)}, gas ${hex(b)}`);
    }
    expect(mismatches.slice(0, 40)).toEqual([]);
    // literal pools and padding are not in the listing: compare the whole binary too
    let first = -1;
    for (let i = 0; i < Math.max(mine.length, gas.bytes.length) && first < 0; i++)
      if (mine[i] !== gas.bytes[i]) first = i;
    const around = (b: Uint8Array) => hex(b.subarray(Math.max(0, first - 8), first + 8));
    expect(
      first < 0
        ? 'identical'
        : `first difference at +0x${first.toString(16)}: ours ${around(mine)}, gas ${around(gas.bytes)}`,
    ).toBe('identical');
    expect(mine.length).toBe(gas.bytes.length);
    return `${accepted.length} accepted and identical, ${rejected.size} rejected by both`;
  }
}

describe('every ARMv6-M instruction form, against GNU as', () => {
  const forms = thumbFormLines();
  it(`agrees with arm-none-eabi-as on all ${forms.length} generated lines (unified syntax)`, () => {
    requireBinutils();
    // the figure the report quotes
    console.log(`unified forms: ${compareWithGas(['.syntax unified', '.cpu cortex-m0', '.thumb'], forms)}`);
  }, 120_000);

  const divided = dividedFormLines();
  it(`agrees with arm-none-eabi-as on all ${divided.length} generated lines (divided syntax)`, () => {
    requireBinutils();
    console.log(`divided forms: ${compareWithGas(['.syntax divided', '.cpu cortex-m0', '.thumb'], divided)}`);
  }, 120_000);
});
