/**
 * The data phase of an ESP flash write, driven directly rather than through esptool-js's
 * `writeFlash` (which waits for each block's reply before sending the next):
 *
 * 1. Skip what is already there: the chip's MD5 of every 64 KiB chunk is compared with the
 *    image, and only differing chunks are written (consecutive ones as one operation).
 * 2. Each operation is one zlib stream (level 9, as esptool) cut into 16 KiB blocks,
 *    sent as FLASH_DEFL_BEGIN + FLASH_DEFL_DATA.
 * 3. Two packets in flight. The stub replies to a block before inflating and writing it and
 *    holds two frame buffers (espressif/esp-flasher-stub `slip.c`, `SLIP_NUM_BUFFERS`: one received into,
 *    one processed; `slip.c` drops the bytes of a frame that finds both taken). So the next
 *    block may travel while the previous one waits for its reply, provided the block before
 *    that will have been written by the time the new one arrives: its flash work after the
 *    reply, as `stub-pace.ts` estimates it from the stub's erase-ahead rules and typical flash
 *    times with a margin, must fit in the wire time of the block between. In practice that
 *    holds once the stub's background erase has covered the range, for blocks that do not
 *    inflate to much more than they carry.
 *    Otherwise the writer waits for the reply first (as esptool does), so a real stub never
 *    loses a frame (the simulated stub drops one that finds both buffers taken). On the chip's
 *    USB-Serial/JTAG or USB-OTG port a block crosses in a millisecond whatever the baud rate
 *    says, so there it always waits. Block size: the stub's 16 KiB on USB-Serial/JTAG as on a
 *    bridge (esptool.py; esptool-js #255 was fixed that way in #259), 2 KiB on USB-OTG
 *    (`USB_RAM_BLOCK`), as `blockSize` says.
 *
 * A failed block (bad checksum on a noisy line) restarts its operation: with a block already
 * in flight behind it, resending only that block would feed the stub's inflater out of order.
 */
import { Inflate, deflate } from 'pako';
import { WebProgError, formatAddress, throwIfCancelled, type CancelSignal } from '../../../src/core/errors';
import { EspOp, SECTOR_SIZE, STUB_BLOCK_SIZE, deflateDataPacket, requestPacket, words } from './esp-protocol';
import { DEFAULT_TIMEOUT_MS, md5Hex, timeoutFor, type StubChannel } from './stub-channel';
import { stubWorkPerBlock } from './stub-pace';

/** Chunk size of the skip-unchanged comparison (one 64 KiB flash block). */
export const SKIP_CHUNK = 0x10000;
/** Block erase time allowed for in FLASH_DEFL_BEGIN's timeout (W25Q32JV typical tBE2). */
const BLOCK_ERASE_SECONDS = 0.15;
/** Erase+write timeout per MiB (esptool `ERASE_WRITE_TIMEOUT_PER_MB`). */
const WRITE_MS_PER_MB = 40000;
/** USB vendor id of Espressif's on-chip USB ports. */
const ESPRESSIF_VID = 0x303a;
/** Attempts per operation. */
const ATTEMPTS = 3;

/** Bytes to place at a sector-aligned flash address (length a multiple of 4096). */
export interface FlashRange {
  address: number;
  data: Uint8Array;
}

/** Options of {@link writeRanges}. */
export interface WriterOptions {
  /** Compare MD5s per chunk first and write only chunks that differ. */
  skipUnchanged: boolean;
  /** Baud rate in force (for the in-flight guard; ignored on the chip's own USB ports). */
  baud: number;
  /** Largest data block (0x4000 over a bridge, less over USB-OTG). */
  blockSize?: number;
  /** Packets in flight (1 = wait for every reply, as esptool; default 2). */
  inFlight?: number;
  /** Cancels between blocks. */
  signal?: CancelSignal;
  /** Called with the uncompressed bytes each acknowledged block stands for. */
  onBytes?: (bytes: number) => void;
  /** Called once the bytes to write are known (after the skip comparison). */
  onPlan?: (bytesToWrite: number) => void;
  /** Called before each range is sent: from its FLASH_DEFL_BEGIN on, the stub erases it. */
  onOperation?: (range: { address: number; size: number }) => void;
}

/** What {@link writeRanges} did. */
export interface WriterReport {
  /** Uncompressed bytes written. */
  bytesWritten: number;
  /** Compressed bytes sent as data. */
  bytesSent: number;
  /** Sectors the stub erased and programmed. */
  sectorsWritten: number;
  /** Chunks skipped because the chip already held them. */
  chunksSkipped: number;
  /** The written operations (for verification). */
  written: FlashRange[];
  /** Blocks that had to be sent again. */
  retries: number;
}

/** Splits ranges into chunks that never cross a {@link SKIP_CHUNK} boundary. */
export function splitChunks(ranges: readonly FlashRange[]): FlashRange[] {
  const out: FlashRange[] = [];
  for (const r of ranges) {
    let at = 0;
    while (at < r.data.length) {
      const address = r.address + at;
      const n = Math.min(r.data.length - at, SKIP_CHUNK - (address % SKIP_CHUNK));
      out.push({ address, data: r.data.subarray(at, at + n) });
      at += n;
    }
  }
  return out;
}

/** Joins chunks that follow each other in flash into single ranges. */
export function joinAdjacent(chunks: readonly FlashRange[]): FlashRange[] {
  const out: FlashRange[] = [];
  let run: FlashRange[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const data = new Uint8Array(run.reduce((n, c) => n + c.data.length, 0));
    let at = 0;
    for (const c of run) {
      data.set(c.data, at);
      at += c.data.length;
    }
    out.push({ address: run[0].address, data });
    run = [];
  };
  for (const c of chunks) {
    const last = run[run.length - 1];
    if (last && last.address + last.data.length !== c.address) flush();
    run.push(c);
  }
  flush();
  return out;
}

/** Writes `ranges` (sector aligned) to flash through the running stub. */
export async function writeRanges(
  channel: StubChannel,
  ranges: readonly FlashRange[],
  options: WriterOptions,
): Promise<WriterReport> {
  for (const r of ranges) {
    if (r.address % SECTOR_SIZE || r.data.length % SECTOR_SIZE) {
      throw new WebProgError(
        'ADDRESS_MISALIGNED',
        `Flash writes must cover whole 4 KiB sectors (${formatAddress(r.address)} + 0x${r.data.length.toString(16)}).`,
        { address: r.address },
      );
    }
  }
  const chunks = splitChunks(ranges);
  let changed = chunks;
  if (options.skipUnchanged && chunks.length > 0) {
    const onChip = await channel.md5Many(
      chunks.map((c) => ({ address: c.address, size: c.data.length })),
      options.signal,
    );
    changed = chunks.filter((c, i) => onChip[i] !== md5Hex(c.data));
  }
  const operations = joinAdjacent(changed);
  options.onPlan?.(operations.reduce((n, o) => n + o.data.length, 0));
  const report: WriterReport = {
    bytesWritten: 0,
    bytesSent: 0,
    sectorsWritten: 0,
    chunksSkipped: chunks.length - changed.length,
    written: operations,
    retries: 0,
  };
  for (const op of operations) {
    const plan = planOperation(op, options.blockSize ?? STUB_BLOCK_SIZE);
    throwIfCancelled(options.signal);
    options.onOperation?.({ address: op.address, size: op.data.length });
    for (let attempt = 1; ; attempt++) {
      let acknowledged = 0;
      try {
        await sendOperation(channel, plan, options, (bytes) => {
          acknowledged += bytes;
          options.onBytes?.(bytes);
        });
        break;
      } catch (error) {
        const retryable = error instanceof WebProgError && error.code === 'DEVICE_PROTOCOL';
        if (!retryable || attempt >= ATTEMPTS) throw error;
        report.retries++;
        // Let the stub finish what it has (and drop an error it carries over), then start this
        // operation again from FLASH_DEFL_BEGIN.
        await channel.transport.drainInput(100, 2000);
        await channel.settle(timeoutFor(WRITE_MS_PER_MB, op.data.length), true);
        options.onBytes?.(-acknowledged);
      }
    }
    report.bytesWritten += op.data.length;
    report.bytesSent += plan.compressed.length;
    report.sectorsWritten += op.data.length / SECTOR_SIZE;
  }
  return report;
}

/** One operation ready to send. */
interface OperationPlan {
  range: FlashRange;
  compressed: Uint8Array;
  blocks: Uint8Array[];
  /** Uncompressed bytes each block inflates to. */
  inflated: number[];
  blockSize: number;
}

function planOperation(range: FlashRange, blockSize: number): OperationPlan {
  const compressed = deflate(range.data, { level: 9 });
  const blocks: Uint8Array[] = [];
  for (let at = 0; at < compressed.length; at += blockSize) {
    blocks.push(compressed.subarray(at, Math.min(compressed.length, at + blockSize)));
  }
  // How much each block inflates to: the in-flight guard estimates the stub's work from it.
  return { range, compressed, blocks, inflated: inflatedPerBlock(blocks), blockSize };
}

/** Bytes each block of one zlib stream inflates to when the blocks are fed in order. */
export function inflatedPerBlock(blocks: readonly Uint8Array[]): number[] {
  const inflater = new Inflate();
  inflater.onData = () => undefined;
  // pako hands out output only in whole chunks; the stream's own counter has every byte.
  const totalOut = () => (inflater as unknown as { strm: { total_out: number } }).strm.total_out;
  let before = 0;
  return blocks.map((block) => {
    inflater.push(block, false);
    const after = totalOut();
    const n = after - before;
    before = after;
    return n;
  });
}

/** A packet of the operation with what the guard needs to know about it. */
interface Frame {
  packet: Uint8Array;
  op: number;
  /** Flash work the stub does after replying (seconds, estimated). */
  workAfterReply: number;
  /** Uncompressed bytes this packet stands for (progress). */
  bytes: number;
  timeoutMs: number;
}

async function sendOperation(
  channel: StubChannel,
  plan: OperationPlan,
  options: WriterOptions,
  onAck: (bytes: number) => void,
): Promise<void> {
  const { range, blocks, inflated } = plan;
  const size = range.data.length;
  // On the chip's own USB ports (USB-Serial/JTAG, USB-OTG) the baud rate is a fiction: a block
  // crosses in about a millisecond, so the block behind it would land in the stub's busy frame
  // buffer. There the writer keeps one block in flight (a USB round trip costs ~1 ms anyway).
  const usbPort = channel.transport.device.getInfo().usbVendorId === ESPRESSIF_VID;
  const wireOf = (packet: Uint8Array) => (usbPort ? 0 : ((packet.length + 2) * 10) / options.baud);
  const beginPacket = requestPacket(
    EspOp.FLASH_DEFL_BEGIN,
    words(size, blocks.length, plan.blockSize, range.address),
  );
  const dataPackets = blocks.map((block, seq) => deflateDataPacket(block, seq));
  // What the stub does with each block after replying to it (see stub-pace.ts).
  const work = stubWorkPerBlock({
    address: range.address,
    size,
    inflated,
    beginWire: wireOf(beginPacket),
    wire: dataPackets.map(wireOf),
  });
  const frames: Frame[] = [
    {
      packet: beginPacket,
      op: EspOp.FLASH_DEFL_BEGIN,
      workAfterReply: 0,
      bytes: 0,
      timeoutMs: DEFAULT_TIMEOUT_MS + BLOCK_ERASE_SECONDS * 1000,
    },
    ...dataPackets.map((packet, seq) => ({
      packet,
      op: EspOp.FLASH_DEFL_DATA,
      workAfterReply: work[seq],
      bytes: inflated[seq],
      // The reply to block n waits for the stub to finish block n-1.
      timeoutMs: timeoutFor(WRITE_MS_PER_MB, (inflated[seq - 1] ?? 0) + inflated[seq]),
    })),
  ];
  const window = Math.max(1, options.inFlight ?? 2);
  const wireSeconds = (f: Frame) => wireOf(f.packet);
  channel.transport.flushInput();
  let sent = 0;
  let acked = 0;
  while (acked < frames.length) {
    while (sent < frames.length && sent - acked < window) {
      const waiting = sent - acked;
      if (waiting > 0) {
        // Frame `sent` would arrive while frame sent-1 waits: the stub must have finished
        // frame sent-2 by then, or the new frame finds no free buffer.
        const busy = frames[sent - 2]?.workAfterReply ?? 0;
        if (busy > 0.8 * wireSeconds(frames[sent - 1])) break;
      }
      await channel.send(frames[sent++].packet);
    }
    throwIfCancelled(options.signal);
    const frame = frames[acked];
    await channel.reply(
      frame.op,
      frame.timeoutMs,
      `Write ${formatAddress(range.address)}+0x${size.toString(16)}, packet ${acked}`,
    );
    acked++;
    if (frame.bytes) onAck(frame.bytes);
  }
  // The stub replied to the last block before writing it: a failure there surfaces now.
  await channel.settle(timeoutFor(WRITE_MS_PER_MB, inflated[inflated.length - 1] ?? 0));
}
