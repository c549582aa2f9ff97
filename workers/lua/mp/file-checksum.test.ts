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

describe('mp.file', () => {
  it('list, exists, size, detect_format, read', async () => {
    const { returns: r } = await returns(`
      return mp.file.list(), mp.file.exists("boot.bin"), mp.file.exists("nope"), mp.file.size("${HEX_NAME}"),
        mp.file.detect_format("${HEX_NAME}"), mp.file.detect_format("boot.bin"), mp.file.read("boot.bin") == "\\1\\2\\3\\4"`);
    expect(r).toEqual([
      [HEX_NAME, 'boot.bin', 'broken.hex'],
      true,
      false,
      hexBytes.length,
      'intel-hex',
      'bin',
      true,
    ]);
  });

  it('load puts a real MicroPython hex into the buffer where the format layer puts it', async () => {
    const result = await returns(`
      local info = mp.file.load("${HEX_NAME}")
      return info.format, info.block_count, info.populated[1].region, #info.warnings`);
    const expected = loadFile(HEX_NAME, hexBytes).data;
    expect(result.returns.slice(0, 1)).toEqual(['intel-hex']);
    expect(result.returns[1]).toBe(expected.segments().length);
    expect(result.returns[2]).toBe('Code Flash');
    const image = imageFromDto(result.image);
    expect(image.data.equals(expected)).toBe(true);
  });

  it('load fails with the file and the line for a broken hex, and for unknown files', async () => {
    const broken = await run('mp.file.load("broken.hex")');
    expect(broken.error?.code).toBe('SCRIPT_ERROR');
    expect(broken.error?.line).toBe(1);
    expect(broken.error?.message).toMatch(/broken\.hex/);
    const missing = await run('mp.file.load("x.hex")');
    expect(missing.error?.message).toMatch(/No file named "x.hex" is open/);
  });

  it('load_bin places a binary at an address; load_region keeps a file inside one region', async () => {
    const { returns: r } = await returns(`
      mp.file.load_bin("boot.bin", 0x100)
      local info = mp.file.load_region("boot.bin", "UICR")
      local ok, err = pcall(mp.file.load_region, "${HEX_NAME}", "UICR")
      local notbin = pcall(mp.file.load_bin, "${HEX_NAME}", 0)
      return mp.memory.read_u32_at(0x100, "be"), mp.memory.read_u32_at(0x10001000, "be"), info.populated[1].region, ok, notbin`);
    expect(r).toEqual([0x01020304, 0x01020304, 'UICR', false, false]);
  });

  it('save and save_bin offer the bytes to the page and make them loadable', async () => {
    const result = await returns(`
      mp.memory.write_at(0x10001000, "\\1\\2\\3\\4")
      local size = mp.file.save("uicr.hex", "UICR")
      local bin = mp.file.save_bin("part.bin", 0x10001000, 8)
      mp.memory.clear()
      mp.file.load("uicr.hex")
      local bad = pcall(mp.file.save, "dump.txt")
      return size, bin, mp.memory.read_u32_at(0x10001000, "be"), bad`);
    expect(result.returns.slice(1)).toEqual([8, 0x01020304, false]);
    expect(result.saved.map((f) => f.name)).toEqual(['uicr.hex', 'part.bin']);
    expect(result.saved[1]!.bytes).toEqual(new Uint8Array([1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff]));
    expect(new TextDecoder().decode(result.saved[0]!.bytes)).toMatch(/^:02000004100/);
    expect(result.savedFiles).toHaveLength(2);
  });

  it('write_text and append_text save text files, appending to opened ones', async () => {
    const result = await returns(
      `
      local a = mp.file.write_text("report.txt", "line 1\\n")
      local b = mp.file.append_text("report.txt", "line 2\\n")
      local c = mp.file.append_text("log.csv", "3\\n")
      local d = mp.file.append_text("new.csv", "x")
      return a, b, c, d, mp.file.read("report.txt"), mp.file.read("log.csv")`,
      { files: [{ name: 'log.csv', bytes: new TextEncoder().encode('1\n2\n') }] },
    );
    expect(result.returns).toEqual([7, 14, 6, 1, 'line 1\nline 2\n', '1\n2\n3\n']);
    expect(result.saved.map((f) => f.name)).toEqual(['report.txt', 'report.txt', 'log.csv', 'new.csv']);
  });

  it('pick asks the page for a file and returns its name, or nil when cancelled', async () => {
    const picked = await returns('local n = mp.file.pick(".bin") return n, mp.file.size(n)', {
      picked: { name: 'chosen.bin', bytes: new Uint8Array(3) },
    });
    expect(picked.returns).toEqual(['chosen.bin', 3]);
    expect((await returns('return mp.file.pick()')).returns).toEqual([null]);
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
