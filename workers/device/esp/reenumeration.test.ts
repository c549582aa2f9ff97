/**
 * The ESP backend and a board whose native USB port re-enumerates on reset (ESP32-S3 on its
 * USB-OTG port, issue #6): the reset into download mode kills the port, the backend finds the
 * new port with the same USB ids, connects, flashes and verifies; without a new port it gives
 * up with a DEVICE_LOST that says what to do. With two identical boards, each backend follows
 * its own. Ports are compared by identity as booleans: a failed `toBe` would print whole boards.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { WebProgError } from '../../../src/core/errors';
import { SimulatedSerial, USB_REENUMERATION_SECONDS, createSimulatedEspBoard } from '../../../src/sim/esp';
import { EspBackend } from './esp-backend';
import { sameBytes } from '../../../src/sim/esp/test-helpers';
import { flashImage, otgRig, threePartBuild } from './testing';

beforeEach(() => void vi.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

const S3_IMAGE_CHIP_ID = 9;

describe('ESP32-S3 on its USB-OTG port', () => {
  test('connect follows the port to its new object, then flashes and verifies', async () => {
    const { board, serial, backend, clock } = otgRig({ chip: 'esp32s3', appOutput: 'app running\n' });
    const original = board.port;
    const connected = await backend.connect({ clock });
    expect(connected.target.name).toBe('ESP32-S3');
    expect(original.connected).toBe(false);
    expect(backend.serialPort === original).toBe(false);
    expect(backend.serialPort === board.port).toBe(true);
    expect(backend.serialPort.getInfo()).toEqual(original.getInfo());
    expect(await serial.getPorts()).toEqual([board.port]);
    expect(board.mode).toBe('stub');
    // esptool-js recognises USB-OTG by VID 0x303A + PID = image chip id and sends 2 KiB blocks.
    expect(backend.chipInfo?.blockSize).toBe(0x800);

    const parts = threePartBuild(0, S3_IMAGE_CHIP_ID);
    const report = await backend.flashParts(parts, { allowWrites: true, clock });
    expect(report.verified).toBe(true);
    expect(report.bytesWritten).toBeGreaterThan(0);
    for (const p of parts) expect(sameBytes(board.flash.read(p.address, p.data.length), p.data)).toBe(true);
    await backend.verify(flashImage(0x400000, parts), { clock });
    await backend.disconnect();
  }, 30_000);

  test("in 'real' latency the backend waits for the re-enumeration and connects", async () => {
    vi.useRealTimers(); // this one is about the wall clock, not the jumping clock
    const { board, backend, clock } = otgRig({ chip: 'esp32s3', latency: 'real' });
    const original = board.port;
    const started = Date.now();
    const connected = await backend.connect({ clock });
    expect(connected.target.name).toBe('ESP32-S3');
    expect(backend.serialPort === original).toBe(false);
    // The new port cannot have been used before the modeled re-enumeration time passed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(USB_REENUMERATION_SECONDS * 1000);
    await backend.disconnect();
  }, 30_000);

  test('a second connect after the port died again (disconnect restarted the chip) also succeeds', async () => {
    const { board, backend, clock } = otgRig({ chip: 'esp32s3' });
    await backend.connect({ clock });
    const firstSession = backend.serialPort;
    // Closing the port drops DTR and RTS: the line-state rule restarts the chip into its app.
    await backend.disconnect();
    await vi.waitFor(() => expect(board.port === firstSession).toBe(false));
    expect(board.mode).toBe('app');
    const again = await backend.connect({ clock });
    expect(again.target.name).toBe('ESP32-S3');
    expect(backend.serialPort === board.port).toBe(true);
    expect(board.mode).toBe('stub');
    await backend.disconnect();
  }, 30_000);

  test('when no new port appears, connect fails with DEVICE_LOST saying what to do, within the wait', async () => {
    const portWaitMs = 300;
    const { board, backend, clock } = otgRig({ chip: 'esp32s3' }, { getPorts: async () => [], portWaitMs });
    const started = Date.now();
    const error = await backend.connect({ clock }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(2500);
    expect(error).toBeInstanceOf(WebProgError);
    expect(error).toMatchObject({ code: 'DEVICE_LOST' });
    const message = (error as WebProgError).message;
    expect(message).toContain('USB 303a:0009');
    expect(message).toContain('did not come back within 0.3 s');
    expect(message).toMatch(/choose its port again/);
    expect(backend.isConnected()).toBe(false);
    // The chip itself did enter download mode; only the host never saw its new port.
    expect(board.mode).toBe('download');
  }, 30_000);

  test('without getPorts the backend cannot follow the port and reports the loss', async () => {
    const { backend, clock } = otgRig({ chip: 'esp32s3' }, { getPorts: undefined });
    await expect(backend.connect({ clock })).rejects.toMatchObject({
      code: 'DEVICE_LOST',
      message: expect.stringContaining('Plug it in again') as unknown,
    });
  }, 30_000);

  test('after flashing, the monitor follows the board to its new port and shows what the program prints', async () => {
    const { board, backend, clock } = otgRig({ chip: 'esp32s3' });
    await backend.connect({ clock });
    await backend.flashParts(threePartBuild(0, S3_IMAGE_CHIP_ID), { allowWrites: true, clock });
    const before = backend.serialPort;
    const output: number[] = [];
    await backend.startMonitor(115200, (bytes) => output.push(...bytes));
    // The reset into the application re-enumerated the port; the monitor reopens the new one
    // (what the program printed before the host enumerated it is gone, as on a real board).
    await vi.waitFor(() => {
      expect(backend.serialPort === board.port).toBe(true);
      expect(backend.monitoring).toBe(true);
    });
    expect(backend.serialPort === before).toBe(false);
    expect(board.mode).toBe('app');
    board.setAppOutput('hello over USB-OTG\n');
    await vi.waitFor(() =>
      expect(new TextDecoder().decode(Uint8Array.from(output))).toContain('hello over USB-OTG'),
    );
    await backend.stopMonitor();
  }, 30_000);
});

describe('two ESP32-S3 boards on their USB-OTG ports', () => {
  function twoBoards(backendOptions: { portWaitMs?: number } = {}) {
    const a = createSimulatedEspBoard({ chip: 'esp32s3', usb: 'usb-otg', mac: '24:0a:c4:00:00:a1' });
    const b = createSimulatedEspBoard({ chip: 'esp32s3', usb: 'usb-otg', mac: '24:0a:c4:00:00:b2' });
    const serial = new SimulatedSerial([b.port, a.port], { granted: [b.port, a.port] });
    const backend = new EspBackend(a.port, { getPorts: () => serial.getPorts(), ...backendOptions });
    return { a, b, bPort: b.port, backend, clock: () => a.clock.now() * 1000 };
  }

  test("connect and the monitor follow their own board to its new port, never the other board's port with the same ids", async () => {
    const { a, b, bPort, backend, clock } = twoBoards();
    await backend.connect({ clock });
    expect(backend.serialPort === a.port).toBe(true);
    expect(backend.chipInfo?.mac).toBe('24:0a:c4:00:00:a1');
    expect(a.mode).toBe('stub');
    await backend.flashParts(threePartBuild(0, S3_IMAGE_CHIP_ID), { allowWrites: true, clock });
    const output: number[] = [];
    await backend.startMonitor(115200, (bytes) => output.push(...bytes));
    await vi.waitFor(() => {
      expect(backend.serialPort === a.port).toBe(true);
      expect(backend.monitoring).toBe(true);
    });
    a.setAppOutput('board A\n');
    await vi.waitFor(() => expect(new TextDecoder().decode(Uint8Array.from(output))).toContain('board A'));
    // Board B was never reset, opened or written.
    expect(b.port === bPort).toBe(true);
    expect(b.mode).toBe('app');
    expect(b.flash.read(0, 4)).toEqual(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    await backend.stopMonitor();
  }, 30_000);

  test('a board that moved while idle is not confused with an identical one: connect says what to do', async () => {
    const { a, b, bPort, backend, clock } = twoBoards({ portWaitMs: 300 });
    await backend.connect({ clock });
    const firstSession = backend.serialPort;
    await backend.disconnect(); // restarts board A, whose port re-enumerates while idle
    await vi.waitFor(() => expect(a.port === firstSession).toBe(false));
    await expect(backend.connect({ clock })).rejects.toMatchObject({ code: 'DEVICE_LOST' });
    expect(b.port === bPort).toBe(true);
    expect(b.mode).toBe('app');
  }, 30_000);
});
