import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../core/formats';
import { SparseData } from '../core/memory/sparse-data';
import { targetById } from '../core/targets';
import { boardFlashPlan, imageFromFile } from './classroom-image';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/microbit');
const load = (name: string) => loadFile(name, readFileSync(path.join(FIXTURES, name)));
const V1 = targetById('nrf51822')!.regions;
const V2 = targetById('nrf52833')!.regions;

describe('classroom image', () => {
  it('gives each version its section of a Universal Hex, and the same data of a plain hex to both', () => {
    const universal = load('universal-sections-9901-9903.hex');
    const image = imageFromFile({ name: 'u.hex', data: universal.data, boards: universal.boards ?? [] });
    const v1 = universal.boards!.find((b) => b.boardId === 0x9901)!.data;
    const v2 = universal.boards!.find((b) => b.boardId === 0x9903)!.data;
    expect(image.dataFor('V1')!.equals(v1)).toBe(true);
    expect(image.dataFor('V2')!.equals(v2)).toBe(true);
    const plain = load('micropython-v2.1.2.hex');
    const same = imageFromFile({ name: 'p.hex', data: plain.data, boards: [] });
    expect(same.dataFor('V1')).toBe(plain.data);
    expect(same.dataFor('V2')).toBe(plain.data);
  });

  it('lays MicroPython into the flash regions and names the runtime for the full-flash check', () => {
    const hex = load('micropython-v2.1.2.hex');
    const plan = boardFlashPlan(hex.data, V2);
    expect(plan.args.fullWhenDiffers).toEqual({ address: 0, size: 0x6_8000 });
    expect(plan.args.image.regions.map((r) => r.name)).toEqual(['Code Flash', 'UICR']);
    expect(plan.bytes).toBe(hex.data.byteCount);
  });

  it('refuses an image for another board', () => {
    const hex = load('micropython-v2.1.2.hex');
    expect(() => boardFlashPlan(hex.data, V1)).toThrow(/does not fit this board: \d+ bytes lie outside/);
  });

  it('flashes data that is not MicroPython page by page (no runtime range)', () => {
    const data = SparseData.from([{ address: 0x1000, data: new Uint8Array(300).fill(7) }]);
    const plan = boardFlashPlan(data, V2);
    expect(plan.args.fullWhenDiffers).toBeUndefined();
    expect(plan.args.image.segments).toEqual([{ address: 0x1000, data: new Uint8Array(300).fill(7) }]);
  });

  it('patches the serial number little-endian at a free address without touching the image', () => {
    const hex = load('micropython-v2.1.2.hex');
    const before = hex.data.byteCount;
    const plan = boardFlashPlan(hex.data, V2, { address: 0x7_3000, value: 0x0102_0304 });
    expect(hex.data.byteCount).toBe(before);
    const patched = SparseData.from(plan.args.image.segments);
    expect([...patched.read(0x7_3000, 4)]).toEqual([4, 3, 2, 1]);
    expect(plan.bytes).toBe(before + 4);
  });

  it('refuses serial number locations that are not free flash', () => {
    const hex = load('micropython-v2.1.2.hex');
    const at = (address: number) => () => boardFlashPlan(hex.data, V2, { address, value: 1 });
    expect(at(0x7_3002)).toThrow(/not a multiple of 4/);
    expect(at(0x2000_0000)).toThrow(/not in this board’s flash/);
    expect(at(0x1_c000)).toThrow(/holds data of the image/);
    expect(at(0x7_2ffc)).toThrow(/inside MicroPython’s file system \(0x0006D000–0x00073000\)/);
  });
});
