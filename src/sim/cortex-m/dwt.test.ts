/** DWT comparators matched against addresses, at every MASK up to the widest (ARMv7-M C1.8.17). */
import { describe, expect, it } from 'vitest';
import { DEBUG } from './bus';
import { CID_GENERIC } from './coresight-ids';
import { Dwt } from './dwt';

const COMP0 = 0x20;
const MASK0 = 0x24;
const FUNCTION0 = 0x28;
const DATA_READ_OR_WRITE = 7;
const PC_MATCH = 4;

function dwtWith(comp: number, mask: number, func: number): Dwt {
  const dwt = new Dwt(
    1,
    { pid: 0x4000bb002, cid: CID_GENERIC },
    () => true,
    () => undefined,
    () => 0,
  );
  dwt.write(COMP0, comp, 4, DEBUG);
  dwt.write(MASK0, mask, 4, DEBUG);
  dwt.write(FUNCTION0, func, 4, DEBUG);
  dwt.refresh();
  return dwt;
}

describe('Dwt', () => {
  it('a data watch with MASK 31 covers the half of the address space COMP bit 31 names', () => {
    const low = dwtWith(0x2000_0000, 31, DATA_READ_OR_WRITE);
    expect(low.dataWatch(0x0000_0000, 4, false)).toBe(true);
    expect(low.dataWatch(0x7fff_fffc, 4, true)).toBe(true);
    expect(low.dataWatch(0x8000_0000, 4, true)).toBe(false);
    const high = dwtWith(0xe000_0000, 31, DATA_READ_OR_WRITE);
    expect(high.dataWatch(0x8000_0000, 1, false)).toBe(true);
    expect(high.dataWatch(0xffff_fffc, 4, false)).toBe(true);
    expect(high.dataWatch(0x7fff_fffc, 4, false)).toBe(false);
  });

  it('data and PC watches agree on the range at every MASK', () => {
    for (let mask = 0; mask <= 31; mask++) {
      const comp = 0x2345_6789;
      const data = dwtWith(comp, mask, DATA_READ_OR_WRITE);
      const pc = dwtWith(comp, mask, PC_MATCH);
      const [start, end] = pc.pcMatchRanges();
      expect(data.dataWatch(start, 1, false), `MASK ${mask} start`).toBe(true);
      expect(data.dataWatch(end - 1, 1, false), `MASK ${mask} end`).toBe(true);
      expect(pc.pcWatchAt(start) && pc.pcWatchAt(end - 1), `MASK ${mask} PC`).toBe(true);
      if (start > 0) expect(data.dataWatch(start - 1, 1, false), `MASK ${mask} below`).toBe(false);
      if (end < 2 ** 32) expect(data.dataWatch(end, 1, false), `MASK ${mask} above`).toBe(false);
    }
  });
});
