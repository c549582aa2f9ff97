/**
 * A board on the chip's own USB-OTG port: the line-state rule that restarts the chip, the old
 * port dying like an unplug, the new port with the same ids that replaces it (also in a
 * simulated `navigator.serial`), and the chip state that carries over.
 */
import { describe, expect, test, vi } from 'vitest';
import { USB_IDS, USB_REENUMERATION_SECONDS, createSimulatedEspBoard } from './board';
import type { SimulatedEspBoard } from './board';
import { installSimulatedSerial } from './install';
import { Op, SYNC_PAYLOAD, readU32, u32le } from './protocol';
import { ResetCircuit } from './reset-circuit';
import type { SimSerialPort } from './serial-port';
import { SlipDecoder, slipEncode } from './slip';
import { readPortText } from './test-helpers';

/** esptool's ClassicReset as esptool-js 0.7.0 sends it (one setSignals per step). */
async function classicReset(port: SerialPort): Promise<void> {
  await port.setSignals({ dataTerminalReady: false, requestToSend: true });
  await port.setSignals({ dataTerminalReady: true, requestToSend: false });
  await port.setSignals({ dataTerminalReady: false, requestToSend: false });
}

/** Waits until the board has a port other than `old` and returns it. */
async function nextPort(board: SimulatedEspBoard, old: SimSerialPort): Promise<SimSerialPort> {
  await vi.waitFor(() => expect(board.port).not.toBe(old), { timeout: 2000, interval: 5 });
  return board.port;
}

/** Sends one SYNC on an open port and returns the SYNC replies received within `ms`. */
async function sync(port: SerialPort, ms = 100): Promise<{ op: number; value: number }[]> {
  const packet = new Uint8Array(8 + SYNC_PAYLOAD.length);
  packet.set([0, Op.SYNC, SYNC_PAYLOAD.length, 0]);
  packet.set(u32le(0), 4);
  packet.set(SYNC_PAYLOAD, 8);
  const reader = port.readable!.getReader();
  const writer = port.writable!.getWriter();
  await writer.write(slipEncode(packet));
  writer.releaseLock();
  const decoder = new SlipDecoder();
  const frames: Uint8Array[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), deadline - Date.now()));
    const result = await Promise.race([reader.read(), timeout]);
    if (result === null || result.done) break;
    frames.push(...decoder.push(result.value));
  }
  await reader.cancel();
  reader.releaseLock();
  return frames.filter((f) => f[0] === 1).map((f) => ({ op: f[1], value: readU32(f, 4) }));
}

describe("the 'usb-otg' line-state rule (ESP-IDF USB-OTG console)", () => {
  function otgCircuit() {
    const events: string[] = [];
    const circuit = new ResetCircuit('usb-otg', {
      enterReset: () => events.push('reset'),
      releaseReset: (download) => events.push(download ? 'download' : 'flash'),
      usbRestart: (download) => events.push(download ? 'restart:download' : 'restart:app'),
    });
    return { circuit, events };
  }

  test('RTS released asks for a restart, into download mode when DTR is asserted; EN never moves', () => {
    const { circuit, events } = otgCircuit();
    circuit.setSignals(true, true); // a tty raises both lines on open
    circuit.setSignals(false, true);
    expect(circuit.en).toBe(true);
    circuit.setSignals(true, false); // ClassicReset's second step
    circuit.setSignals(false, false);
    circuit.setSignals(false, true); // esptool's USB HardReset: an RTS pulse with DTR released
    circuit.setSignals(false, false);
    expect(events).toEqual(['restart:download', 'restart:app']);
    expect([circuit.en, circuit.io0]).toEqual([true, true]);
  });

  test('a new USB connection starts with both lines released; the buttons still work', () => {
    const { circuit, events } = otgCircuit();
    circuit.setSignals(true, true);
    circuit.clearLines();
    circuit.setSignals(true, false);
    expect(events).toEqual([]);
    circuit.setBootButton(true);
    circuit.setResetButton(true);
    circuit.setResetButton(false);
    expect(events).toEqual(['reset', 'download']);
  });
});

describe('ESP32-S3 board on its USB-OTG port', () => {
  test('only the ESP32-S3 offers USB-OTG; its ids are the ROM CDC ones', () => {
    expect(() => createSimulatedEspBoard({ chip: 'esp32c3', usb: 'usb-otg' })).toThrow(RangeError);
    expect(() => createSimulatedEspBoard({ chip: 'esp32', usb: 'usb-otg' })).toThrow(RangeError);
    const board = createSimulatedEspBoard({ chip: 'esp32s3', usb: 'usb-otg' });
    expect(board.port.getInfo()).toEqual({ usbVendorId: 0x303a, usbProductId: 0x0009 });
    expect(USB_IDS['usb-otg']).toEqual(board.port.getInfo());
  });

  test('a reset into download mode kills the open port like an unplug and a new port replaces it', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32s3', usb: 'usb-otg', appOutput: 'app\n' });
    board.flash.load(0x10000, Uint8Array.from([1, 2, 3, 4]));
    const old = board.port;
    const events: string[] = [];
    old.addEventListener('disconnect', () => events.push('old:disconnect'));
    await old.open({ baudRate: 115200 });
    const reader = old.readable!.getReader();
    const pending = reader.read();
    await old.setSignals({ dataTerminalReady: false, requestToSend: true });
    expect(board.mode).toBe('app');
    const t0 = board.clock.now();
    await old.setSignals({ dataTerminalReady: true, requestToSend: false });
    await expect(pending).rejects.toMatchObject({
      name: 'NetworkError',
      message: 'The device has been lost.',
    });
    expect(events).toEqual(['old:disconnect']);
    await expect(old.setSignals({ requestToSend: false })).rejects.toMatchObject({ name: 'NetworkError' });
    reader.releaseLock();
    await old.close();
    await expect(old.open({ baudRate: 115200 })).rejects.toMatchObject({ name: 'NetworkError' });
    expect(board.mode).toBe('download');

    const port = await nextPort(board, old);
    expect(board.clock.now() - t0).toBeGreaterThanOrEqual(USB_REENUMERATION_SECONDS - 1e-9);
    expect(old.successor).toBe(port);
    expect(port.connected).toBe(true);
    expect(port.getInfo()).toEqual(old.getInfo());
    expect(old.connected).toBe(false);
    expect(board.mode).toBe('download');
    expect(board.flash.read(0x10000, 4)).toEqual(Uint8Array.from([1, 2, 3, 4]));

    await port.open({ baudRate: 115200 });
    await classicReset(port); // the ROM loader ignores a second download request: no new port
    const replies = await sync(port);
    expect(replies.length).toBeGreaterThanOrEqual(1);
    for (const r of replies) expect(r).toEqual({ op: Op.SYNC, value: 0x20120707 });
    expect(board.port).toBe(port);
    await port.close();
  });

  test('an RTS pulse with DTR released restarts the chip into its application on another new port', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32s3', usb: 'usb-otg', appOutput: 'Hello over OTG\n' });
    board.flash.load(0, Uint8Array.from([0xe9]));
    const first = board.port;
    await first.open({ baudRate: 115200 });
    await classicReset(first).catch(() => undefined);
    await first.close();
    const second = await nextPort(board, first);
    expect(board.mode).toBe('download');
    await second.open({ baudRate: 115200 });
    await second.setSignals({ dataTerminalReady: false, requestToSend: true });
    expect(board.port).toBe(second);
    await second.setSignals({ dataTerminalReady: false, requestToSend: false });
    expect(second.connected).toBe(false);
    await second.close();
    const third = await nextPort(board, second);
    expect(board.mode).toBe('app');
    await third.open({ baudRate: 115200 });
    // The app prints once USB is up again; what it printed before is gone with the old port.
    board.setAppOutput('Hello over OTG\n');
    expect(await readPortText(third, 'Hello over OTG')).toContain('Hello over OTG');
    await third.close();
  });

  test('the RESET button re-enumerates too; holding BOOT enters download mode', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32s3', usb: 'usb-otg' });
    const first = board.port;
    board.holdBoot(true);
    board.pressReset();
    await board.enSettled(); // EN's RC delay: keep BOOT held until the chip starts
    board.holdBoot(false);
    expect(first.connected).toBe(false);
    await nextPort(board, first);
    expect(board.mode).toBe('download');
  });

  test('navigator.serial fires disconnect then connect and lists the new port as granted', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32s3', usb: 'usb-otg' });
    const other = createSimulatedEspBoard({ chip: 'esp32s3', usb: 'usb-otg' });
    const scope: { navigator?: object } = {};
    const { serial, uninstall } = installSimulatedSerial(scope, [board.port, other.port], {
      choose: (ports) => ports[0],
    });
    const old = (await serial.requestPort({
      filters: [{ usbVendorId: 0x303a, usbProductId: 0x0009 }],
    })) as SimSerialPort;
    expect(old).toBe(board.port);
    const events: string[] = [];
    serial.addEventListener('connect', () => events.push('connect'));
    serial.addEventListener('disconnect', () => events.push('disconnect'));

    await old.open({ baudRate: 115200 });
    await classicReset(old).catch(() => undefined);
    await old.close();
    expect(await serial.getPorts()).toEqual([]);
    const port = await nextPort(board, old);
    expect(events).toEqual(['disconnect', 'connect']);
    expect(await serial.getPorts()).toEqual([port]);
    expect((await serial.getPorts())[0].getInfo()).toEqual({ usbVendorId: 0x303a, usbProductId: 0x0009 });

    // A board the page was never granted re-enumerates unseen: no event, not in getPorts().
    const otherOld = other.port;
    other.pressReset();
    const otherNew = await nextPort(other, otherOld);
    expect(events).toEqual(['disconnect', 'connect']);
    expect(await serial.getPorts()).toEqual([port]);
    expect(await serial.requestPort({ filters: [] })).toBe(port);
    expect(otherNew.connected).toBe(true);
    uninstall();
  });

  test("in 'real' latency the new port appears only after the modeled re-enumeration time", async () => {
    vi.useRealTimers(); // this one is about the wall clock, not the jumping clock
    const timeScale = 10;
    const board = createSimulatedEspBoard({ chip: 'esp32s3', usb: 'usb-otg', latency: 'real', timeScale });
    const old = board.port;
    const start = performance.now();
    board.pressReset();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(board.port).toBe(old);
    await nextPort(board, old);
    const elapsedMs = performance.now() - start;
    expect(elapsedMs).toBeGreaterThanOrEqual((USB_REENUMERATION_SECONDS * 1000) / timeScale - 5);
  });

  test('unplugging during the re-enumeration cancels it; plugging in enumerates a new port', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32s3', usb: 'usb-otg' });
    const first = board.port;
    board.pressReset();
    board.unplug();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(board.port).toBe(first);
    expect(board.mode).toBe('unpowered');
    board.plug();
    const second = await nextPort(board, first);
    expect(second.connected).toBe(true);
    expect(first.connected).toBe(false);
    expect(board.mode).toBe('app');
  });
});
