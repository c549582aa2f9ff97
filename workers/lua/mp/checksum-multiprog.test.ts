/**
 * `mp.checksum` as MultiProg documents it (kuraga.tech/docs/MultiProg/scripts/api/checksum):
 * the page's examples run unchanged, and every function gives its documented result and error
 * form.
 */
import { describe, expect, it } from 'vitest';
import { checksumRegion } from '../../../src/core/checksum';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { targetById } from '../../../src/core/targets';
import { imageToDto } from '../../device/image-dto';
import { createTestRunner } from '../testing/run-script';

const runner = createTestRunner();

async function returns(code: string, image = new MemoryImage(targetById('nrf51822')!.regions)) {
  const result = await runner.run(code, { image: imageToDto(image) });
  if (!result.ok) throw new Error(result.error?.message);
  return result.returns;
}

describe('mp.checksum (MultiProg)', () => {
  it("runs the API page's examples unchanged", async () => {
    const image = new MemoryImage(targetById('nrf51822')!.regions);
    image.data.write(0, new TextEncoder().encode('123456789'));
    const r = await returns(
      `
      local data = {0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39}
      local v = mp.checksum.crc("CRC-32", data) -- 0xCBF43926 as number
      local v2, hex = mp.checksum.crc("CRC-32", data) -- "0xCBF43926"
      local v3, hex3, info = mp.checksum.crc("CRC-32", data) -- info.{width, preset, error}
      local rv, rhex = mp.checksum.crc_region("CRC-32", "Code Flash") -- whole region
      local sv, shex = mp.checksum.crc_region("CRC-32", "Code Flash", 0, 9) -- slice
      local s = mp.checksum.sum8(data) -- simple sum, returns int
      local f = mp.checksum.fletcher16(data)
      local a = mp.checksum.adler32(data)
      local presets = mp.checksum.list_crc_presets() -- all available CRC algorithms
      return v, hex, info.width, info.preset, info.error, rhex, shex, s, f, a, #presets`,
      image,
    );
    expect(r.slice(0, 5)).toEqual([0xcbf43926, '0xCBF43926', 32, 'CRC-32', null]);
    expect(r[5]).toBe('0x' + checksumRegion(image, 'Code Flash', 'crc32').hex.toUpperCase());
    expect(r[6]).toBe('0xCBF43926');
    expect(r[7]).toBe(0xdd);
    expect(r[8]).toBe(0x1ede);
    expect(r[9]).toBe(0x091e01de);
    expect(r[10]).toBeGreaterThan(80);
  });

  it('lists presets with their parameters and builtins with their widths', async () => {
    const r = await returns(`
      local p
      for _, x in ipairs(mp.checksum.list_crc_presets()) do if x.name == "CRC-16/MODBUS" then p = x end end
      local names = {}
      for _, b in ipairs(mp.checksum.list_builtins()) do names[#names + 1] = b.name .. ":" .. b.width end
      return p.width, p.poly, p.init, p.reflect_in, p.reflect_out, p.xor_out, p.check, table.concat(names, " ")`);
    expect(r).toEqual([
      16,
      0x8005,
      0xffff,
      true,
      true,
      0,
      0x4b37,
      'sum8:8 sum16:16 sum16_inv:16 sum_rl78:16 fletcher16:16 fletcher32:32 adler32:32 lrc:8 bcc:8',
    ]);
  });

  it('crc, crc_custom and crc_region report failures in info.error, never raising', async () => {
    const r = await returns(`
      local v, hex, info = mp.checksum.crc("CRC-99/NOPE", "x")
      local cv, chex = mp.checksum.crc_custom({width = 16, poly = 0x1021, init = 0xFFFF}, "123456789")
      local bv, bhex, binfo = mp.checksum.crc_custom({width = 4, poly = 3}, "x")
      local nv, nhex = mp.checksum.crc_custom({name = "mine", width = 32, poly = 0x04C11DB7, init = 0xFFFFFFFF,
        reflect_in = true, reflect_out = true, xor_out = 0xFFFFFFFF}, "123456789")
      local ov, ohex, oinfo = mp.checksum.crc_region("CRC-32", "Code Flash", 0x3FFF0, 0x20)
      return v, hex, info.error, info.preset, cv, chex, bv, binfo.error, nhex, ov, oinfo.error`);
    expect(r[0]).toBeNull();
    expect(r[1]).toBeNull();
    expect(r[2]).toContain('Unknown CRC preset "CRC-99/NOPE"');
    expect(r[3]).toBe('CRC-99/NOPE');
    expect(r.slice(4, 6)).toEqual([0x29b1, '0x29B1']);
    expect(r[6]).toBeNull();
    expect(r[7]).toMatch(/width/i);
    expect(r[8]).toBe('0xCBF43926');
    expect(r[9]).toBeNull();
    expect(r[10]).toContain('lies outside');
  });

  it('the sums, Fletcher, Adler, LRC and BCC take byte tables and strings alike', async () => {
    const r = await returns(`
      local t = {0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39}
      local s = "123456789"
      local out = {}
      for _, name in ipairs({"sum8", "sum16", "sum16_inv", "sum_rl78", "fletcher16", "fletcher32", "adler32", "lrc", "bcc"}) do
        local a, b = mp.checksum[name](t), mp.checksum[name](s)
        if a ~= b then error(name .. " differs") end
        out[#out + 1] = a
      end
      return table.unpack(out)`);
    expect(r).toEqual([0xdd, 0x1dd, 0xfe23, 0xfe23, 0x1ede, 0xdf09d509, 0x091e01de, 0x23, 0x31]);
  });

  it('a bad argument is a Lua error naming the function', async () => {
    const result = await runner.run('return mp.checksum.sum8(42)');
    expect(result.ok).toBe(false);
    expect(result.error?.message).toContain("bad argument 'bytes'");
    const table = await runner.run('return mp.checksum.crc_custom("CRC-32", "x")');
    expect(table.error?.message).toContain("bad argument 'params' to 'mp.checksum.crc_custom'");
  });
});
