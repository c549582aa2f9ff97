/**
 * A minimal CMSIS-DAP host for tests of the simulator: raw command packets over a `USBDevice`
 * (bulk endpoints, or HID reports over EP0 when the probe has no bulk interface), plus the few
 * DP/AP/memory helpers the tests need. Not a production probe layer (that lives in the device
 * worker); it exists so tests can check the simulator byte for byte, independently of dapjs.
 */

const SET_REPORT = 0x09;
const GET_REPORT = 0x01;

/** Raw CMSIS-DAP access to a simulated (or real) probe. */
export class RawDap {
  private outEndpoint: number | undefined;
  private inEndpoint: number | undefined;
  private interfaceNumber = 0;

  constructor(readonly device: USBDevice) {}

  /** Opens the device and claims its CMSIS-DAP interface (bulk preferred, else EP0). */
  async open(): Promise<void> {
    await this.device.open();
    await this.device.selectConfiguration(1);
    const vendor =
      this.device.configuration?.interfaces.filter((i) => i.alternates[0].interfaceClass === 0xff) ?? [];
    const chosen = vendor.find((i) => i.alternates[0].endpoints.length > 0) ?? vendor[0];
    if (chosen === undefined) throw new Error('No CMSIS-DAP interface');
    this.interfaceNumber = chosen.interfaceNumber;
    const endpoints = chosen.alternates[0].endpoints;
    this.outEndpoint = endpoints.find((e) => e.direction === 'out')?.endpointNumber;
    this.inEndpoint = endpoints.find((e) => e.direction === 'in')?.endpointNumber;
    await this.device.claimInterface(this.interfaceNumber);
  }

  /** Sends one command packet without reading the response. */
  async send(packet: ArrayLike<number>): Promise<void> {
    const data = Uint8Array.from(packet);
    if (this.outEndpoint !== undefined) await this.device.transferOut(this.outEndpoint, data);
    else {
      await this.device.controlTransferOut(
        {
          requestType: 'class',
          recipient: 'interface',
          request: SET_REPORT,
          value: 0x200,
          index: this.interfaceNumber,
        },
        data,
      );
    }
  }

  /** Reads one response packet. */
  async receive(): Promise<Uint8Array> {
    const result =
      this.inEndpoint !== undefined
        ? await this.device.transferIn(this.inEndpoint, 64)
        : await this.device.controlTransferIn(
            {
              requestType: 'class',
              recipient: 'interface',
              request: GET_REPORT,
              value: 0x100,
              index: this.interfaceNumber,
            },
            64,
          );
    const view = result.data as DataView;
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }

  /** Sends a command and returns its response. */
  async command(packet: ArrayLike<number>): Promise<Uint8Array> {
    await this.send(packet);
    return this.receive();
  }

  /** DAP_Connect(SWD), TransferConfigure, line reset, JTAG-to-SWD, line reset, idle. */
  async connectSwd(): Promise<void> {
    await this.expectOk(await this.command([0x02, 0x01]), 0x02, 1);
    await this.expectOk(await this.command([0x04, 0x00, 0x64, 0x00, 0x00, 0x00]), 0x04);
    await this.command([0x12, 56, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    await this.command([0x12, 16, 0x9e, 0xe7]);
    await this.command([0x12, 56, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    await this.command([0x12, 8, 0x00]);
  }

  private async expectOk(response: Uint8Array, id: number, status = 0): Promise<void> {
    if (response[0] !== id || response[1] !== status)
      throw new Error(`Unexpected response ${[...response].join(',')}`);
  }

  /** One DAP_Transfer; returns [ack, words read]. */
  async transfer(
    ops: { request: number; data?: number }[],
  ): Promise<{ count: number; ack: number; words: number[] }> {
    const packet = [0x05, 0x00, ops.length];
    for (const op of ops) {
      packet.push(op.request);
      if ((op.request & 0x02) === 0 || (op.request & 0x10) !== 0) packet.push(...le32(op.data ?? 0));
    }
    const r = await this.command(packet);
    const words: number[] = [];
    for (let i = 3; i + 4 <= r.length; i += 4) words.push(readLe32(r, i));
    return { count: r[1], ack: r[2], words };
  }

  /** Reads a DP register (A[3:2] as 0x0/0x4/0x8/0xC). */
  async readDp(address: number): Promise<number> {
    return this.ok(await this.transfer([{ request: 0x02 | address }]))[0];
  }

  /** Writes a DP register. */
  async writeDp(address: number, value: number): Promise<void> {
    this.ok(await this.transfer([{ request: address, data: value }]));
  }

  /** Reads AP register `register` (bank·16 + A[3:2]) of AP `apsel`. */
  async readAp(apsel: number, register: number): Promise<number> {
    await this.writeDp(0x8, ((apsel << 24) | (register & 0xf0)) >>> 0);
    return this.ok(await this.transfer([{ request: 0x03 | (register & 0x0c) }]))[0];
  }

  /** Writes AP register `register` of AP `apsel`. */
  async writeAp(apsel: number, register: number, value: number): Promise<void> {
    await this.writeDp(0x8, ((apsel << 24) | (register & 0xf0)) >>> 0);
    this.ok(await this.transfer([{ request: 0x01 | (register & 0x0c), data: value }]));
  }

  /** Powers up the debug domain: ABORT 0x1E, SELECT 0, CTRL/STAT 0x50000000, poll ACKs. */
  async powerUp(): Promise<number> {
    await this.readDp(0x0);
    await this.writeDp(0x0, 0x1e);
    await this.writeDp(0x8, 0);
    await this.writeDp(0x4, 0x50000000);
    for (let i = 0; i < 10; i++) {
      const status = await this.readDp(0x4);
      if ((status & 0xa0000000) >>> 0 === 0xa0000000) return status >>> 0;
    }
    throw new Error('Power-up not acknowledged');
  }

  /** Reads a word of target memory through AP 0 (CSW 32-bit, no increment). */
  async readMem32(address: number): Promise<number> {
    await this.writeAp(0, 0x00, 0x23000002);
    await this.writeAp(0, 0x04, address);
    return this.readAp(0, 0x0c);
  }

  /** Writes a word of target memory through AP 0. */
  async writeMem32(address: number, value: number): Promise<void> {
    await this.writeAp(0, 0x00, 0x23000002);
    await this.writeAp(0, 0x04, address);
    await this.writeAp(0, 0x0c, value);
  }

  private ok(result: { count: number; ack: number; words: number[] }): number[] {
    if (result.ack !== 1) throw new Error(`Transfer failed: ack ${result.ack} after ${result.count}`);
    return result.words;
  }
}

/** Little-endian bytes of a 32-bit value. */
export function le32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** The little-endian 32-bit value at `offset`. */
export function readLe32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0
  );
}
