/**
 * esptool-js 0.7.0, unmodified, against the simulated boards: the whole connect flow for each
 * chip, compressed and plain writes with MD5 verification, read-back, chip erase, and the reset
 * back to the application.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createSimulatedEspBoard } from './board';
import type { SimulatedEspBoard } from './board';
import type { EspChipName } from './chips';
import { connectEsptool, md5Hex, randomBytes, readPortText, writeFlashOptions } from './test-helpers';
import type { LoaderHarness } from './test-helpers';

beforeEach(() => {
  // esptool-js's Transport always logs "TRACE … readLoop exited"; keep test output readable.
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

const EXPECTED: Record<EspChipName, { description: string; mac: string; features: string }> = {
  esp32: {
    description: 'ESP32-D0WD-V3 (revision 3)',
    mac: '24:0a:c4:12:34:56',
    features: 'Wi-Fi, BT, Dual Core, VRef calibration in efuse, Coding Scheme None',
  },
  esp32s3: {
    description: 'ESP32-S3 (QFN56) (revision v0.2)',
    mac: 'f4:12:fa:01:02:03',
    features: 'Wi-Fi,BLE',
  },
  esp32c3: {
    description: 'ESP32-C3 (QFN32) (revision v0.4)',
    mac: '58:cf:79:ab:cd:ef',
    features: 'Wi-Fi,BLE',
  },
};

async function connected(chip: EspChipName): Promise<{ board: SimulatedEspBoard } & LoaderHarness> {
  const board = createSimulatedEspBoard({ chip });
  const harness = connectEsptool(board);
  await harness.loader.main();
  return { board, ...harness };
}

describe.each(['esp32', 'esp32s3', 'esp32c3'] as const)('esptool-js main() on %s', (chip) => {
  test('resets into download mode, detects the chip, runs the stub and switches to 921600 baud', async () => {
    const board = createSimulatedEspBoard({ chip });
    const { loader, transport, output } = connectEsptool(board);
    const description = await loader.main();
    expect(description).toBe(EXPECTED[chip].description);
    expect(output).toContain(`MAC: ${EXPECTED[chip].mac}`);
    expect(output).toContain(`Features: ${EXPECTED[chip].features}`);
    expect(output).toContain('Crystal is 40MHz');
    expect(output).toContain('Stub running...');
    expect(output).toContain('Flash ID: 1640ef');
    expect(output.join('\n')).not.toMatch(/Continuing at 115200/);
    expect(loader.IS_STUB).toBe(true);
    expect(board.mode).toBe('stub');
    expect(board.baudRate).toBe(921600);
    expect(board.port.baudRate).toBe(921600);
    await transport.disconnect();
  });
});

describe('connections and latency', () => {
  test.each(['esp32s3', 'esp32c3'] as const)(
    'native USB-Serial/JTAG on %s: esptool-js picks its USB reset and connects',
    async (chip) => {
      const board = createSimulatedEspBoard({ chip, usb: 'native' });
      const { loader, transport, output } = connectEsptool(board);
      expect(await loader.main()).toBe(EXPECTED[chip].description);
      expect(output).toContain('Serial port WebSerial VendorID 0x303a ProductID 0x1001');
      expect(board.mode).toBe('stub');
      await transport.disconnect();
    },
  );

  test("the whole flow also works with 'real' latency (data paced by the wire model)", async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32', latency: 'real', timeScale: 2 });
    const { loader, transport, output } = connectEsptool(board);
    await loader.main();
    expect(board.mode).toBe('stub');
    const image = randomBytes(20_000, 11);
    await loader.writeFlash(writeFlashOptions(image, 0x8000, true));
    expect(output).toContain('Hash of data verified.');
    await transport.disconnect();
  });
});

describe('esptool-js flash operations (ESP32)', () => {
  test('writeFlash compressed with MD5 check; readFlash and the flash hold the same bytes', async () => {
    const { board, loader, transport, output } = await connected('esp32');
    const image = randomBytes(100_000);
    image.fill(0x00, 50_000, 80_000);
    await loader.writeFlash(writeFlashOptions(image, 0x10000, true));
    expect(output).toContain('Hash of data verified.');
    expect(board.flash.read(0x10000, image.length)).toEqual(image);
    // Sector-granular erase: the rest of the last sector reads erased.
    expect(board.flash.read(0x10000 + image.length, 16)).toEqual(new Uint8Array(16).fill(0xff));
    const back = await loader.readFlash(0x10000, image.length);
    expect(back).toEqual(image);
    await transport.disconnect();
  });

  test('writeFlash uncompressed with MD5 check at an unaligned size', async () => {
    const { board, loader, transport, output } = await connected('esp32c3');
    const image = randomBytes(40_001, 7);
    await loader.writeFlash(writeFlashOptions(image, 0x20000, false));
    expect(output).toContain('Hash of data verified.');
    // esptool-js pads the image to 4 bytes with 0xFF.
    expect(board.flash.read(0x20000, image.length)).toEqual(image);
    expect(await loader.flashMd5sum(0x20000, image.length)).toBe(md5Hex(image));
    await transport.disconnect();
  });

  test('NOR rules hold through the stub: writing over old data erases the sectors first', async () => {
    const { board, loader, transport } = await connected('esp32s3');
    board.flash.load(0x30000, new Uint8Array(0x2000).fill(0x0f));
    const image = new Uint8Array(0x1000).fill(0xf0);
    await loader.writeFlash(writeFlashOptions(image, 0x30000, true, false));
    expect(board.flash.read(0x30000, 0x1000)).toEqual(image);
    // The following sector was outside the write and keeps its old contents.
    expect(board.flash.read(0x31000, 0x1000)).toEqual(new Uint8Array(0x1000).fill(0x0f));
    await transport.disconnect();
  });

  test('readFlash returns preloaded contents', async () => {
    const { board, loader, transport } = await connected('esp32');
    const data = randomBytes(10_000, 99);
    board.flash.load(0x3f0000, data);
    expect(await loader.readFlash(0x3f0000, data.length)).toEqual(data);
    await transport.disconnect();
  });

  test('eraseFlash leaves every byte at 0xFF and charges the chip-erase time', async () => {
    const { board, loader, transport, output } = await connected('esp32');
    board.flash.load(0, randomBytes(0x1000));
    board.flash.load(0x3ff000, randomBytes(0x1000));
    const before = board.clock.now();
    await loader.eraseFlash();
    expect(board.clock.now() - before).toBeGreaterThanOrEqual(5.6);
    expect(output.some((line) => line.startsWith('Chip erase completed successfully'))).toBe(true);
    expect(board.flash.read(0, board.flash.size).every((b) => b === 0xff)).toBe(true);
    await transport.disconnect();
  });
});

describe('back to the application', () => {
  test('an EN pulse with IO0 high boots the flashed app, which prints its boot log at 115200', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32', appOutput: 'Hello from the app\r\n' });
    const { loader, transport } = await connected2(board);
    const bootloader = new Uint8Array(0x100).fill(0x00);
    bootloader[0] = 0xe9;
    await loader.writeFlash(writeFlashOptions(bootloader, 0x1000, true, false));
    await transport.disconnect();
    // A serial monitor opens at the application's baud rate and pulses EN (the working reset).
    await board.port.open({ baudRate: 115200 });
    await board.port.setSignals({ dataTerminalReady: false, requestToSend: true });
    expect(board.mode).toBe('reset');
    await board.port.setSignals({ dataTerminalReady: false, requestToSend: false });
    const text = await readPortText(board.port, 'Hello from the app');
    expect(text).toContain('rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)');
    expect(text).toContain('Hello from the app');
    expect(board.mode).toBe('app');
    await board.port.close();
  });

  test("esptool-js after('hard_reset') leaves the chip in the stub, as on real UART bridges", async () => {
    const { board, loader, transport } = await connected('esp32');
    await loader.after('hard_reset');
    expect(board.mode).toBe('stub');
    await transport.disconnect();
  });

  test('without an image the ROM reports an invalid header', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32c3' });
    await board.port.open({ baudRate: 115200 });
    await board.port.setSignals({ dataTerminalReady: false, requestToSend: true });
    await board.port.setSignals({ dataTerminalReady: false, requestToSend: false });
    const text = await readPortText(board.port, 'invalid header');
    expect(text).toContain('boot:0xd (SPI_FAST_FLASH_BOOT)');
    expect(text).toContain('invalid header: 0xffffffff');
    await board.port.close();
  });
});

async function connected2(board: SimulatedEspBoard): Promise<LoaderHarness> {
  const harness = connectEsptool(board);
  await harness.loader.main();
  return harness;
}
