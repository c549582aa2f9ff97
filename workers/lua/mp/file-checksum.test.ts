import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksumRegion } from '../../../src/core/checksum';
import { loadFile } from '../../../src/core/formats';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { targetById } from '../../../src/core/targets';
import { imageFromDto, imageToDto } from '../../device/image-dto';
import { createTestRunner } from '../testing/run-script';

const HEX_NAME = 'micropython-v1.1.1.hex';
const hexBytes = new Uint8Array(
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', HEX_NAME)),
);
const notHex = new Uint8Array(
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit/not-a-hex.hex')),
);
const nrf51 = () => imageToDto(new MemoryImage(targetById('nrf51822')!.regions));
const runner = createTestRunner();

async function run(code: string, extra = {}) {
  const files = [
    { name: HEX_NAME, bytes: hexBytes },
    { name: 'boot.bin', bytes: new Uint8Array([1, 2, 3, 4]) },
    { name: 'broken.hex', bytes: notHex },
  ];
  return runner.run(code, { image: nrf51(), files, ...extra });
}

async function returns(code: string, extra = {}) {
  const result = await run(code, extra);
  if (!result.ok) throw new Error(result.error?.message);
  return result;
}

const SREC = 'S00600004844521B\nS107001001020304DE\nS5030001FB\nS9030000FC\n';

describe('mp.file (WebProg forms)', () => {
  it('list, exists, size, detect_format_detailed, read', async () => {
    const { returns: r } = await returns(`
      return mp.file.list(), mp.file.exists("boot.bin"), mp.file.exists("nope"), mp.file.size("${HEX_NAME}"),
        mp.file.detect_format_detailed("${HEX_NAME}"), mp.file.detect_format_detailed("boot.bin"), mp.file.read("boot.bin") == "\\1\\2\\3\\4",
        pcall(mp.file.detect_format_detailed, "nope.hex")`);
    expect(r).toEqual([
      [HEX_NAME, 'boot.bin', 'broken.hex'],
      true,
      false,
      hexBytes.length,
      'intel-hex',
      'bin',
      true,
      false,
      expect.stringContaining('No file named "nope.hex"'),
    ]);
  });

  it('load puts a real MicroPython hex into the buffer where the format layer puts it', async () => {
    const result = await returns(`
      local info = mp.file.load("${HEX_NAME}")
      return info.format, info.block_count, info.populated[1].region, #info.warnings, #info.blocks[1].data == info.blocks[1].size`);
    const expected = loadFile(HEX_NAME, hexBytes).data;
    expect(result.returns.slice(0, 1)).toEqual(['intel-hex']);
    expect(result.returns[1]).toBe(expected.segments().length);
    expect(result.returns[2]).toBe('Code Flash');
    expect(result.returns[4]).toBe(true);
    const image = imageFromDto(result.image);
    expect(image.data.equals(expected)).toBe(true);
  });

  it('load_bin_at places a binary at an address; load_region keeps a file inside one region', async () => {
    const { returns: r } = await returns(`
      mp.file.load_bin_at("boot.bin", 0x100)
      local info = mp.file.load_region("boot.bin", "UICR")
      local ok, err = pcall(mp.file.load_region, "${HEX_NAME}", "UICR")
      local notbin = pcall(mp.file.load_bin_at, "${HEX_NAME}", 0)
      return mp.memory.read_u32_at(0x100, "be"), mp.memory.read_u32_at(0x10001000, "be"), info.populated[1].region, ok, notbin`);
    expect(r).toEqual([0x01020304, 0x01020304, 'UICR', false, false]);
  });

  it('save_region and save_bin_range offer the bytes to the page and make them loadable', async () => {
    const result = await returns(`
      mp.memory.write_at(0x10001000, "\\1\\2\\3\\4")
      local size = mp.file.save_region("uicr.hex", "UICR")
      local bin = mp.file.save_bin_range("part.bin", 0x10001000, 8)
      mp.memory.clear()
      mp.file.load("uicr.hex")
      local bad = pcall(mp.file.save_region, "dump.txt")
      return size, bin, mp.memory.read_u32_at(0x10001000, "be"), bad`);
    expect(result.returns.slice(1)).toEqual([8, 0x01020304, false]);
    expect(result.saved.map((f) => f.name)).toEqual(['uicr.hex', 'part.bin']);
    expect(result.saved[1]!.bytes).toEqual(new Uint8Array([1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff]));
    expect(new TextDecoder().decode(result.saved[0]!.bytes)).toMatch(/^:02000004100/);
    expect(result.savedFiles).toHaveLength(2);
  });

  it('pick asks the page for a file and returns its name, or nil when cancelled', async () => {
    const picked = await returns('local n = mp.file.pick(".bin") return n, mp.file.size(n)', {
      picked: { name: 'chosen.bin', bytes: new Uint8Array(3) },
    });
    expect(picked.returns).toEqual(['chosen.bin', 3]);
    expect((await returns('return mp.file.pick()')).returns).toEqual([null]);
  });

  it('a path the run has no file for is asked for once; the chosen file answers every later call by that name', async () => {
    const pickRequests: { accept: string; wanted?: string }[] = [];
    const result = await returns(
      `local data, err = mp.file.load("C:/fw/app.hex")
      local again = mp.file.read_text("D:/other/app.hex")
      return err, data.block_count, #again, mp.file.exists("app.hex")`,
      {
        picked: {
          name: 'whatever-they-chose.hex',
          bytes: new TextEncoder().encode(':0100000055AA\n:00000001FF\n'),
        },
        pickRequests,
      },
    );
    expect(pickRequests).toEqual([{ accept: '.hex', wanted: 'C:/fw/app.hex' }]);
    expect(result.returns).toEqual(['', 1, 26, true]);

    // Cancelled: the call reports the missing file as before.
    const cancelled = await returns('return select(2, mp.file.load("C:/fw/missing.hex"))');
    expect(cancelled.returns[0]).toMatch(/No file named "missing.hex"/);
  });
});

describe("mp.file (MultiProg's forms)", () => {
  it('load takes a MultiProg path, gives blocks with their bytes, and fills the regions', async () => {
    const { returns: r } = await returns(
      `local d, err = mp.file.load("C:\\\\fw\\\\app.s19")
      local b = d.blocks[1]
      return err, d.block_count, b.address, b.size, b.data, d.populated[1].region, d.populated[1].offset,
        mp.memory.read_u32_at(0x10, "be"), d.format`,
      { files: [{ name: 'app.s19', bytes: new TextEncoder().encode(SREC) }] },
    );
    expect(r).toEqual(['', 1, 0x10, 4, [1, 2, 3, 4], 'Code Flash', 0x10, 0x01020304, 'srec']);
  });

  it('load: a missing or broken file gives nil and the reason; read-only regions are left alone and named', async () => {
    const { returns: r } = await returns(`
      local a, ea = mp.file.load("C:/x.hex")
      local b, eb = mp.file.load("broken.hex")
      mp.memory.set_writable("Code Flash", false)
      local c, ec = mp.file.load("${HEX_NAME}")
      return a, ea, b, eb, c.block_count > 0, ec, mp.memory.read_byte_at(0)`);
    expect(r.slice(0, 3)).toEqual([null, expect.stringContaining('No file named "x.hex"'), null]);
    expect(r[3]).toMatch(/broken\.hex.*line/i);
    expect(r.slice(4)).toEqual([
      true,
      'Region "Code Flash" is read-only (mp.memory.set_writable): not loaded.',
      0xff,
    ]);
  });

  it('a raw .bin (load and load_bin) goes to the active region at offset 0', async () => {
    const { returns: r } = await returns(`
      mp.memory.select_region("UICR")
      local d = mp.file.load("boot.bin")
      mp.memory.select_region(0)
      local bytes, err = mp.file.load_bin("D:/boot.bin")
      local none, enone = mp.file.load_bin("gone.bin")
      return d.populated[1].region, mp.memory.read_u32_at(0x10001000, "be"), bytes, err, mp.memory.read_u32_at(0, "be"), none, enone`);
    expect(r).toEqual([
      'UICR',
      0x01020304,
      [1, 2, 3, 4],
      '',
      0x01020304,
      null,
      expect.stringContaining('No file named "gone.bin"'),
    ]);
  });

  it('save writes blocks as HEX, S19 or BIN by extension; no blocks → false and the hint', async () => {
    const result = await returns(
      `local d = mp.file.load("app.s19")
      local a, ea = mp.file.save("C:/out/app.hex", d.blocks)
      local b, eb = mp.file.save("out.s19", d)
      local c, ec = mp.file.save("out.bin", {{address = 0, data = {7, 8}}})
      local e, ee = mp.file.save("out.hex")
      local f, ef = mp.file.save("out.txt", d.blocks)
      return a, ea, b, eb, c, ec, e, ee, f, ef`,
      { files: [{ name: 'app.s19', bytes: new TextEncoder().encode(SREC) }] },
    );
    expect(result.returns.slice(0, 8)).toEqual([
      true,
      '',
      true,
      '',
      true,
      '',
      false,
      'use mp.memory.save_file(path)',
    ]);
    expect(result.returns[8]).toBe(false);
    expect(result.returns[9]).toMatch(/Cannot tell the format of "out.txt"/);
    expect(result.saved.map((f) => f.name)).toEqual(['app.hex', 'out.s19', 'out.bin']);
    const hex = loadFile('app.hex', result.saved[0]!.bytes).data;
    expect(hex.read(0x10, 4)).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(new TextDecoder().decode(result.saved[1]!.bytes)).toContain('S107001001020304DE');
    expect(result.saved[2]!.bytes).toEqual(new Uint8Array([7, 8]));
  });

  it('save_bin saves bytes; mp.memory.save_file saves the buffer', async () => {
    const result = await returns(`
      local a, ea = mp.file.save_bin("C:/cfg.bin", {1, 2, 3})
      mp.memory.write_at(0x20, "\\9\\8")
      local b, eb = mp.memory.save_file("C:/dump.s19")
      local c, ec = mp.memory.save_file("dump.doc")
      return a, ea, b, eb, c, ec`);
    expect(result.returns.slice(0, 5)).toEqual([true, '', true, '', false]);
    expect(result.returns[5]).toMatch(/Cannot tell the format/);
    expect(result.saved[0]).toEqual({ name: 'cfg.bin', bytes: new Uint8Array([1, 2, 3]) });
    expect(result.saved[1]!.name).toBe('dump.s19');
    expect(loadFile('dump.s19', result.saved[1]!.bytes).data.read(0x20, 2)).toEqual(new Uint8Array([9, 8]));
  });

  it('read_text, write_text and append_text: text, err and ok, err', async () => {
    const result = await returns(
      `
      local a, ea = mp.file.write_text("C:/logs/report.txt", "line 1\\n")
      local b, eb = mp.file.append_text("report.txt", "line 2\\n")
      local c = mp.file.append_text("D:\\\\log.csv", "3\\n")
      local t, et = mp.file.read_text("C:/logs/report.txt")
      local n, en = mp.file.read_text("missing.txt")
      return a, ea, b, eb, c, t, et, mp.file.read_text("log.csv"), n, en`,
      { files: [{ name: 'log.csv', bytes: new TextEncoder().encode('1\n2\n') }] },
    );
    expect(result.returns).toEqual([
      true,
      '',
      true,
      '',
      true,
      'line 1\nline 2\n',
      '',
      '1\n2\n3\n',
      null,
      expect.stringContaining('No file named "missing.txt"'),
    ]);
    expect(result.saved.map((f) => f.name)).toEqual(['report.txt', 'report.txt', 'log.csv']);
  });

  it('exists and size by path (size 0 when missing); extension, basename, dirname with / and \\', async () => {
    const { returns: r } = await returns(`
      return mp.file.exists("C:\\\\fw\\\\BOOT.BIN"), mp.file.exists("C:/x.bin"), mp.file.size("C:/boot.bin"), mp.file.size("C:/x.bin"),
        mp.file.extension("C:\\\\fw\\\\app.S19"), mp.file.extension("C:/fw.d/readme"), mp.file.basename("C:\\\\fw/app.hex"),
        mp.file.basename("app.hex"), mp.file.dirname("C:\\\\fw\\\\app.hex"), mp.file.dirname("C:/fw/app.hex"), mp.file.dirname("app.hex")`);
    expect(r).toEqual([true, false, 4, 0, 'S19', '', 'app.hex', 'app.hex', 'C:\\fw', 'C:/fw', '.']);
  });

  it("list_dir lists the run's files, filtered by a glob", async () => {
    const { returns: r } = await returns(
      `return mp.file.list_dir("C:/fw"), mp.file.list_dir("C:/fw", "*.HEX"), mp.file.list_dir(".", "b??t.*")`,
    );
    expect(r).toEqual([['boot.bin', 'broken.hex', HEX_NAME], ['broken.hex', HEX_NAME], ['boot.bin']]);
  });

  it('detect_format answers hex, s19, bin or unknown (missing files by extension)', async () => {
    const { returns: r } = await returns(
      `return mp.file.detect_format("${HEX_NAME}"), mp.file.detect_format("C:/app.s19"), mp.file.detect_format("boot.bin"),
        mp.file.detect_format("app.uf2"), mp.file.detect_format("C:/new.srec"), mp.file.detect_format("C:/x.txt")`,
      {
        files: [
          { name: HEX_NAME, bytes: hexBytes },
          { name: 'app.s19', bytes: new TextEncoder().encode(SREC) },
          { name: 'boot.bin', bytes: new Uint8Array([1]) },
          { name: 'app.uf2', bytes: new Uint8Array([0x55, 0x46, 0x32, 0x0a, 0x57, 0x51, 0x5d, 0x9e]) },
        ],
      },
    );
    expect(r).toEqual(['hex', 's19', 'bin', 'unknown', 's19', 'unknown']);
  });
});

describe('mp.checksum', () => {
  it('list names every algorithm', async () => {
    const { returns: r } = await returns('local l = mp.checksum.list() return #l, l[1].id, l[1].bits');
    expect(r).toEqual([11, 'crc32', 32]);
  });

  it('compute over strings and tables (check values)', async () => {
    const { returns: r } = await returns(`
      local v, hex = mp.checksum.compute("crc32", "123456789")
      local v2 = mp.checksum.compute("crc16-xmodem", {0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39})
      local none, sha = mp.checksum.compute("sha256", "")
      local bad = pcall(mp.checksum.compute, "crc99", "")
      return v, hex, v2, none, sha, bad`);
    expect(r).toEqual([
      0xcbf43926,
      'cbf43926',
      0x31c3,
      null,
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      false,
    ]);
  });

  it('region and range over the buffer agree with the host-side checksum code', async () => {
    const result = await returns(`
      mp.file.load("${HEX_NAME}")
      local _, region_hex = mp.checksum.region("sha256", "Code Flash")
      local v = mp.checksum.range("sum16-rl78", 0x0, 0x400)
      local v2 = mp.checksum.range("sum8", 0x3FFFE, 4, 0)
      return region_hex, v, v2`);
    const image = imageFromDto(result.image);
    expect(result.returns[0]).toBe(checksumRegion(image, 'Code Flash', 'sha256').hex);
    const first = image.readAt(0, 0x400);
    expect(result.returns[1]).toBe((0x10000 - (first.reduce((a, b) => a + b, 0) & 0xffff)) & 0xffff);
    const tail = image.data.read(0x3fffe, 4, 0);
    expect(result.returns[2]).toBe(tail.reduce((a, b) => a + b, 0) & 0xff);
  });
});
