/**
 * The ROM loader on the wire, without esptool-js: replies, status bytes and error behaviour.
 */
import { describe, expect, test, vi } from 'vitest';
import type { SimulatedEspBoard } from './board';
import { Op, SYNC_PAYLOAD, buildResponse, readU32, u32le } from './protocol';
import { BRIDGE_TIMINGS } from './usb-connection';
import { dataBlock, downloadMode } from './wire-harness';

describe('ROM loader', () => {
  test('prints the download banner and answers SYNC 8 times with 0x20120707 and 4 status bytes', async () => {
    const rom = await downloadMode('esp32');
    expect(rom.banner).toContain(
      'rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))',
    );
    expect(rom.banner).toContain('waiting for download');
    const replies = await rom.send(Op.SYNC, SYNC_PAYLOAD, 0, 8);
    expect(replies).toHaveLength(8);
    for (const r of replies) expect(r).toEqual({ op: Op.SYNC, value: 0x20120707, data: [0, 0, 0, 0] });
    await rom.close();
  });

  test('ESP32 answers GET_SECURITY_INFO as unsupported: 8 replies, other op, 01 05', async () => {
    const rom = await downloadMode('esp32');
    const replies = await rom.send(Op.GET_SECURITY_INFO, new Uint8Array(0), 0, 8);
    expect(replies).toHaveLength(8);
    for (const r of replies) {
      expect(r.op).not.toBe(Op.GET_SECURITY_INFO);
      expect(r.data).toEqual([1, 5, 0, 0]);
    }
    const magic = await rom.send(Op.READ_REG, u32le(0x40001000));
    expect(magic).toEqual([{ op: Op.READ_REG, value: 0x00f01d83, data: [0, 0, 0, 0] }]);
    await rom.close();
  });

  test('ESP32-S3 answers GET_SECURITY_INFO with chip id 9 (real-trace status 00 05 00 00)', async () => {
    const rom = await downloadMode('esp32s3');
    const [reply] = await rom.send(Op.GET_SECURITY_INFO, new Uint8Array(0));
    expect(reply.data).toHaveLength(24);
    expect(readU32(Uint8Array.from(reply.data), 12)).toBe(9);
    expect(reply.data.slice(20)).toEqual([0, 5, 0, 0]);
    await rom.close();
  });

  test('flash commands need SPI_ATTACH; MD5 comes back as 32 hex characters', async () => {
    const rom = await downloadMode('esp32');
    const [refused] = await rom.send(Op.FLASH_BEGIN, u32le(0x1000, 1, 0x400, 0));
    expect(refused.data).toEqual([1, 0x08, 0, 0]);
    expect((await rom.send(Op.SPI_ATTACH, u32le(0, 0)))[0].data).toEqual([0, 0, 0, 0]);
    expect((await rom.send(Op.FLASH_BEGIN, u32le(0x1000, 1, 0x400, 0, 0)))[0].data).toEqual([0, 0, 0, 0]);
    const payload = new Uint8Array(0x400).fill(0xa5);
    const [block, blockChecksum] = dataBlock(payload, 0);
    const [bad] = await rom.send(Op.FLASH_DATA, block, blockChecksum ^ 1);
    expect(bad.data).toEqual([1, 0x07, 0, 0]);
    const [good] = await rom.send(Op.FLASH_DATA, block, blockChecksum);
    expect(good.data).toEqual([0, 0, 0, 0]);
    expect(rom.board.flash.read(0, 0x400)).toEqual(payload);
    const [md5] = await rom.send(Op.SPI_FLASH_MD5, u32le(0, 0x400, 0, 0));
    expect(String.fromCharCode(...md5.data.slice(0, 32))).toMatch(/^[0-9a-f]{32}$/);
    expect(md5.data.slice(32)).toEqual([0, 0, 0, 0]);
    await rom.close();
  });

  test('the ESP32-C3 ROM rejects FLASH_DATA blocks of 2048 bytes or more', async () => {
    const rom = await downloadMode('esp32c3');
    await rom.send(Op.SPI_ATTACH, u32le(0, 0));
    await rom.send(Op.FLASH_BEGIN, u32le(0x4000, 1, 0x4000, 0, 0));
    const [reply] = await rom.send(Op.FLASH_DATA, ...dataBlock(new Uint8Array(0x800), 0));
    expect(reply.data).toEqual([1, 0x05, 0, 0]);
    await rom.close();
  });

  test('a host at the wrong baud rate sees the banner as garbage; the ROM autobauds on SYNC', async () => {
    const rom = await downloadMode('esp32', 921600);
    expect(rom.banner).not.toContain('waiting for download');
    expect(rom.banner.length).toBeGreaterThan(50);
    const replies = await rom.send(Op.SYNC, SYNC_PAYLOAD, 0, 8);
    expect(replies).toHaveLength(8);
    expect(rom.board.baudRate).toBe(921600);
    await rom.close();
  });

  test('response builder: length counts data and status', () => {
    expect(Array.from(buildResponse(0x0a, 0x11223344, new Uint8Array(0), Uint8Array.of(0, 0, 0, 0)))).toEqual(
      [1, 0x0a, 4, 0, 0x44, 0x33, 0x22, 0x11, 0, 0, 0, 0],
    );
  });
});

describe('modeled time', () => {
  test('bytes cost 10 bit times at the baud rate in both directions', async () => {
    const rom = await downloadMode('esp32');
    const board: SimulatedEspBoard = rom.board;
    const before = board.clock.now();
    await rom.send(Op.READ_REG, u32le(0x40001000));
    // 14 bytes out (SLIP frame of a 12-byte request) + 14 bytes back (8-byte header + 4 status),
    // plus the CP2102's cost: the write waits for a USB frame, the short reply for its timeout.
    const bridge = BRIDGE_TIMINGS.cp2102;
    expect(board.clock.now() - before).toBeCloseTo(
      (28 * 10) / 115200 + bridge.hostWriteSeconds + bridge.flushSeconds,
      9,
    );
    await rom.close();
  });

  test("'real' latency paces the replies on the wall clock", async () => {
    vi.useRealTimers(); // this one is about the wall clock, not the jumping clock
    // timeScale 0.1: ten times slower than hardware, so the wire time is easy to see.
    const rom = await downloadMode('esp32', 115200, { latency: 'real', timeScale: 0.1 });
    const start = performance.now();
    const replies = await rom.send(Op.SYNC, SYNC_PAYLOAD, 0, 8);
    const wallMs = performance.now() - start;
    expect(replies).toHaveLength(8);
    // 46 bytes out + 8 × 14 bytes back at 115200 baud = 13.7 ms of wire, × 10.
    expect(wallMs).toBeGreaterThan(100);
    await rom.close();
  });
});
