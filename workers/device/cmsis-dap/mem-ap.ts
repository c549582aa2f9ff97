/**
 * The debug port and its MEM-AP: connect and power up, then memory reads and writes. Block
 * transfers rewrite TAR at every 1 KiB boundary (ADIv5 only guarantees auto-increment inside
 * 1 KiB), fill whole packets, and keep the probe's pipeline full. WAIT/FAULT are recovered
 * with ABORT and one retry; a stale response in the pipe is drained and the call retried.
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import { ABORT_CLEAR_ALL, AP, CSW_BASE, CswSize, CtrlStat, DP, TAR_WRAP } from './constants';
import { DapProbe, TransferError, type TransferOp } from './dap-probe';

/** What connecting found out about the debug port. */
export interface DebugPortInfo {
  dpidr: number;
  apIdr: number;
  /** MEM-AP BASE register: the ROM table pointer (low bits are flags). */
  base: number;
}

/** One word access of {@link MemAp.batch}: a read, or a write when `value` is given. */
export interface WordAccess {
  address: number;
  value?: number;
}

/** Options of {@link MemAp.connect}. */
export interface ConnectOptions {
  /** SWD clock in Hz. */
  clockHz?: number;
}

/** Memory access through AP 0 of the connected SW-DP. */
export class MemAp {
  constructor(readonly probe: DapProbe) {}

  /** SELECT as last written (-1: unknown); kept by the probe, shared with its other MemAps. */
  private get select(): number {
    return this.probe.apState.select;
  }
  private set select(value: number) {
    this.probe.apState.select = value;
  }

  /** CSW as last written (-1: unknown); kept by the probe. */
  private get csw(): number {
    return this.probe.apState.csw;
  }
  private set csw(value: number) {
    this.probe.apState.csw = value;
  }

  /** Brings up SWD and the debug port's power domains; reads DPIDR, AP IDR and BASE. */
  async connect(options: ConnectOptions = {}): Promise<DebugPortInfo> {
    const p = this.probe;
    if (p.pipe.needsDrain) await p.pipe.drain();
    await p.setClock(options.clockHz ?? 4_000_000);
    await p.connectSwd();
    await p.configureTransfer(0, 256, 0);
    await p.configureSwd();
    await p.swdLineReset();
    const [dpidr] = await p.transfer([{ ap: false, register: DP.DPIDR }]);
    await p.writeAbort(ABORT_CLEAR_ALL);
    this.select = -1;
    this.csw = -1;
    await this.writeDp(DP.SELECT, 0);
    await this.writeDp(DP.CTRL_STAT, CtrlStat.CSYSPWRUPREQ | CtrlStat.CDBGPWRUPREQ);
    const want = CtrlStat.CSYSPWRUPACK | CtrlStat.CDBGPWRUPACK;
    let ctrl = 0;
    for (let i = 0; i < 100; i++) {
      ctrl = await this.readDp(DP.CTRL_STAT);
      if ((ctrl & want) >>> 0 === want >>> 0) break;
    }
    if ((ctrl & want) >>> 0 !== want >>> 0) {
      throw new WebProgError(
        'DEVICE_FAULT',
        `The target's debug port did not power up (CTRL/STAT 0x${(ctrl >>> 0).toString(16)}).`,
      );
    }
    const apIdr = await this.readAp(AP.IDR);
    const base = await this.readAp(AP.BASE);
    return { dpidr, apIdr, base };
  }

  /** Reads a DP register. */
  async readDp(register: number): Promise<number> {
    const [v] = await this.probe.transfer([{ ap: false, register }]);
    return v;
  }

  /** Writes a DP register. */
  async writeDp(register: number, value: number): Promise<void> {
    if (register === DP.SELECT) this.select = value;
    await this.probe.transfer([{ ap: false, register, write: value }]);
  }

  /** Reads an AP register of AP 0 (selecting its bank). */
  async readAp(register: number): Promise<number> {
    const [v] = await this.probe.transfer([
      ...this.selectOps(register),
      { ap: true, register: register & 0x0c },
    ]);
    return v;
  }

  /** Writes an AP register of AP 0 (selecting its bank). */
  async writeAp(register: number, value: number): Promise<void> {
    await this.probe.transfer([
      ...this.selectOps(register),
      { ap: true, register: register & 0x0c, write: value },
    ]);
  }

  /** Reads register `register` of access port `apsel` (another AP than the MEM-AP in use). */
  async readApAt(apsel: number, register: number): Promise<number> {
    const select = ((apsel << 24) | (register & 0xf0)) >>> 0;
    this.select = select;
    const [v] = await this.probe.transfer([
      { ap: false, register: DP.SELECT, write: select },
      { ap: true, register: register & 0x0c },
    ]);
    return v;
  }

  /** Writes register `register` of access port `apsel`. */
  async writeApAt(apsel: number, register: number, value: number): Promise<void> {
    const select = ((apsel << 24) | (register & 0xf0)) >>> 0;
    this.select = select;
    await this.probe.transfer([
      { ap: false, register: DP.SELECT, write: select },
      { ap: true, register: register & 0x0c, write: value >>> 0 },
    ]);
  }

  /** Reads one 32-bit word. */
  async read32(address: number): Promise<number> {
    return this.withRecovery(address, async () => {
      const [v] = await this.probe.transfer([
        ...this.setupOps(CswSize.Word, address),
        { ap: true, register: AP.DRW },
      ]);
      return v;
    });
  }

  /** Writes one 32-bit word. */
  async write32(address: number, value: number): Promise<void> {
    await this.withRecovery(address, () =>
      this.probe.transfer([
        ...this.setupOps(CswSize.Word, address),
        { ap: true, register: AP.DRW, write: value >>> 0 },
      ]),
    );
  }

  /** Reads several words in one batch of packets (addresses need not be consecutive). */
  async readWords(addresses: readonly number[]): Promise<number[]> {
    if (addresses.length === 0) return [];
    return this.withRecovery(addresses[0], () => {
      const ops: TransferOp[] = [];
      for (const a of addresses) ops.push(...this.setupOps(CswSize.Word, a), { ap: true, register: AP.DRW });
      return this.probe.transfer(ops);
    });
  }

  /** Writes several (address, value) words in one batch of packets. */
  async writeWords(writes: readonly { address: number; value: number }[]): Promise<void> {
    if (writes.length === 0) return;
    await this.withRecovery(writes[0].address, () => {
      const ops: TransferOp[] = [];
      for (const w of writes)
        ops.push(...this.setupOps(CswSize.Word, w.address), {
          ap: true,
          register: AP.DRW,
          write: w.value >>> 0,
        });
      return this.probe.transfer(ops);
    });
  }

  /**
   * Runs word reads and writes in one batch of pipelined packets, in order; returns the values
   * read, in order. Used to move several debug registers in one round trip.
   */
  async batch(accesses: readonly WordAccess[]): Promise<number[]> {
    if (accesses.length === 0) return [];
    return this.withRecovery(accesses[0].address, () => {
      const ops: TransferOp[] = [];
      for (const a of accesses) {
        ops.push(...this.setupOps(CswSize.Word, a.address));
        ops.push(
          a.value === undefined
            ? { ap: true, register: AP.DRW }
            : { ap: true, register: AP.DRW, write: a.value >>> 0 },
        );
      }
      return this.probe.transfer(ops);
    });
  }

  /** Reads `length` bytes from `address` (any alignment). */
  async readBytes(address: number, length: number): Promise<Uint8Array> {
    if (length === 0) return new Uint8Array(0);
    const start = address & ~3;
    const end = (address + length + 3) & ~3;
    const words = await this.readBlock(start, (end - start) / 4);
    const bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
    return bytes.slice(address - start, address - start + length);
  }

  /** Writes bytes at `address`; unaligned edges are written byte by byte. */
  async writeBytes(address: number, data: Uint8Array): Promise<void> {
    let at = address;
    let i = 0;
    while (i < data.length && at & 3) await this.write8(at++, data[i++]);
    const wordBytes = (data.length - i) & ~3;
    if (wordBytes > 0) {
      const words = new Uint32Array(wordBytes / 4);
      const view = new DataView(data.buffer, data.byteOffset + i, wordBytes);
      for (let w = 0; w < words.length; w++) words[w] = view.getUint32(w * 4, true);
      await this.writeBlock(at, words);
      at += wordBytes;
      i += wordBytes;
    }
    while (i < data.length) await this.write8(at++, data[i++]);
  }

  /** Writes one byte (CSW size 8; data on byte lane `address & 3`). */
  async write8(address: number, value: number): Promise<void> {
    await this.withRecovery(address, () =>
      this.probe.transfer([
        ...this.setupOps(CswSize.Byte, address),
        { ap: true, register: AP.DRW, write: ((value & 0xff) << ((address & 3) * 8)) >>> 0 },
      ]),
    );
  }

  /** Writes one half-word (CSW size 16; data on lane `address & 2`), e.g. STM32F1 option bytes. */
  async write16(address: number, value: number): Promise<void> {
    if (address & 1) {
      throw new WebProgError(
        'ADDRESS_MISALIGNED',
        `A half-word write needs an even address, got ${formatAddress(address)}.`,
        { address },
      );
    }
    await this.withRecovery(address, () =>
      this.probe.transfer([
        ...this.setupOps(CswSize.Half, address),
        { ap: true, register: AP.DRW, write: ((value & 0xffff) << ((address & 2) * 8)) >>> 0 },
      ]),
    );
  }

  /** Reads `count` words from word-aligned `address`, pipelined, TAR rewritten per 1 KiB. */
  async readBlock(address: number, count: number): Promise<Uint32Array> {
    checkAligned(address);
    const out = new Uint32Array(count);
    await this.withRecovery(address, async () => {
      const pending: Promise<unknown>[] = [];
      for (const chunk of chunks(address, count)) {
        pending.push(this.probe.transfer(this.setupOps(CswSize.Word, chunk.address, true)));
        for (let done = 0; done < chunk.count;) {
          const n = Math.min(this.probe.blockReadWords, chunk.count - done);
          const offset = chunk.index + done;
          pending.push(this.probe.transferBlockRead(true, AP.DRW, n).then((w) => out.set(w, offset)));
          done += n;
        }
      }
      await settleAll(pending);
    });
    return out;
  }

  /** Writes words at word-aligned `address`, pipelined, TAR rewritten per 1 KiB. */
  async writeBlock(address: number, words: Uint32Array): Promise<void> {
    checkAligned(address);
    await this.withRecovery(address, async () => {
      const pending: Promise<unknown>[] = [];
      for (const chunk of chunks(address, words.length)) {
        pending.push(this.probe.transfer(this.setupOps(CswSize.Word, chunk.address, true)));
        for (let done = 0; done < chunk.count;) {
          const n = Math.min(this.probe.blockWriteWords, chunk.count - done);
          const from = chunk.index + done;
          pending.push(this.probe.transferBlockWrite(true, AP.DRW, words.subarray(from, from + n)));
          done += n;
        }
      }
      await settleAll(pending);
    });
  }

  /** Ops that select the AP bank holding `register`, when it is not selected already. */
  private selectOps(register: number): TransferOp[] {
    const select = register & 0xf0;
    if (select === this.select) return [];
    this.select = select;
    return [{ ap: false, register: DP.SELECT, write: select }];
  }

  /** Ops that set CSW (size, auto-increment) when it changed, and TAR. */
  private setupOps(size: number, address: number, increment = false): TransferOp[] {
    const ops = this.selectOps(AP.CSW);
    const csw = (CSW_BASE | size | (increment ? 0x10 : 0)) >>> 0;
    if (csw !== this.csw) {
      this.csw = csw;
      ops.push({ ap: true, register: AP.CSW, write: csw });
    }
    ops.push({ ap: true, register: AP.TAR, write: address >>> 0 });
    return ops;
  }

  /**
   * Runs `operation`; on a WAIT/FAULT clears the sticky errors and tries once more, on a stale
   * response drains the pipe and tries once more. The error names `address`.
   */
  private async withRecovery<T>(address: number, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (first) {
      if (!(first instanceof WebProgError) || first.code === 'DEVICE_LOST') throw first;
      await this.recover();
      try {
        return await operation();
      } catch (second) {
        if (second instanceof TransferError) {
          await this.recover().catch(() => undefined);
          throw new WebProgError(
            second.code,
            `${second.message.replace(/\.$/, '')} at ${formatAddress(address)}.`,
            {
              address,
              cause: second,
            },
          );
        }
        throw second;
      }
    }
  }

  /** Drains stale responses if needed and clears sticky errors; forgets cached SELECT/CSW. */
  async recover(): Promise<void> {
    await this.probe.pipe.idle();
    if (this.probe.pipe.needsDrain) await this.probe.pipe.drain();
    this.select = -1;
    this.csw = -1;
    await this.probe.writeAbort(ABORT_CLEAR_ALL);
  }
}

/** Splits a word transfer at 1 KiB boundaries. */
function* chunks(
  address: number,
  count: number,
): Generator<{ address: number; index: number; count: number }> {
  let index = 0;
  let at = address;
  while (index < count) {
    const room = (TAR_WRAP - (at % TAR_WRAP)) / 4;
    const n = Math.min(room, count - index);
    yield { address: at, index, count: n };
    index += n;
    at += n * 4;
  }
}

async function settleAll(pending: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(pending);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

function checkAligned(address: number): void {
  if (address & 3) {
    throw new WebProgError(
      'ADDRESS_MISALIGNED',
      `Block transfers need a word-aligned address, got ${formatAddress(address)}.`,
      {
        address,
      },
    );
  }
}
