/**
 * The simulated Arduino Uno R4 WiFi against what Arduino's bridge firmware does
 * (UNOR4USBBridge.ino: 2400 baud = BOOT low + reset, 1200 = BOOT high + double reset, other
 * rates set the UART to the RA4M1; arduino-esp32 posts a line coding only when it changes),
 * seen from a host that only has the Web Serial port.
 */
import { describe, expect, it } from 'vitest';
import { createSimulatedRaBoard, type SimulatedRaBoard } from './board';
import { BRIDGE_UART_START_BAUD, UNO_R4_WIFI_USB_IDS } from './uno-r4-wifi-bridge';
import { useJumpingClock } from '../testing/jumping-clock';

useJumpingClock();

/** Opens the port at `baud` and returns a way to talk. */
async function open(board: SimulatedRaBoard, baud: number) {
  await board.port.open({ baudRate: baud });
  const reader = board.port.readable!.getReader();
  const writer = board.port.writable!.getWriter();
  const received: number[] = [];
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      if (value) received.push(...value);
    }
  })();
  return {
    /** Sends bytes and returns what came back within `ms` of wall time. */
    async exchange(bytes: number[], ms = 60): Promise<number[]> {
      const from = received.length;
      await writer.write(Uint8Array.from(bytes));
      await new Promise((resolve) => setTimeout(resolve, ms));
      return received.slice(from);
    },
    async close(): Promise<void> {
      await reader.cancel();
      reader.releaseLock();
      await pump;
      writer.releaseLock();
      await board.port.close();
    },
  };
}

/** Opens at `baud` and closes again, as `stty` or a host's entry does. */
async function touch(board: SimulatedRaBoard, baud: number): Promise<void> {
  await board.port.open({ baudRate: baud });
  await board.port.close();
}

const wifi = () => createSimulatedRaBoard({ transport: 'uno-r4-wifi' });

describe('simulated Arduino Uno R4 WiFi (ESP32-S3 bridge to the RA4M1)', () => {
  it('presents the bridge’s USB ids and runs the program at power-up: the boot firmware does not answer', async () => {
    const board = wifi();
    expect(board.port.getInfo()).toEqual(UNO_R4_WIFI_USB_IDS);
    expect(board.bridge?.mode).toBe('program');
    expect(board.bridge?.uartBaud).toBe(BRIDGE_UART_START_BAUD);
    const link = await open(board, 9600);
    await board.bridge!.settled();
    // 9600 is an ordinary rate: the bridge's UART takes it, nothing else happens.
    expect(board.bridge?.uartBaud).toBe(9600);
    expect(board.bridge?.mode).toBe('program');
    expect(await link.exchange([0x00, 0x00, 0x00, 0x55])).toEqual([]);
    await link.close();
  });

  it('opening at 2400 pulls BOOT low and resets the chip into its ROM boot firmware; at 9600 it then answers the handshake', async () => {
    const board = wifi();
    await touch(board, 2400);
    await board.bridge!.settled();
    expect(board.bridge?.bootHigh).toBe(false);
    expect(board.bridge?.mode).toBe('rom-boot');
    // 2400 leaves the UART's rate alone: still 115200 from setup().
    expect(board.bridge?.uartBaud).toBe(BRIDGE_UART_START_BAUD);
    // The reset sequence (100 ms + 100 ms of delay()) is on the modeled clock.
    expect(board.clock.now()).toBeGreaterThanOrEqual(0.2);
    const link = await open(board, 9600);
    await board.bridge!.settled();
    expect(await link.exchange([0x00])).toEqual([0x00]);
    expect(await link.exchange([0x55])).toEqual([0xc3]);
    expect(board.firmware.inCommandPhase).toBe(true);
    await link.close();
  });

  it('a host that stays at 2400 is not heard: the bridge’s UART still runs at its old rate', async () => {
    const board = wifi();
    const link = await open(board, 2400);
    await board.bridge!.settled();
    expect(board.bridge?.mode).toBe('rom-boot');
    expect(await link.exchange([0x00, 0x00, 0x00])).toEqual([]);
    await link.close();
  });

  it('a 9600 open that comes during the reset pulses takes effect after them', async () => {
    const board = wifi();
    await touch(board, 2400);
    const link = await open(board, 9600);
    expect(board.bridge?.uartBaud).toBe(BRIDGE_UART_START_BAUD);
    await board.bridge!.settled();
    expect(board.bridge?.uartBaud).toBe(9600);
    expect(await link.exchange([0x00])).toEqual([0x00]);
    await link.close();
  });

  it('only a change of line coding is an event: 2400 twice in a row resets once', async () => {
    const board = wifi();
    await touch(board, 2400);
    await touch(board, 2400);
    await board.bridge!.settled();
    expect(board.bridge?.events).toBe(1);
    // After another rate, 2400 resets again (and ends the session the chip was in).
    const link = await open(board, 9600);
    await board.bridge!.settled();
    expect(await link.exchange([0x00])).toEqual([0x00]);
    expect(await link.exchange([0x55])).toEqual([0xc3]);
    await link.close();
    await touch(board, 2400);
    await board.bridge!.settled();
    expect(board.bridge?.events).toBe(3);
    expect(board.firmware.inCommandPhase).toBe(false);
  });

  it('1200 baud starts Arduino’s bootloader (BOOT high, double reset): the ROM boot firmware does not answer', async () => {
    const board = wifi();
    await touch(board, 2400);
    await board.bridge!.settled();
    await touch(board, 1200);
    await board.bridge!.settled();
    expect(board.bridge?.bootHigh).toBe(true);
    expect(board.bridge?.mode).toBe('arduino-bootloader');
    const link = await open(board, 9600);
    await board.bridge!.settled();
    expect(await link.exchange([0x00, 0x00, 0x55])).toEqual([]);
    await link.close();
  });

  it('a power cycle starts the bridge again with BOOT high: the chip runs its program', async () => {
    const board = wifi();
    await touch(board, 2400);
    await board.bridge!.settled();
    board.unplug();
    board.plug();
    expect(board.bridge?.bootHigh).toBe(true);
    expect(board.bridge?.mode).toBe('program');
    expect(board.bridge?.uartBaud).toBe(BRIDGE_UART_START_BAUD);
    const link = await open(board, 9600);
    await board.bridge!.settled();
    expect(await link.exchange([0x00])).toEqual([]);
    await link.close();
  });
});
