/**
 * Helpers shared by the ESP simulator tests and the benchmark: an esptool-js loader wired to
 * a simulated board, with its terminal output captured.
 */
import { ESPLoader, Transport, type FlashOptions } from 'esptool-js';
import { md5 } from '@noble/hashes/legacy.js';
import type { SimulatedEspBoard } from './board';

/** An esptool-js loader connected to `board.port`, plus the lines it printed. */
export interface LoaderHarness {
  loader: ESPLoader;
  transport: Transport;
  output: string[];
}

/**
 * Creates an esptool-js 0.7.0 loader (unmodified) for `board`; `baudrate` is the post-stub rate;
 * `debugLogging` adds esptool-js's "Debug: …" lines (retries) to the captured output.
 */
export function connectEsptool(
  board: SimulatedEspBoard,
  baudrate = 921600,
  romBaudrate = 115200,
  debugLogging = false,
): LoaderHarness {
  const output: string[] = [];
  const terminal = {
    clean: () => undefined,
    writeLine: (line: string) => void output.push(line),
    write: (text: string) => void output.push(text),
  };
  const transport = new Transport(board.port as unknown as SerialPort, false);
  const loader = new ESPLoader({ transport, baudrate, romBaudrate, terminal, debugLogging });
  return { loader, transport, output };
}

/**
 * esptool-js `writeFlash` options for one image at `address`, flash settings kept as they are;
 * `md5` (default true) makes esptool-js check the chip's MD5 afterwards.
 */
export function writeFlashOptions(
  data: Uint8Array,
  address: number,
  compress = true,
  md5 = true,
): FlashOptions {
  return {
    fileArray: [{ data, address }],
    flashMode: 'keep',
    flashFreq: 'keep',
    flashSize: 'keep',
    eraseAll: false,
    compress,
    ...(md5 ? { calculateMD5Hash: md5Hex } : {}),
  };
}

/** MD5 of `data` as lowercase hex, the form esptool-js's `calculateMD5Hash` must return. */
export function md5Hex(data: Uint8Array): string {
  return Array.from(md5(data), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Deterministic pseudo-random bytes (xorshift32), incompressible for deflate. */
export function randomBytes(length: number, seed = 0x12345678): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

/**
 * Reads from an open port until the text received contains `marker` (or `timeoutMs` passes);
 * returns the text decoded as Latin-1 so garbage stays visible byte for byte.
 */
export async function readPortText(port: SerialPort, marker: string, timeoutMs = 2000): Promise<string> {
  const reader = port.readable!.getReader();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!text.includes(marker) && Date.now() < deadline) {
      const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), deadline - Date.now()));
      const result = await Promise.race([reader.read(), timeout]);
      if (result === null || result.done) break;
      text += String.fromCharCode(...result.value);
    }
  } finally {
    await reader.cancel();
    reader.releaseLock();
  }
  return text;
}

/** Byte-for-byte equality (fast, for large buffers where a deep `toEqual` is slow). */
export { sameBytes } from '../../core/memory/bytes';

/** A 1 MiB test image: 512 KiB of random bytes, then 512 KiB of a repeating text pattern. */
export function halfIncompressibleImage(): Uint8Array {
  const image = new Uint8Array(0x100000);
  image.set(randomBytes(0x80000, 0xc0ffee));
  const text = new TextEncoder().encode('WebProg simulated ESP32 line-rate test pattern. ');
  for (let i = 0x80000; i < image.length; i++) image[i] = text[i % text.length];
  return image;
}

/**
 * The same 1 MiB of data mixed the way firmware mixes code and data: 4 KiB sectors of random
 * bytes and of the repeating text pattern alternate.
 */
export function sectorMixedImage(): Uint8Array {
  const halves = halfIncompressibleImage();
  const image = new Uint8Array(halves.length);
  const sector = 0x1000;
  const half = halves.length / 2;
  for (let s = 0; s < halves.length / sector; s++) {
    const from = (s % 2 === 0 ? 0 : half) + (s >> 1) * sector;
    image.set(halves.subarray(from, from + sector), s * sector);
  }
  return image;
}
