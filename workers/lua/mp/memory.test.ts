import { describe, expect, it } from 'vitest';
import { createTestRunner } from '../testing/run-script';

const runner = createTestRunner();

async function returns(code: string) {
  const result = await runner.run(code);
  if (!result.ok) throw new Error(result.error?.message);
  return result.returns;
}

async function failure(code: string) {
  const result = await runner.run(code);
  expect(result.ok).toBe(false);
  return result.error!;
}

describe('mp.memory regions', () => {
  it('get_regions (names), list_regions, get_region_info, region_count, select_region, current_region', async () => {
    const [names, regions, byName, byIndex, count, current, selected, after, dflt] = await returns(`
      return mp.memory.get_regions(), mp.memory.list_regions(), mp.memory.get_region_info("UICR"),
        mp.memory.get_region_info(1), mp.memory.region_count(), mp.memory.current_region(),
        mp.memory.select_region("UICR").name, mp.memory.current_region(), mp.memory.get_region_info().name`);
    expect(names).toEqual(['Code Flash', 'UICR']);
    expect(regions).toHaveLength(2);
    expect((regions as object[])[0]).toEqual({
      index: 0,
      name: 'Code Flash',
      size: 0x10000,
      start_address: 0,
      end_address: 0xffff,
      cell_size: 4,
      erase_size: 0x1000,
      fill: 0xff,
      kind: 'flash',
    });
    expect(byName).toEqual(byIndex);
    expect([count, current, selected, after, dflt]).toEqual([2, 'Code Flash', 'UICR', 'UICR', 'UICR']);
  });

  it('region_size and select_region_by_name answer for missing regions without raising', async () => {
    expect(
      await returns(`
        return mp.memory.region_size("UICR"), mp.memory.region_size("Nope"), mp.memory.select_region_by_name("Nope"),
          mp.memory.current_region(), mp.memory.select_region_by_name("UICR"), mp.memory.current_region()`),
    ).toEqual([0x100, -1, false, 'Code Flash', true, 'UICR']);
  });

  it('set_writable makes writes to a region return false, as read-only tabs in MultiProg', async () => {
    const r = await returns(`
      local ok1, err1 = mp.memory.set_writable("UICR", false)
      local w1, why = mp.memory.write_at(0x10001000, {1, 2})
      local w2 = mp.memory.write_at(0x0, {1, 2})
      local bad, bad_err = mp.memory.set_writable(0)
      local before = mp.memory.is_writable("UICR")
      local fill = mp.memory.fill_at(0x10001000, 4, 0)
      local clear = mp.memory.clear()
      mp.memory.set_writable_all(true)
      local w3 = mp.memory.write_byte("UICR", 0, 7)
      mp.memory.set_writable_all(false)
      local w4 = mp.memory.write_u32_at(0x10, 1)
      return ok1, err1, w1, why, w2, bad, type(bad_err), before, fill, clear, w3, w4,
        mp.memory.read_byte("UICR", 0), mp.memory.is_writable(), mp.memory.is_writable("Nope")`);
    expect(r).toEqual([
      true,
      '',
      false,
      'Region "UICR" is read-only (mp.memory.set_writable).',
      true,
      false,
      'string',
      false,
      false,
      false,
      true,
      false,
      7,
      false,
      false,
    ]);
  });

  it('names missing regions in errors', async () => {
    expect((await failure('mp.memory.get_region_info(5)')).message).toMatch(/No region with index 5/);
    expect((await failure('mp.memory.select_region("X")')).code).toBe('SCRIPT_ERROR');
  });
});

describe('mp.memory data', () => {
  it('read, read_bytes and write by region offset (strings and tables)', async () => {
    expect(
      await returns(`
        mp.memory.write("UICR", 4, "\\1\\2")
        mp.memory.write("UICR", 6, {3, 4})
        local t = mp.memory.read_bytes("UICR", 3, 5)
        return mp.memory.read("UICR", 4, 4), t[1], t[2], t[5], #t`),
    ).toEqual(['\x01\x02\x03\x04', 0xff, 1, 4, 5]);
  });

  it('read_at and write_at by absolute address, with or without the region', async () => {
    expect(
      await returns(`
        mp.memory.write_at("Code Flash", 0x400, {0x00})
        mp.memory.write_at(0x10001000, "AB")
        local t = mp.memory.read_at(0x400, 2)
        return mp.memory.read_raw_at(0x400, 2) == "\\0\\255", t[1], t[2], #t, mp.memory.read_raw_at("UICR", 0x10001000, 2)`),
    ).toEqual([true, 0, 255, 2, 'AB']);
    expect((await failure('mp.memory.write_at("UICR", 0x400, {0})')).message).toMatch(
      /not inside region "UICR"/,
    );
    expect((await failure('mp.memory.read_at(0xFFFE, 4)')).message).toMatch(/not inside one region/);
  });

  it('refuses tables that are not bytes, and other data types', async () => {
    expect((await failure('mp.memory.write("UICR", 0, {256})')).message).toMatch(/byte values 0 to 255/);
    expect((await failure('mp.memory.write("UICR", 0, 5)')).message).toMatch(
      /string or table of bytes expected, got number/,
    );
  });

  it('moves a large table (65 536 values) into the buffer', async () => {
    expect(
      await returns(`
        local t = {}
        for i = 1, 65536 do t[i] = i % 256 end
        mp.memory.write("Code Flash", 0, t)
        return mp.memory.read_byte_at(0xFFFF), mp.memory.read_byte_at(0x1234)`),
    ).toEqual([0x00, 0x35]);
  });

  it('read_byte, write_byte, read_byte_at, write_byte_at', async () => {
    expect(
      await returns(`
        mp.memory.write_byte("UICR", 1, 0x5A)
        mp.memory.write_byte_at(0x10001002, 0xA5)
        mp.memory.write_byte_at(0x10001002, 0xA6)
        return mp.memory.read_byte("UICR", 1), mp.memory.read_byte_at(0x10001002), mp.memory.read_byte_at(0x10001003)`),
    ).toEqual([0x5a, 0xa6, 0xff]);
    expect((await failure('mp.memory.write_byte_at(0, 256)')).message).toMatch(/not a byte value/);
  });

  it("read_byte and read_byte_at give -1 where MultiProg does, and read_byte_at takes MultiProg's region", async () => {
    expect(
      await returns(`
        mp.memory.write_byte_at(0x10001004, 0x42)
        return mp.memory.read_byte("UICR", 0x1000), mp.memory.read_byte("Nope", 0), mp.memory.read_byte_at(0x20000000),
          mp.memory.read_byte_at("UICR", 0x10001004), mp.memory.read_byte_at("Code Flash", 0x10001004),
          mp.memory.read_byte_at(1, 0x10001004)`),
    ).toEqual([-1, -1, -1, 0x42, -1, 0x42]);
  });

  it('read_range, read_hex, read_string, read_string_until_null, get_region_data, get_all_data', async () => {
    const r = await returns(`
      mp.memory.write("UICR", 0, "hello\\0world")
      mp.memory.write("Code Flash", 0xFFFE, {0xDE, 0xAD})
      local range = mp.memory.read_range("UICR", 1, 3)
      local data = mp.memory.get_region_data("UICR")
      local all = mp.memory.get_all_data()
      return range[1], range[3], #range, mp.memory.read_hex("Code Flash", 0xFFFE, 2), mp.memory.read_string("UICR", 0, 5),
        mp.memory.read_string_until_null("UICR", 0), mp.memory.read_string_until_null("UICR", 6, 3),
        #data, data[1], data[0x100], #all, all[0xFFFF], all[0x10001]`);
    expect(r).toEqual([
      0x65,
      0x6c,
      3,
      'dead',
      'hello',
      'hello',
      'wor',
      0x100,
      0x68,
      0xff,
      0x10100,
      0xde,
      0x68,
    ]);
  });

  it('16- and 32-bit access in both byte orders', async () => {
    expect(
      await returns(`
        mp.memory.write_u32_at(0x10, 0x12345678)
        mp.memory.write_u16_at(0x20, 0xBEEF, "be")
        mp.memory.write_u32_at(0x30, 0xFFFFFFFF, "be")
        return mp.memory.read_u32_at(0x10), mp.memory.read_u32_at(0x10, "be"), mp.memory.read_byte_at(0x10),
          mp.memory.read_u16_at(0x20, "be"), mp.memory.read_u16_at(0x20), mp.memory.read_u32_at(0x30)`),
    ).toEqual([0x12345678, 0x78563412, 0x78, 0xbeef, 0xefbe, 0xffffffff]);
    expect((await failure('mp.memory.write_u16_at(0, 0x10000)')).message).toMatch(/does not fit in 16 bits/);
    expect((await failure('mp.memory.read_u16_at(0, "middle")')).message).toMatch(/"le" or "be"/);
  });

  it('fill, fill_at, copy (overlapping), clear, data_ranges', async () => {
    const [a, b, c, ranges, uicrRanges, afterClear] = await returns(`
      mp.memory.fill("Code Flash", 0x100, 8, 0x11)
      mp.memory.fill_at(0x10001000, 4, 0x22)
      mp.memory.copy(0x100, 0x104, 8)
      local a, b, c = mp.memory.read_byte_at(0x104), mp.memory.read_byte_at(0x10B), mp.memory.read_byte_at(0x10C)
      local ranges, uicr = mp.memory.data_ranges(), mp.memory.data_ranges("UICR")
      mp.memory.clear("UICR")
      return a, b, c, ranges, uicr, #mp.memory.data_ranges()`);
    expect([a, b, c]).toEqual([0x11, 0x11, 0xff]);
    expect(ranges).toEqual([
      { address: 0x100, size: 12 },
      { address: 0x10001000, size: 4 },
    ]);
    expect(uicrRanges).toEqual([{ address: 0x10001000, size: 4 }]);
    expect(afterClear).toBe(1);
    expect(
      await returns('mp.memory.fill_at(0, 4, 0) mp.memory.clear() return #mp.memory.data_ranges()'),
    ).toEqual([0]);
  });

  it('find returns the absolute address of the first match at or after the offset', async () => {
    expect(
      await returns(`
        mp.memory.write_at(0x10001010, "MicroPython")
        mp.memory.write_at(0x10001080, "Micro")
        return mp.memory.find("UICR", "Micro"), mp.memory.find("UICR", {0x4D, 0x69}, 0x11), mp.memory.find("UICR", "none")`),
    ).toEqual([0x10001010, 0x10001080, null]);
  });

  it('compare returns equality and the first differing address', async () => {
    expect(
      await returns(`
        mp.memory.write_at(0x40, "abcd")
        local same = mp.memory.compare(0x40, "abcd")
        local diff, at = mp.memory.compare(0x40, {0x61, 0x62, 0x00, 0x64})
        return same, diff, at`),
    ).toEqual([true, false, 0x42]);
  });

  it('returns the buffer to the page at the end of the run', async () => {
    const result = await runner.run('mp.memory.write_at(0x10001000, "hi")');
    expect(result.image.segments).toEqual([{ address: 0x10001000, data: new Uint8Array([0x68, 0x69]) }]);
    expect(result.image.regions.map((r) => r.name)).toEqual(['Code Flash', 'UICR']);
  });
});
