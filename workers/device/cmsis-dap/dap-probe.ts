/**
 * CMSIS-DAP commands on top of a {@link DapPipe}: DAP_Info, connect/disconnect, transfer
 * configuration, DAP_Transfer and DAP_TransferBlock batches, WriteABORT, reset, SWJ.
 */
import { WebProgError } from '../../../src/core/errors';
import { Ack, Cmd, InfoId, Req } from './constants';
import { DapPipe } from './dap-pipe';
import type { PacketTransport } from './packet-transport';

/** What DAP_Info tells about a probe. */
export interface ProbeInfo {
  vendor: string;
  product: string;
  serial: string;
  protocolVersion: string;
  firmwareVersion: string;
  capabilities: number;
  packetCount: number;
  packetSize: number;
}

/** One DAP_Transfer operation. */
export interface TransferOp {
  /** True for an AP register, false for DP. */
  ap: boolean;
  /** Register address (A[3:2] as 0x0/0x4/0x8/0xC). */
  register: number;
  /** Value to write; absent for reads. */
  write?: number;
}

/** Thrown-error context of a failed transfer: the ACK the probe reported. */
export class TransferError extends WebProgError {
  constructor(
    readonly ack: number,
    message: string,
  ) {
    super(ack === Ack.FAULT ? 'DEVICE_FAULT' : ack === Ack.WAIT ? 'TIMEOUT' : 'DEVICE_PROTOCOL', message);
  }
}

/** A CMSIS-DAP probe speaking through a pipelined link. */
export class DapProbe {
  readonly pipe: DapPipe;
  /** Packet size in use (the probe's, capped by the transport). */
  packetSize = 64;
  /**
   * What the engine last wrote to the DP's SELECT and the MEM-AP's CSW (-1: not known). It
   * belongs to the probe, not to one {@link MemAp}: every MemAp on this probe shares it, so one
   * MemAp's writes (a second attach, a connect) are never hidden from another, and raw
   * accesses ({@link rawTransfer}) make both unknown.
   */
  readonly apState = { select: -1, csw: -1 };

  constructor(readonly transport: PacketTransport) {
    this.pipe = new DapPipe(transport, 1);
  }

  /** Reads the probe's identity and buffer sizes and configures the pipe from them. */
  async readInfo(): Promise<ProbeInfo> {
    const [vendor, product, serial, protocolVersion, firmwareVersion] = await Promise.all(
      [InfoId.Vendor, InfoId.Product, InfoId.Serial, InfoId.ProtocolVersion, InfoId.FirmwareVersion].map(
        (id) => this.infoString(id),
      ),
    );
    const caps = await this.infoRaw(InfoId.Capabilities);
    const count = await this.infoRaw(InfoId.PacketCount);
    const size = await this.infoRaw(InfoId.PacketSize);
    const packetCount = count.length >= 1 ? count[0] : 1;
    const packetSize = size.length >= 2 ? size[0] | (size[1] << 8) : 64;
    this.packetSize = Math.min(packetSize || 64, this.transport.maxPacketSize);
    this.pipe.packetCount = Math.max(1, packetCount);
    return {
      vendor,
      product,
      serial,
      protocolVersion,
      firmwareVersion,
      capabilities: caps.length ? caps[0] | ((caps[1] ?? 0) << 8) : 0,
      packetCount,
      packetSize,
    };
  }

  /** DAP_Info returning the raw data bytes. */
  async infoRaw(id: number): Promise<Uint8Array> {
    const r = await this.pipe.command(new Uint8Array([Cmd.Info, id]));
    return r.slice(2, 2 + r[1]);
  }

  /** DAP_Info returning a string (without its NUL). */
  async infoString(id: number): Promise<string> {
    const raw = await this.infoRaw(id);
    const end = raw.indexOf(0);
    return new TextDecoder().decode(end >= 0 ? raw.subarray(0, end) : raw);
  }

  /** Sends a command expecting `cmd 00` and throws if the status is not DAP_OK. */
  async statusCommand(bytes: number[], what: string): Promise<void> {
    const r = await this.pipe.command(new Uint8Array(bytes));
    if (r[1] !== 0)
      throw new WebProgError('DEVICE_PROTOCOL', `The probe refused ${what} (status 0x${r[1].toString(16)}).`);
  }

  /** DAP_Connect in SWD mode. */
  async connectSwd(): Promise<void> {
    const r = await this.pipe.command(new Uint8Array([Cmd.Connect, 1]));
    if (r[1] !== 1) throw new WebProgError('NOT_SUPPORTED', 'The probe could not switch to SWD mode.');
  }

  /** DAP_Disconnect. */
  async disconnect(): Promise<void> {
    await this.statusCommand([Cmd.Disconnect], 'to disconnect');
  }

  /** DAP_SWJ_Clock. */
  async setClock(hz: number): Promise<void> {
    await this.statusCommand([Cmd.SwjClock, ...u32(hz)], 'the SWD clock');
  }

  /** DAP_TransferConfigure. */
  async configureTransfer(idleCycles: number, waitRetry: number, matchRetry: number): Promise<void> {
    await this.statusCommand(
      [Cmd.TransferConfigure, idleCycles, ...u16(waitRetry), ...u16(matchRetry)],
      'the transfer settings',
    );
  }

  /** DAP_SWD_Configure (turnaround 1 clock, no forced data phase). */
  async configureSwd(): Promise<void> {
    await this.statusCommand([Cmd.SwdConfigure, 0], 'the SWD settings');
  }

  /** DAP_SWJ_Sequence of `bits` bits taken LSB first from `data`. */
  async swjSequence(bits: number, data: number[]): Promise<void> {
    await this.statusCommand([Cmd.SwjSequence, bits & 0xff, ...data], 'an SWJ sequence');
  }

  /** Line reset, JTAG-to-SWD switch, line reset, idle: what every SW-DP needs before it answers. */
  async swdLineReset(): Promise<void> {
    const ones = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    await this.swjSequence(56, ones);
    await this.swjSequence(16, [0x9e, 0xe7]);
    await this.swjSequence(56, ones);
    await this.swjSequence(8, [0x00]);
  }

  /** DAP_WriteABORT with a full 32-bit value (dapjs sends one byte; reference bug 9). */
  async writeAbort(value: number): Promise<void> {
    await this.statusCommand([Cmd.WriteAbort, 0, ...u32(value)], 'to clear the debug port errors');
  }

  /** DAP_ResetTarget; resolves with true if the probe has a reset sequence for the target. */
  async resetTarget(): Promise<boolean> {
    const r = await this.pipe.command(new Uint8Array([Cmd.ResetTarget]));
    return r[2] === 1;
  }

  /** DAP_SWJ_Pins: drives pins in `select` to `output`, returns the pin input byte. */
  async swjPins(output: number, select: number, waitUs: number): Promise<number> {
    const r = await this.pipe.command(new Uint8Array([Cmd.SwjPins, output, select, ...u32(waitUs)]));
    return r[1];
  }

  /** Largest number of operations of `ops` (from `start`) that fit one DAP_Transfer packet. */
  private opsPerPacket(ops: readonly TransferOp[], start: number): number {
    let req = 3;
    let resp = 3;
    let n = 0;
    for (let i = start; i < ops.length; i++) {
      const o = ops[i];
      const reqBytes = o.write === undefined ? 1 : 5;
      const respBytes = o.write === undefined ? 4 : 0;
      if (req + reqBytes > this.packetSize || resp + respBytes > this.packetSize || n === 255) break;
      req += reqBytes;
      resp += respBytes;
      n++;
    }
    return n;
  }

  /**
   * Runs DAP_Transfer operations, split into as few packets as fit, all sent through the
   * pipeline. Returns the values read, in order. Throws {@link TransferError} naming the ACK.
   */
  async transfer(ops: readonly TransferOp[]): Promise<number[]> {
    const packets: Promise<number[]>[] = [];
    for (let i = 0; i < ops.length;) {
      const n = this.opsPerPacket(ops, i);
      packets.push(this.transferPacket(ops.slice(i, i + n)));
      i += n;
    }
    const results = await Promise.allSettled(packets);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return results.flatMap((r) => (r as PromiseFulfilledResult<number[]>).value);
  }

  /**
   * DAP_Transfer for a caller outside the engine (a special script's `dbgSwdRead` /
   * `dbgSwdWrite`): the same as {@link transfer}, but SELECT and CSW count as unknown
   * afterwards, since such an access may change them (and TAR) behind the engine's back.
   */
  async rawTransfer(ops: readonly TransferOp[]): Promise<number[]> {
    try {
      return await this.transfer(ops);
    } finally {
      this.forgetApState();
    }
  }

  /** Marks SELECT and CSW as not known: the next MEM-AP access writes them again. */
  forgetApState(): void {
    this.apState.select = -1;
    this.apState.csw = -1;
  }

  private async transferPacket(ops: readonly TransferOp[]): Promise<number[]> {
    const bytes: number[] = [Cmd.Transfer, 0, ops.length];
    for (const o of ops) {
      const req = (o.ap ? Req.AP : 0) | (o.write === undefined ? Req.Read : 0) | (o.register & 0x0c);
      bytes.push(req);
      if (o.write !== undefined) bytes.push(...u32(o.write));
    }
    const r = await this.pipe.command(new Uint8Array(bytes));
    const done = r[1];
    const ack = r[2] & 0x07;
    if (ack === Ack.OK && done !== ops.length) throw this.outOfStep(done, ops.length);
    if (done !== ops.length || ack !== Ack.OK || r[2] & 0x18) {
      throw new TransferError(ack, transferFailure(ack, r[2], done, ops.length));
    }
    const values: number[] = [];
    for (let i = 0, at = 3; i < ops.length; i++) {
      if (ops[i].write === undefined) {
        values.push(readU32(r, at));
        at += 4;
      }
    }
    return values;
  }

  /**
   * A response that reports success for a different number of transfers than requested
   * answers another command: a stale response is in the pipe.
   */
  private outOfStep(done: number, requested: number): WebProgError {
    this.pipe.markOutOfStep();
    return new WebProgError(
      'DEVICE_PROTOCOL',
      `The probe answered out of order (a response for ${done} transfers to a request for ${requested}): a stale response was in its pipe.`,
    );
  }

  /** Words per DAP_TransferBlock write packet. */
  get blockWriteWords(): number {
    return Math.floor((this.packetSize - 5) / 4);
  }

  /** Words per DAP_TransferBlock read packet. */
  get blockReadWords(): number {
    return Math.floor((this.packetSize - 4) / 4);
  }

  /** One DAP_TransferBlock writing `words` to AP/DP register `register`. */
  async transferBlockWrite(ap: boolean, register: number, words: Uint32Array): Promise<void> {
    const packet = new Uint8Array(5 + words.length * 4);
    packet[0] = Cmd.TransferBlock;
    packet[2] = words.length & 0xff;
    packet[3] = words.length >> 8;
    packet[4] = (ap ? Req.AP : 0) | (register & 0x0c);
    const view = new DataView(packet.buffer);
    words.forEach((w, i) => view.setUint32(5 + i * 4, w, true));
    const r = await this.pipe.command(packet);
    const done = r[1] | (r[2] << 8);
    const ack = r[3] & 0x07;
    if (ack === Ack.OK && done !== words.length) throw this.outOfStep(done, words.length);
    if (done !== words.length || ack !== Ack.OK) {
      throw new TransferError(ack, transferFailure(ack, r[3], done, words.length));
    }
  }

  /** One DAP_TransferBlock reading `count` words from AP/DP register `register`. */
  async transferBlockRead(ap: boolean, register: number, count: number): Promise<Uint32Array> {
    const r = await this.pipe.command(
      new Uint8Array([
        Cmd.TransferBlock,
        0,
        count & 0xff,
        count >> 8,
        (ap ? Req.AP : 0) | Req.Read | (register & 0x0c),
      ]),
    );
    const done = r[1] | (r[2] << 8);
    const ack = r[3] & 0x07;
    if (ack === Ack.OK && done !== count) throw this.outOfStep(done, count);
    if (done !== count || ack !== Ack.OK)
      throw new TransferError(ack, transferFailure(ack, r[3], done, count));
    const out = new Uint32Array(count);
    for (let i = 0; i < count; i++) out[i] = readU32(r, 4 + i * 4);
    return out;
  }
}

function transferFailure(ack: number, raw: number, done: number, total: number): string {
  const what =
    ack === Ack.FAULT
      ? 'the target answered FAULT'
      : ack === Ack.WAIT
        ? 'the target kept answering WAIT'
        : ack === Ack.NO_ACK
          ? 'the target did not answer (NO_ACK): check the wiring and power'
          : raw & 0x08
            ? 'an SWD parity error occurred'
            : raw & 0x10
              ? 'the value never matched'
              : `unexpected ACK ${ack}`;
  return `Debug transfer failed after ${done} of ${total} operations: ${what}.`;
}

/** Little-endian bytes of a u32. */
export function u32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

function u16(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff];
}

function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}
