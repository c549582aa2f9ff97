/**
 * Test support: a simulated board in download mode driven packet by packet over its Web Serial
 * port, without esptool-js, so tests can see each reply, its timing and what the chip drops.
 */
import { createSimulatedEspBoard } from './board';
import type { EspBoardOptions } from './board';
import type { EspChipName } from './chips';
import { Op, SYNC_PAYLOAD, checksum, readU32, u32le } from './protocol';
import { SlipDecoder, slipEncode } from './slip';

/** One reply frame as the host sees it. */
export interface Reply {
  op: number;
  value: number;
  data: number[];
}

/**
 * Opens a board at `baud`, resets it into download mode through DTR/RTS and returns the banner,
 * `send` (one request; resolves once `replies` frames arrived), `write` (one request, no wait),
 * `collect` (the frames received so far, once at least `replies` arrived) and `close`.
 */
export async function downloadMode(chip: EspChipName, baud = 115200, options: Partial<EspBoardOptions> = {}) {
  const board = createSimulatedEspBoard({ chip, ...options });
  const port = board.port;
  await port.open({ baudRate: baud });
  const reader = port.readable!.getReader();
  const received: number[] = [];
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done || !value) return;
      received.push(...value);
    }
  })();
  if (options.usb === 'native') {
    // esptool's USBJTAGSerialReset (the chip's own USB-Serial/JTAG reset logic).
    await port.setSignals({ dataTerminalReady: false, requestToSend: false });
    await port.setSignals({ dataTerminalReady: true, requestToSend: false });
    await port.setSignals({ dataTerminalReady: false, requestToSend: true });
    await port.setSignals({ dataTerminalReady: false, requestToSend: false });
  } else {
    // esptool's ClassicReset: EN low, then IO0 low while EN rises through the board's RC delay.
    await port.setSignals({ dataTerminalReady: false, requestToSend: true });
    await port.setSignals({ dataTerminalReady: true, requestToSend: false });
    await sleep(CLASSIC_RESET_DELAY_MS / (options.latency === 'real' ? (options.timeScale ?? 1) : 1));
    await port.setSignals({ dataTerminalReady: false, requestToSend: false });
  }
  await settle(() => received.length >= 100);
  const banner = String.fromCharCode(...received.splice(0));
  const write = async (op: number, data: Uint8Array, chk = 0): Promise<void> => {
    const packet = new Uint8Array(8 + data.length);
    packet.set([0, op, data.length & 0xff, data.length >> 8]);
    packet.set(u32le(chk), 4);
    packet.set(data, 8);
    const writer = port.writable!.getWriter();
    await writer.write(slipEncode(packet));
    writer.releaseLock();
  };
  const collect = async (replies: number): Promise<Reply[]> => {
    await settle(() => new SlipDecoder().push(Uint8Array.from(received)).length >= replies);
    const frames = new SlipDecoder().push(Uint8Array.from(received.splice(0)));
    return frames.map((f) => ({ op: f[1], value: readU32(f, 4), data: Array.from(f.subarray(8)) }));
  };
  const send = async (op: number, data: Uint8Array, chk = 0, replies = 1): Promise<Reply[]> => {
    await write(op, data, chk);
    return collect(replies);
  };
  const close = async () => {
    await reader.cancel();
    await pump;
    reader.releaseLock();
    await port.close();
  };
  return { board, banner, send, write, collect, close };
}

/** esptool's ClassicReset delay between releasing EN and releasing IO0 (`DEFAULT_RESET_DELAY`). */
const CLASSIC_RESET_DELAY_MS = 50;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits (up to 2 s) until `done()` holds, letting timers and stream reads run. */
export async function settle(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  do await new Promise((r) => setTimeout(r, 1));
  while (!done() && Date.now() < deadline);
}

/** The data field of a *_DATA request (size, seq, 0, 0, payload) and the payload checksum. */
export function dataBlock(payload: Uint8Array, seq: number): [Uint8Array, number] {
  const data = new Uint8Array(16 + payload.length);
  data.set(u32le(payload.length, seq, 0, 0));
  data.set(payload, 16);
  return [data, checksum(payload)];
}

/** Where {@link stubMode} uploads its stand-in stub (ESP32 IRAM). */
export const STUB_ADDRESS = 0x4009_0000;

/**
 * A board whose flasher stub is running, at 115200 baud: SYNC, then a small stand-in stub
 * uploaded with MEM_BEGIN/MEM_DATA and started with MEM_END (the simulator takes any entry
 * point inside uploaded RAM for the stub). Resolves once the MEM_END reply and OHAI arrived.
 */
export async function stubMode(latency: 'real' | 'zero' = 'zero', options: Partial<EspBoardOptions> = {}) {
  const link = await downloadMode(options.chip ?? 'esp32', 115200, { latency, ...options });
  await link.send(Op.SYNC, SYNC_PAYLOAD, 0, 8);
  const code = new Uint8Array(64).fill(0x11);
  await link.send(Op.MEM_BEGIN, u32le(code.length, 1, 0x1800, STUB_ADDRESS));
  await link.send(Op.MEM_DATA, ...dataBlock(code, 0));
  const started = await link.send(Op.MEM_END, u32le(0, STUB_ADDRESS), 0, 2);
  if (started.length !== 2)
    throw new Error(`expected the MEM_END reply and OHAI, got ${started.length} frames`);
  return link;
}
