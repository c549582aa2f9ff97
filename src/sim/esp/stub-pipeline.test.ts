/**
 * The flasher stub's timing on the wire, packet by packet: erases run in the background (the
 * FLASH_BEGIN reply does not wait for them, a later flash read does), and a frame that arrives
 * while both of the stub's frame buffers are taken is lost.
 */
import { describe, expect, test } from 'vitest';
import { Op, u32le } from './protocol';
import { DEFAULT_FLASH_TIMINGS } from './spi-flash';
import { dataBlock, stubMode } from './wire-harness';

function status(reply: { data: number[] }): number {
  const d = reply.data;
  return (d[d.length - 2] << 8) | d[d.length - 1];
}

describe('flasher stub pipeline', () => {
  test('FLASH_BEGIN answers before its block erase ends; SPI_FLASH_MD5 waits for it', async () => {
    const link = await stubMode();
    const t0 = link.board.clock.now();
    const [begin] = await link.send(Op.FLASH_BEGIN, u32le(0x10000, 4, 0x4000, 0x20000));
    const beginTime = link.board.clock.now() - t0;
    expect(status(begin)).toBe(0);
    expect(beginTime).toBeLessThan(DEFAULT_FLASH_TIMINGS.blockErase / 2);

    const [md5] = await link.send(Op.SPI_FLASH_MD5, u32le(0x20000, 0x1000, 0, 0));
    expect(status(md5)).toBe(0);
    expect(link.board.clock.now() - t0).toBeGreaterThan(DEFAULT_FLASH_TIMINGS.blockErase);
    await link.close();
  });

  test('a third frame sent while the stub is still writing the first finds no buffer and is lost', async () => {
    const link = await stubMode('real');
    await link.send(Op.FLASH_BEGIN, u32le(0x10000, 3, 0x100, 0x30000));
    // Each 256-byte block takes 23 ms on the wire at 115200; the first cannot be written before
    // the 150 ms block erase that FLASH_BEGIN started is over.
    for (let seq = 0; seq < 3; seq++) {
      await link.write(Op.FLASH_DATA, ...dataBlock(new Uint8Array(0x100).fill(seq), seq));
    }
    const replies = await link.collect(3);
    expect(replies.map((r) => r.op)).toEqual([Op.FLASH_DATA, Op.FLASH_DATA]);
    expect(link.board.droppedFrames).toBe(1);
    expect(Array.from(link.board.flash.read(0x30000, 2))).toEqual([0, 0]);
    expect(Array.from(link.board.flash.read(0x30100, 2))).toEqual([1, 1]);
    expect(Array.from(link.board.flash.read(0x30200, 2))).toEqual([0xff, 0xff]);
    await link.close();
  });

  test('on the USB-Serial/JTAG port a 16 KiB block crosses in about 14 ms: a third sent at once is lost', async () => {
    const link = await stubMode('zero', { chip: 'esp32s3', usb: 'native' });
    await link.send(Op.FLASH_BEGIN, u32le(0xc000, 3, 0x4000, 0x30000));
    for (let seq = 0; seq < 3; seq++) {
      await link.write(Op.FLASH_DATA, ...dataBlock(new Uint8Array(0x4000).fill(seq), seq));
    }
    const replies = await link.collect(2);
    expect(replies.map((r) => r.op)).toEqual([Op.FLASH_DATA, Op.FLASH_DATA]);
    expect(link.board.droppedFrames).toBe(1);
    await link.close();
  });

  test('the same frames sent one reply at a time are all written', async () => {
    const link = await stubMode();
    await link.send(Op.FLASH_BEGIN, u32le(0x300, 3, 0x100, 0x30000));
    for (let seq = 0; seq < 3; seq++) {
      const [reply] = await link.send(Op.FLASH_DATA, ...dataBlock(new Uint8Array(0x100).fill(seq), seq));
      expect(status(reply)).toBe(0);
    }
    const [end] = await link.send(Op.FLASH_END, u32le(1));
    expect(status(end)).toBe(0);
    expect(link.board.droppedFrames).toBe(0);
    expect(Array.from(link.board.flash.read(0x30200, 2))).toEqual([2, 2]);
    await link.close();
  });
});
