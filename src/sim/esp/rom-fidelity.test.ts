/**
 * The ROM loader as Espressif's own host tool meets it, driven with raw SLIP frames (no
 * esptool-js): last blocks padded past FLASH_BEGIN's size, the ESP32 crystal registers and
 * CHANGE_BAUDRATE's divider, and the "UART in use" variable of the USB-capable chips.
 */
import { describe, expect, test } from 'vitest';
import { deflate } from 'pako';
import { ESP_CHIPS } from './chips';
import { Op, SYNC_PAYLOAD, u32le } from './protocol';
import { RegisterFile } from './registers';
import { romAppliedBaud } from './rom-protocol';
import { SpiFlash } from './spi-flash';
import { randomBytes } from './test-helpers';
import { dataBlock, downloadMode } from './wire-harness';

const OK = [0, 0, 0, 0];
const INVALID = [1, 0x05, 0, 0];

/** `data` padded with 0xFF to a multiple of `block`, as esptool pads the last block. */
function padTo(data: Uint8Array, block: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / block) * block).fill(0xff);
  out.set(data);
  return out;
}

describe('ROM: a last block padded past FLASH_BEGIN', () => {
  const image = randomBytes(0x1234, 0x5eed);
  const address = 0x10000;

  test('plain FLASH_DATA: the padded last block is accepted and programmed', async () => {
    const rom = await downloadMode('esp32');
    rom.board.flash.load(address + 0x2000, Uint8Array.of(0x12, 0x34)); // outside the write: kept
    expect((await rom.send(Op.SPI_ATTACH, u32le(0, 0)))[0].data).toEqual(OK);
    // esptool.py's ROM path: erase size = the image size, 0x400-byte blocks, last one padded.
    const [begin] = await rom.send(Op.FLASH_BEGIN, u32le(image.length, 5, 0x400, address));
    expect(begin.data).toEqual(OK);
    const padded = padTo(image, 0x400);
    for (let seq = 0; seq < 5; seq++) {
      const [reply] = await rom.send(
        Op.FLASH_DATA,
        ...dataBlock(padded.subarray(seq * 0x400, (seq + 1) * 0x400), seq),
      );
      expect(reply.data, `block ${seq}`).toEqual(OK);
    }
    expect(rom.board.flash.read(address, image.length)).toEqual(image);
    expect(rom.board.flash.read(address + image.length, 0x1400 - image.length).every((b) => b === 0xff)).toBe(
      true,
    );
    expect(Array.from(rom.board.flash.read(address + 0x2000, 2))).toEqual([0x12, 0x34]);
    await rom.close();
  });

  test('compressed FLASH_DEFL_DATA: data that inflates past the declared size is programmed', async () => {
    const rom = await downloadMode('esp32s3');
    await rom.send(Op.SPI_ATTACH, u32le(0, 0));
    // The host compressed the image padded to whole 0x400 blocks but declares the exact size.
    const zlib = deflate(padTo(image, 0x400), { level: 9 });
    const blocks = Math.ceil(zlib.length / 0x400);
    const [begin] = await rom.send(Op.FLASH_DEFL_BEGIN, u32le(image.length, blocks, 0x400, address, 0));
    expect(begin.data).toEqual(OK);
    for (let seq = 0; seq < blocks; seq++) {
      const [reply] = await rom.send(
        Op.FLASH_DEFL_DATA,
        ...dataBlock(zlib.subarray(seq * 0x400, (seq + 1) * 0x400), seq),
      );
      expect(reply.data, `block ${seq}`).toEqual(OK);
    }
    expect(rom.board.flash.read(address, image.length)).toEqual(image);
    await rom.close();
  });

  test('a block that would run past the end of the flash chip is still refused', async () => {
    const rom = await downloadMode('esp32', 115200, { flashSize: 0x40000 });
    await rom.send(Op.SPI_ATTACH, u32le(0, 0));
    await rom.send(Op.FLASH_BEGIN, u32le(0x200, 1, 0x400, 0x3fe00));
    const [reply] = await rom.send(Op.FLASH_DATA, ...dataBlock(new Uint8Array(0x400).fill(0xff), 0));
    expect(reply.data).toEqual([1, 0x08, 0, 0]);
    await rom.close();
  });
});

describe('ESP32 crystal and CHANGE_BAUDRATE', () => {
  const RTCCALICFG1 = 0x3ff5f06c;
  const EFUSE_WORD4 = 0x3ff5a000 + 16;
  const UART_CLKDIV = 0x3ff40014;

  /** esptool `ESP32ROM.get_rom_cal_crystal_freq`, computed from what the chip answers. */
  async function romCrystal(rom: Awaited<ReturnType<typeof downloadMode>>): Promise<number> {
    const [cali] = await rom.send(Op.READ_REG, u32le(RTCCALICFG1));
    const [efuse] = await rom.send(Op.READ_REG, u32le(EFUSE_WORD4));
    return (((cali.value >>> 7) & 0x1ffffff) * 15625 * (efuse.value & 0xff)) / 40;
  }

  test('the registers read as a 40 MHz board whose ROM estimated its crystal a little high', async () => {
    const rom = await downloadMode('esp32');
    await rom.send(Op.SYNC, SYNC_PAYLOAD, 0, 8);
    const estimate = await romCrystal(rom);
    expect(estimate).toBeGreaterThan(33e6); // esptool: > 33 MHz means a 40 MHz crystal
    expect(estimate).not.toBe(40e6);
    // esptool's get_crystal_freq: UART_CLKDIV × baud / 1e6 ≈ 40.
    const [clkdiv] = await rom.send(Op.READ_REG, u32le(UART_CLKDIV));
    expect(Math.round(((clkdiv.value & 0xfffff) * 115200) / 1e6)).toBe(40);
    await rom.close();
  });

  test("a host that scales CHANGE_BAUDRATE's argument as esptool does gets the baud it asked for", async () => {
    const rom = await downloadMode('esp32', 115200, { setBaudRate: true });
    await rom.send(Op.SYNC, SYNC_PAYLOAD, 0, 8);
    const estimate = await romCrystal(rom);
    const argument = Math.floor((921600 * estimate) / 40e6); // esptool targets/esp32.py change_baud
    const [reply] = await rom.send(Op.CHANGE_BAUDRATE, u32le(argument, 0));
    expect(reply.data).toEqual(OK);
    expect(Math.abs(rom.board.baudRate / 921600 - 1)).toBeLessThan(0.005);
    await rom.board.port.setBaudRate!(921600);
    const [magic] = await rom.send(Op.READ_REG, u32le(0x40001000));
    expect(magic.value).toBe(0x00f01d83);
    await rom.close();
  });

  test('a host that sends the bare baud gets a rate off by the ROM estimate and loses the link', async () => {
    const rom = await downloadMode('esp32', 115200, { setBaudRate: true });
    await rom.send(Op.SYNC, SYNC_PAYLOAD, 0, 8);
    const [reply] = await rom.send(Op.CHANGE_BAUDRATE, u32le(921600, 0));
    expect(reply.data).toEqual(OK);
    expect(rom.board.baudRate / 921600).toBeLessThan(0.97);
    await rom.board.port.setBaudRate!(921600);
    await rom.write(Op.READ_REG, u32le(0x40001000));
    const replies = await rom.collect(1);
    expect(replies.some((r) => r.op === Op.READ_REG && r.value === 0x00f01d83)).toBe(false);
    await rom.close();
  });

  test.each([0, 0xffffffff, 6_000_000])('CHANGE_BAUDRATE(%i) is refused and the baud stays', async (baud) => {
    const rom = await downloadMode('esp32');
    await rom.send(Op.SYNC, SYNC_PAYLOAD, 0, 8);
    const [reply] = await rom.send(Op.CHANGE_BAUDRATE, u32le(baud, 0));
    expect(reply.data).toEqual(INVALID);
    expect(rom.board.baudRate).toBe(115200);
    const [magic] = await rom.send(Op.READ_REG, u32le(0x40001000));
    expect(magic.value).toBe(0x00f01d83);
    await rom.close();
  });

  test('ESP32-S3 and C3 ROMs use the fixed 40 MHz crystal: the bare baud is exact', () => {
    for (const chip of [ESP_CHIPS.esp32s3, ESP_CHIPS.esp32c3]) {
      expect(Math.abs(romAppliedBaud(chip, 921600)! / 921600 - 1)).toBeLessThan(0.001);
    }
    expect(romAppliedBaud(ESP_CHIPS.esp32, 1)).toBeNull(); // the 20-bit divider cannot reach it
  });
});

describe('"UART in use" variable (UARTDEV_BUF_NO)', () => {
  test('an ESP32-S3 on USB-OTG reads 3 there', () => {
    const registers = new RegisterFile(
      ESP_CHIPS.esp32s3,
      new SpiFlash(),
      ESP_CHIPS.esp32s3.defaultMac,
      () => 115200,
      'usb-otg',
    );
    expect(registers.read(0x3fcef14c)).toBe(3);
    expect(
      () => new RegisterFile(ESP_CHIPS.esp32c3, new SpiFlash(), [1, 2, 3, 4, 5, 6], () => 115200, 'usb-otg'),
    ).toThrow(/no USB-OTG/);
  });

  test.each([
    ['esp32s3', 'native', 0x3fcef14c, 4],
    ['esp32s3', 'cp2102', 0x3fcef14c, 0],
    ['esp32c3', 'native', 0x3fcdf07c, 3],
    ['esp32c3', 'cp2102', 0x3fcdf07c, 0],
  ] as const)('%s on %s reads %s = %i', async (chip, usb, address, value) => {
    const rom = await downloadMode(chip, 115200, { usb });
    await rom.send(Op.SYNC, SYNC_PAYLOAD, 0, 8);
    const [reply] = await rom.send(Op.READ_REG, u32le(address));
    expect(reply.value & 0xff).toBe(value);
    await rom.close();
  });
});

describe('ROM: flash write read-back and READ_FLASH_SLOW', () => {
  test('FLASH_DATA: a block that does not read back as written is answered 0x08 (flash write error)', async () => {
    // serial-protocol.rst, ROM loader errors: "0x08 - flash write error - after writing a block of
    // data to flash, the ROM loader reads the value back [...] If they don't match, this error is
    // returned."
    const rom = await downloadMode('esp32');
    await rom.send(Op.SPI_ATTACH, u32le(0, 0));
    await rom.send(Op.FLASH_BEGIN, u32le(0x800, 2, 0x400, 0x20000));
    rom.board.flash.setWeakRange({ address: 0x20500, length: 4 }); // stops programming
    const good = await rom.send(Op.FLASH_DATA, ...dataBlock(new Uint8Array(0x400).fill(0x5a), 0));
    expect(good[0].data).toEqual(OK);
    const [bad] = await rom.send(Op.FLASH_DATA, ...dataBlock(new Uint8Array(0x400).fill(0x5a), 1));
    expect(bad.data).toEqual([1, 0x08, 0, 0]);
    await rom.close();
  });

  test('FLASH_DATA over bytes FLASH_BEGIN did not erase fails the read-back too', async () => {
    const rom = await downloadMode('esp32');
    await rom.send(Op.SPI_ATTACH, u32le(0, 0));
    rom.board.flash.load(0x30000, new Uint8Array(0x400).fill(0x0f));
    await rom.send(Op.FLASH_BEGIN, u32le(0, 1, 0x400, 0x30000)); // erase size 0
    const [reply] = await rom.send(Op.FLASH_DATA, ...dataBlock(new Uint8Array(0x400).fill(0xf0), 0));
    expect(reply.data).toEqual([1, 0x08, 0, 0]);
    // The flash now holds 0x0F & 0xF0 = 0x00; data that only clears bits reads back fine.
    await rom.send(Op.FLASH_BEGIN, u32le(0, 1, 0x400, 0x30000));
    const [same] = await rom.send(Op.FLASH_DATA, ...dataBlock(new Uint8Array(0x400), 0));
    expect(same.data).toEqual(OK);
    await rom.close();
  });

  test('FLASH_DEFL_DATA: inflated data that does not read back is answered 0x08', async () => {
    const rom = await downloadMode('esp32s3');
    await rom.send(Op.SPI_ATTACH, u32le(0, 0));
    const zlib = deflate(new Uint8Array(0x1000).fill(0x33), { level: 9 });
    await rom.send(Op.FLASH_DEFL_BEGIN, u32le(0x1000, 1, 0x400, 0x40000, 0));
    rom.board.flash.setWeakRange({ address: 0x40800, length: 1 });
    const [reply] = await rom.send(Op.FLASH_DEFL_DATA, ...dataBlock(zlib, 0));
    expect(reply.data).toEqual([1, 0x08, 0, 0]);
    await rom.close();
  });

  test('READ_FLASH_SLOW always answers a 64-byte buffer, the bytes asked for first', async () => {
    // esptool ESP32ROM.read_flash_slow (and espflash): "command always returns 64 byte buffer,
    // regardless of how many bytes were actually read from flash"; the host keeps r[:block_len].
    const rom = await downloadMode('esp32');
    await rom.send(Op.SPI_ATTACH, u32le(0, 0));
    const data = randomBytes(0x80, 0xab);
    rom.board.flash.load(0x50000, data);
    const [full] = await rom.send(Op.READ_FLASH_SLOW, u32le(0x50000, 64));
    expect(full.data).toHaveLength(64 + 4);
    expect(full.data.slice(0, 64)).toEqual(Array.from(data.subarray(0, 64)));
    expect(full.data.slice(64)).toEqual(OK);
    const [part] = await rom.send(Op.READ_FLASH_SLOW, u32le(0x50040, 10));
    expect(part.data).toHaveLength(64 + 4);
    expect(part.data.slice(0, 10)).toEqual(Array.from(data.subarray(0x40, 0x4a)));
    expect(part.data.slice(64)).toEqual(OK);
    await rom.close();
  });
});
