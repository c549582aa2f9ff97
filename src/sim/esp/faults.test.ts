/**
 * Each fault of the simulated ESP board, and what esptool-js 0.7.0 makes of it.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createSimulatedEspBoard } from './board';
import type { EspBoardOptions } from './board';
import { connectEsptool, md5Hex, randomBytes, sameBytes, writeFlashOptions } from './test-helpers';

beforeEach(() => void vi.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

async function ready(options: EspBoardOptions = { chip: 'esp32' }, debugLogging = false) {
  const board = createSimulatedEspBoard(options);
  const harness = connectEsptool(board, 921600, 115200, debugLogging);
  await harness.loader.main();
  return { board, ...harness };
}

describe('board unplugged mid-transfer', () => {
  test('the write fails with the NetworkError Chrome reports, and the port fires disconnect', async () => {
    const { board, loader, transport, output } = await ready({ chip: 'esp32' }, true);
    const disconnects: Event[] = [];
    board.port.addEventListener('disconnect', (e) => disconnects.push(e));
    board.faults.unplugAfter('to-device', 40_000);
    const error = await loader.writeFlash(writeFlashOptions(randomBytes(200_000), 0x10000)).then(
      () => null,
      (e: unknown) => e,
    );
    // The write that hits the unplug rejects with Chrome's error; esptool-js retries, finds no
    // writable stream, and gives up when no reply comes.
    expect(output.some((l) => l.includes('write failed (NetworkError: The device has been lost.)'))).toBe(
      true,
    );
    expect(String(error)).toContain('Serial data stream stopped');
    expect(disconnects).toHaveLength(1);
    expect(board.port.connected).toBe(false);
    expect(board.port.readable).toBeNull();
    expect(board.port.writable).toBeNull();
    expect(board.mode).toBe('unpowered');
    await transport.disconnect();
  }, 20_000);
});

describe('line noise', () => {
  test('a corrupted byte in a data block: the stub answers "bad checksum" and esptool-js resends', async () => {
    const { board, loader, transport, output } = await ready({ chip: 'esp32' }, true);
    const image = randomBytes(60_000, 3);
    board.faults.corrupt({ direction: 'to-device', after: 20_000 });
    await loader.writeFlash(writeFlashOptions(image, 0x10000));
    const failures = output.filter((l) => l.includes('write failed'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('failed with status 193,0'); // 0xC1 = bad data checksum
    expect(sameBytes(board.flash.read(0x10000, image.length), image)).toBe(true);
    await transport.disconnect();
  });

  test('a dropped byte in a data block: the stub answers "bad length" and esptool-js resends', async () => {
    const { board, loader, transport, output } = await ready({ chip: 'esp32' }, true);
    const image = randomBytes(60_000, 4);
    board.faults.drop({ direction: 'to-device', after: 20_000, count: 3 });
    await loader.writeFlash(writeFlashOptions(image, 0x10000));
    const failures = output.filter((l) => l.includes('write failed'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('failed with status 192,0'); // 0xC0 = bad data length
    expect(sameBytes(board.flash.read(0x10000, image.length), image)).toBe(true);
    await transport.disconnect();
  });

  test('a corrupted byte on the way to the host: readFlash returns it silently', async () => {
    const { board, loader, transport } = await ready();
    const data = new Uint8Array(8192).fill(0x11);
    board.flash.load(0x100000, data);
    // Reply frame to READ_FLASH = 12 bytes on the wire; then C0 and the first data packet.
    board.faults.corrupt({ direction: 'to-host', after: 12 + 1 + 100, xor: 0x22 });
    const back = await loader.readFlash(0x100000, data.length);
    expect(back[100]).toBe(0x33);
    expect(back.filter((b, i) => b !== data[i])).toHaveLength(1);
    expect(await loader.flashMd5sum(0x100000, data.length)).toBe(md5Hex(data));
    await transport.disconnect();
  });
});

describe('no auto-reset circuit', () => {
  test('esptool-js cannot connect until the user holds BOOT and presses RESET', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32', autoReset: false });
    const { loader, transport } = connectEsptool(board);
    const error = await loader.connect('default_reset', 2).then(
      () => null,
      (e: unknown) => e,
    );
    expect(String(error)).toContain('Failed to connect with the device');
    expect(board.mode).toBe('app');
    board.holdBoot(true);
    board.pressReset();
    await board.enSettled(); // EN's RC delay: keep BOOT held until the chip starts
    board.holdBoot(false);
    expect(board.mode).toBe('download');
    // Let esptool-js's read loop take the banner before disconnecting: cancelling its reader
    // while a chunk is being handed over leaves it waiting on a fresh stream (an esptool-js race).
    await new Promise((resolve) => setTimeout(resolve, 20));
    await transport.disconnect();
    const second = connectEsptool(board);
    await second.loader.main('no_reset');
    expect(board.mode).toBe('stub');
    await second.transport.disconnect();
  }, 20_000);
});

describe('flash that fails verification', () => {
  test('esptool-js reports the MD5 mismatch', async () => {
    const { board, loader, transport } = await ready({ chip: 'esp32s3' });
    board.flash.setWeakRange({ address: 0x12345, length: 8 });
    const error = await loader.writeFlash(writeFlashOptions(randomBytes(0x10000, 5), 0x10000)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(String(error)).toContain('MD5 of file does not match data in flash!');
    await transport.disconnect();
  });
});

describe('stuck baud change', () => {
  test.each([
    [false, 'The board reset while the serial port was reopened. Continuing at 115200 baud.'],
    [true, 'The board stopped responding after changing baud rate. Continuing at 115200 baud.'],
  ])(
    'port with setBaudRate=%s: esptool-js falls back to 115200 and reloads the stub',
    async (inPlace, message) => {
      const board = createSimulatedEspBoard({ chip: 'esp32', setBaudRate: inPlace });
      board.faults.stuckBaud = true;
      const { loader, transport, output } = connectEsptool(board);
      await loader.main();
      expect(output).toContain(message);
      expect(output.filter((l) => l === 'Stub running...')).toHaveLength(2);
      expect(board.mode).toBe('stub');
      expect(board.baudRate).toBe(115200);
      expect(board.port.baudRate).toBe(115200);
      await transport.disconnect();
    },
  );
});
