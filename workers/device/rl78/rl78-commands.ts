/**
 * The RL78 boot firmware's commands as typed calls over an {@link Rl78Link} (R01AN0815): each
 * sends its command frame, reads the status frame, and where the command has more (data
 * frames, a second frame) carries it through. A status other than ACK becomes a
 * `WebProgError` naming the command and address, except Verify's compare result: Verify runs
 * to its last frame and returns the frames that differ.
 */
import { WebProgError } from '../../../src/core/errors';
import type { Rl78Link } from './rl78-link';
import {
  RL78_BAUD_RATES,
  Rl78Command,
  Rl78Status,
  address24,
  commandFrame,
  dataFrame,
  statusError,
} from './rl78-frames';

/** The Silicon Signature's fields. */
export interface Rl78Signature {
  /** Device code (3 bytes, hex). */
  deviceCode: string;
  /** Device name, trimmed. */
  name: string;
  /** Last code flash address. */
  codeEnd: number;
  /** Last data flash address (data flash starts at 0xF1000). */
  dataEnd: number;
  /** Firmware version "x.yz". */
  firmware: string;
}

/** Baud Rate Set's answer. */
export interface Rl78BaudAnswer {
  /** The chip's CPU clock in MHz. */
  mhz: number;
  /** Full-speed (≥ 2.7 V) or wide-voltage mode. */
  mode: 'full-speed' | 'wide-voltage';
}

/** Security Get's fields. */
export interface Rl78Security {
  /** FLG byte (a 0 bit = prohibited). */
  flags: number;
  /** Boot cluster's last block. */
  bootBlock: number;
  /** Flash shield window start and end block. */
  windowStart: number;
  windowEnd: number;
  /** Block erase prohibited. */
  blockEraseProhibited: boolean;
  /** Programming prohibited. */
  programmingProhibited: boolean;
  /** Boot cluster 0 rewrite prohibited. */
  bootClusterProhibited: boolean;
}

/**
 * FLG bits (0 = prohibited; the other bits read 1): bit 1 boot cluster 0 rewrite, bit 2 block
 * erase, bit 4 programming — the byte the flash self-programming library's FSL_GetSecurityFlags
 * describes the same way (Renesas fsl.h).
 */
export const SECURITY_BITS = { bootCluster: 0x02, blockErase: 0x04, programming: 0x10 } as const;

const le24 = (d: Uint8Array, o: number) => d[o] | (d[o + 1] << 8) | (d[o + 2] << 16);

/** Sends a command and reads its one-byte status; throws unless ACK. */
async function simple(
  link: Rl78Link,
  command: number,
  data: number[],
  what: string,
  address?: number,
): Promise<void> {
  await link.send(commandFrame(command, data));
  const [status] = await link.expectFrame(what);
  if (status !== Rl78Status.ack) throw statusError(status, what, address);
}

/** Reset: checks the chip is in sync. */
export function rl78Reset(link: Rl78Link): Promise<void> {
  return simple(link, Rl78Command.reset, [], 'Reset');
}

/**
 * True when the chip answers a Reset command, false when it does not answer at all (it left
 * programming mode: reset by its button, it runs its own program). Other failures are thrown.
 */
export async function rl78AnswersReset(link: Rl78Link): Promise<boolean> {
  try {
    await rl78Reset(link);
    return true;
  } catch (error) {
    if (error instanceof WebProgError && error.code === 'TIMEOUT') return false;
    throw error;
  }
}

/** Baud Rate Set: the rate code for `baud` and the supply voltage ×10. */
export async function rl78BaudRateSet(link: Rl78Link, baud: number, volts: number): Promise<Rl78BaudAnswer> {
  const code = RL78_BAUD_RATES.indexOf(baud);
  if (code < 0) {
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `RL78 baud rate ${baud} is not one the boot firmware offers (${RL78_BAUD_RATES.join(', ')}).`,
    );
  }
  const voltage = Math.round(volts * 10);
  await link.send(commandFrame(Rl78Command.baudRateSet, [code, voltage]));
  const answer = await link.expectFrame('Baud Rate Set');
  if (answer[0] !== Rl78Status.ack) throw statusError(answer[0], 'Baud Rate Set');
  if (answer.length !== 3) throw statusError(Rl78Status.nack, 'Baud Rate Set');
  return { mhz: answer[1], mode: answer[2] === 0 ? 'full-speed' : 'wide-voltage' };
}

/** Silicon Signature. */
export async function rl78Signature(link: Rl78Link): Promise<Rl78Signature> {
  await simple(link, Rl78Command.siliconSignature, [], 'Silicon Signature');
  const d = await link.expectFrame('Silicon Signature', 22);
  const hex = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');
  return {
    deviceCode: [d[0], d[1], d[2]].map(hex).join(''),
    name: String.fromCharCode(...d.subarray(3, 13)).replace(/[\s\0]+$/, ''),
    codeEnd: le24(d, 13),
    dataEnd: le24(d, 16),
    firmware: `${d[19].toString(16)}.${d[20].toString(16)}${d[21].toString(16)}`,
  };
}

/** Block Erase of the 1 KiB block at `address`. */
export function rl78BlockErase(link: Rl78Link, address: number): Promise<void> {
  return simple(link, Rl78Command.blockErase, address24(address), 'Block Erase', address);
}

/** Block Blank Check of `[start, end]`: true when blank. */
export async function rl78BlankCheck(link: Rl78Link, start: number, end: number): Promise<boolean> {
  await link.send(commandFrame(Rl78Command.blockBlankCheck, [...address24(start), ...address24(end), 0]));
  const [status] = await link.expectFrame('Block Blank Check');
  if (status === Rl78Status.ack) return true;
  if (status === Rl78Status.blankError) return false;
  throw statusError(status, 'Block Blank Check', start);
}

/** Checksum of `[start, end]` (the chip's 16-bit two's-complement byte sum). */
export async function rl78Checksum(link: Rl78Link, start: number, end: number): Promise<number> {
  await simple(link, Rl78Command.checksum, [...address24(start), ...address24(end)], 'Checksum', start);
  const d = await link.expectFrame('Checksum', 2);
  return d[0] | (d[1] << 8);
}

/** Sends a Programming or Verify command for `[start, start + length − 1]` and reads its status. */
function startTransfer(
  link: Rl78Link,
  command: number,
  what: string,
  start: number,
  length: number,
): Promise<void> {
  return simple(link, command, [...address24(start), ...address24(start + length - 1)], what, start);
}

/**
 * Programming of `data` at `start` (256-byte frames): each frame is answered with a reception
 * and a write status, the last frame then with a completion status. `onFrame` gets the bytes
 * done.
 */
export async function rl78Program(
  link: Rl78Link,
  start: number,
  data: Uint8Array,
  onFrame?: (done: number) => void,
): Promise<void> {
  await startTransfer(link, Rl78Command.programming, 'Programming', start, data.length);
  for (let at = 0; at < data.length; at += 256) {
    const [received, result] = await sendFrame(link, data, at, 'Programming');
    if (received !== Rl78Status.ack) throw statusError(received, 'Programming', start + at);
    if (result !== Rl78Status.ack) throw statusError(result, 'Programming', start + at);
    onFrame?.(Math.min(data.length, at + 256));
  }
  const [status] = await link.expectFrame('Programming (completion)');
  if (status !== Rl78Status.ack) throw statusError(status, 'Programming (completion)', start);
}

/**
 * Verify of `data` at `start` (256-byte frames): the chip compares each frame with its flash
 * and answers with a reception and a compare status (0x0F: the frame differs). Every frame is
 * sent even after a difference, so the command ends with its last frame as the boot firmware
 * expects and the next command finds it waiting. Returns the start addresses of the frames
 * that differ (empty: the chip holds exactly `data`); `onFrame` gets each frame's address and
 * whether it was equal as its answer comes. A reception error is thrown.
 */
export async function rl78Verify(
  link: Rl78Link,
  start: number,
  data: Uint8Array,
  onFrame?: (address: number, same: boolean) => void,
): Promise<number[]> {
  await startTransfer(link, Rl78Command.verify, 'Verify', start, data.length);
  const differ: number[] = [];
  for (let at = 0; at < data.length; at += 256) {
    const [received, result] = await sendFrame(link, data, at, 'Verify');
    if (received !== Rl78Status.ack) throw statusError(received, 'Verify', start + at);
    if (result !== Rl78Status.ack && result !== Rl78Status.verifyError)
      throw statusError(result, 'Verify', start + at);
    if (result === Rl78Status.verifyError) differ.push(start + at);
    onFrame?.(start + at, result === Rl78Status.ack);
  }
  return differ;
}

/** Sends the 256-byte data frame at offset `at` of `data` and reads its 2-byte status. */
async function sendFrame(link: Rl78Link, data: Uint8Array, at: number, what: string): Promise<Uint8Array> {
  await link.send(dataFrame(data.subarray(at, at + 256), at + 256 >= data.length));
  return link.expectFrame(what, 2);
}

/** Security Get. */
export async function rl78SecurityGet(link: Rl78Link): Promise<Rl78Security> {
  await simple(link, Rl78Command.securityGet, [], 'Security Get');
  const d = await link.expectFrame('Security Get', 8);
  return {
    flags: d[0],
    bootBlock: d[1],
    windowStart: d[2] | (d[3] << 8),
    windowEnd: d[4] | (d[5] << 8),
    blockEraseProhibited: (d[0] & SECURITY_BITS.blockErase) === 0,
    programmingProhibited: (d[0] & SECURITY_BITS.programming) === 0,
    bootClusterProhibited: (d[0] & SECURITY_BITS.bootCluster) === 0,
  };
}

/** Security Set: writes FLG, BOT and the flash shield window. */
export async function rl78SecuritySet(
  link: Rl78Link,
  s: Omit<Rl78Security, 'blockEraseProhibited' | 'programmingProhibited' | 'bootClusterProhibited'>,
): Promise<void> {
  await simple(link, Rl78Command.securitySet, [], 'Security Set');
  await link.send(
    dataFrame(
      Uint8Array.from([
        s.flags,
        s.bootBlock,
        s.windowStart & 0xff,
        s.windowStart >> 8,
        s.windowEnd & 0xff,
        s.windowEnd >> 8,
        0x03,
        0x03,
      ]),
      true,
    ),
  );
  const [status] = await link.expectFrame('Security Set');
  if (status !== Rl78Status.ack) throw statusError(status, 'Security Set');
}

/** Security Release: lifts the programming prohibition. */
export function rl78SecurityRelease(link: Rl78Link): Promise<void> {
  return simple(link, Rl78Command.securityRelease, [], 'Security Release');
}
