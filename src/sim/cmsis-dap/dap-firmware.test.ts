import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe } from '../index';
import { le32, RawDap } from '../testing/raw-dap';

async function open(version: 'v1' | 'v2' = 'v2') {
  const probe = createSimulatedMicrobit(version, { latency: 'zero' });
  const raw = new RawDap(probe.usbDevice);
  await raw.open();
  return { probe, raw };
}

const ascii = (text: string) => [...new TextEncoder().encode(text), 0];

describe('CMSIS-DAP firmware, byte for byte', () => {
  it('answers DAP_Info', async () => {
    const { raw, probe } = await open();
    // DAPLink's dap_strings.h: no CMSIS_DAP_VENDOR_NAME, CMSIS_DAP_PRODUCT_NAME "DAPLink".
    expect(Array.from(await raw.command([0x00, 0x01]))).toEqual([0x00, 0]);
    expect(Array.from(await raw.command([0x00, 0x02]))).toEqual([0x00, 8, ...ascii('DAPLink')]);
    const serial = probe.usbDevice.serialNumber;
    expect(serial).toMatch(/^9903[0-9A-F]{44}$/);
    expect(Array.from(await raw.command([0x00, 0x03]))).toEqual([0x00, 49, ...ascii(serial)]);
    expect(Array.from(await raw.command([0x00, 0x04]))).toEqual([0x00, 6, ...ascii('2.1.0')]);
    expect(Array.from(await raw.command([0x00, 0x09]))).toEqual([0x00, 5, ...ascii('0257')]);
    // SWD | atomic commands (DAP.c v2 always sets bit 4); no SWO, timestamps or UART on KL2xZ.
    expect(Array.from(await raw.command([0x00, 0xf0]))).toEqual([0x00, 1, 0x11]);
    expect(Array.from(await raw.command([0x00, 0xf1]))).toEqual([0x00, 0]);
    expect(Array.from(await raw.command([0x00, 0xfe]))).toEqual([0x00, 1, 5]);
    expect(Array.from(await raw.command([0x00, 0xff]))).toEqual([0x00, 2, 0x40, 0x00]);
    expect(Array.from(await raw.command([0x00, 0xfd]))).toEqual([0x00, 0]);
  });

  it('answers the status commands and 0xFF for unknown ones', async () => {
    const { raw } = await open();
    expect(Array.from(await raw.command([0x01, 0x00, 0x01]))).toEqual([0x01, 0x00]);
    expect(Array.from(await raw.command([0x01, 0x07, 0x01]))).toEqual([0x01, 0xff]);
    expect(Array.from(await raw.command([0x02, 0x00]))).toEqual([0x02, 0x01]); // default port = SWD
    expect(Array.from(await raw.command([0x02, 0x02]))).toEqual([0x02, 0x00]); // no JTAG
    expect(Array.from(await raw.command([0x11, ...le32(0)]))).toEqual([0x11, 0xff]);
    expect(Array.from(await raw.command([0x11, ...le32(4_000_000)]))).toEqual([0x11, 0x00]);
    expect(Array.from(await raw.command([0x13, 0x00]))).toEqual([0x13, 0x00]);
    expect(Array.from(await raw.command([0x09, 0x10, 0x00]))).toEqual([0x09, 0x00]);
    expect(Array.from(await raw.command([0x14, 0x00]))).toEqual([0x14, 0xff]); // JTAG not built in
    expect(Array.from(await raw.command([0x42]))).toEqual([0xff]);
    expect(Array.from(await raw.command([0xa0]))).toEqual([0xff]); // DAP_ProcessVendorCommandEx default
    expect(Array.from(await raw.command([0x03]))).toEqual([0x03, 0x00]);
    expect(Array.from(await raw.command([0x05, 0x00, 0x01, 0x02]))).toEqual([0x05, 0x00, 0x00]); // not connected
    expect(Array.from(await raw.command([0x08, 0x00, ...le32(0x1e)]))).toEqual([0x08, 0xff]);
  });

  it('answers the JTAG commands with DAP_ERROR and the SWO commands with ID_DAP_Invalid', async () => {
    const { raw } = await open();
    expect(Array.from(await raw.command([0x15, 0x01, 0x04]))).toEqual([0x15, 0xff]);
    expect(Array.from(await raw.command([0x16, 0x00]))).toEqual([0x16, 0xff]);
    // DAP.c compiles the SWO commands in only with SWO_UART or SWO_MANCHESTER (0 on DAPLink's KL2xZ).
    for (const swo of [
      [0x17, 0x01],
      [0x18, 0x01],
      [0x19, ...le32(115200)],
      [0x1a, 0x01],
      [0x1b],
      [0x1c, 0x10, 0x00],
      [0x1e, 0x07],
    ]) {
      expect(Array.from(await raw.command(swo))).toEqual([0xff]);
    }
  });

  it('has no device-specific DAP_ResetTarget sequence (DAPLink RESET_TARGET() returns 0)', async () => {
    const { raw, probe } = await open();
    const before = probe.clock.nowUs;
    expect(Array.from(await raw.command([0x0a]))).toEqual([0x0a, 0x00, 0x00]);
    expect(probe.clock.nowUs - before).toBeLessThan(1);
    expect(probe.target.chip.system.runner.heldInReset).toBe(false);
  });

  it('reads back only SWCLK, SWDIO and nRESET through DAP_SWJ_Pins (TDI, TDO, nTRST read 0)', async () => {
    const { raw } = await open();
    expect(Array.from(await raw.command([0x10, 0x00, 0x00, ...le32(0)]))).toEqual([0x10, 0x83]);
    expect(Array.from(await raw.command([0x10, 0x00, 0x2c, ...le32(0)]))).toEqual([0x10, 0x83]);
    expect(Array.from(await raw.command([0x10, 0x00, 0x01, ...le32(0)]))).toEqual([0x10, 0x82]);
  });

  it('clocks at DAP_DEFAULT_SWJ_CLOCK before DAP_SWJ_Clock: KL26Z 5 MHz, KL27Z 8 MHz', async () => {
    for (const [version, mhz] of [
      ['v1', 5],
      ['v2', 8],
    ] as const) {
      const { raw, probe } = await open(version);
      const before = probe.clock.nowUs;
      await raw.command([0x12, 0, ...new Array<number>(32).fill(0xff)]); // 256 bits
      expect(probe.clock.nowUs - before).toBeCloseTo(256 / mhz, 3);
    }
  });

  it('runs DAP_SWD_Sequence: output bits reach the wire, captures read the pulled-up line', async () => {
    const probe = createSimulatedStm32f411Probe({ latency: 'zero' });
    const raw = new RawDap(probe.usbDevice);
    await raw.open();
    await raw.command([0x02, 0x01]);
    const ones = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    // Line reset, JTAG-to-SWD select, line reset, idle; then capture 5 bits.
    const reply = await raw.command([0x1d, 5, 56, ...ones, 16, 0x9e, 0xe7, 56, ...ones, 8, 0x00, 0x85]);
    expect(Array.from(reply)).toEqual([0x1d, 0x00, 0x1f]);
    expect(await raw.readDp(0x0)).toBe(0x2ba01477);
    // 64 clocks (count 0) captured: 8 bytes.
    expect(Array.from(await raw.command([0x1d, 1, 0x80]))).toEqual([
      0x1d,
      0x00,
      ...new Array<number>(8).fill(0xff),
    ]);
  });

  it('runs DAP_ExecuteCommands like DAP_ExecuteCommand: lengths of every command, no nesting', async () => {
    const { raw } = await open();
    expect(Array.from(await raw.command([0x7f, 2, 0x1d, 1, 0x88, 0x00, 0xfe]))).toEqual([
      0x7f, 2, 0x1d, 0x00, 0xff, 0x00, 1, 5,
    ]);
    expect(Array.from(await raw.command([0x7f, 2, 0x15, 2, 4, 5, 0x00, 0xfe]))).toEqual([
      0x7f, 2, 0x15, 0xff, 0x00, 1, 5,
    ]);
    // A DAP_ExecuteCommands inside one is ID_DAP_Invalid and takes one request byte.
    expect(Array.from(await raw.command([0x7f, 2, 0x7f, 0x00, 0xfe]))).toEqual([0x7f, 2, 0xff, 0x00, 1, 5]);
  });

  it('spends wire time on WAIT, FAULT and no-ACK packets as SW_DP.c clocks them', async () => {
    const { raw, probe } = await open();
    await raw.command([0x02, 0x01]);
    await raw.command([0x11, ...le32(1_000_000)]); // 1 µs per bit
    await raw.command([0x04, 8, 0, 0, 0, 0]); // 8 idle cycles, no WAIT retry
    const timed = async (packet: number[]) => {
      const before = probe.clock.nowUs;
      const reply = await raw.command(packet);
      return { reply: Array.from(reply), us: probe.clock.nowUs - before };
    };
    // No line reset yet: nothing answers (ACK 0b111), the probe backs off 1 + 33 clocks.
    expect(await timed([0x05, 0x00, 0x01, 0x02])).toEqual({ reply: [0x05, 0x00, 0x07], us: 12 + 34 });
    await raw.connectSwd();
    await raw.powerUp();
    await raw.command([0x11, ...le32(1_000_000)]);
    await raw.command([0x04, 8, 0, 0, 0, 0]);
    // OK read: header 8 + turnaround 1 + ACK 3, data 33 + turnaround 1, idle 8.
    expect((await timed([0x05, 0x00, 0x01, 0x02])).us).toBe(12 + 34 + 8);
    // WAIT and FAULT: header, turnaround, ACK, turnaround; no data phase, no idle cycles.
    probe.faults.swdAck('WAIT', 1);
    expect(await timed([0x05, 0x00, 0x01, 0x02])).toEqual({ reply: [0x05, 0x00, 0x02], us: 13 });
    await raw.command([0x13, 0x04]); // always emit the data phase
    probe.faults.swdAck('WAIT', 1);
    expect((await timed([0x05, 0x00, 0x01, 0x02])).us).toBe(13 + 33);
  });

  it("answers DAPLink's own vendor commands as DAP_vendor.c does", async () => {
    const { raw, probe } = await open();
    const serial = probe.usbDevice.serialNumber;
    expect(Array.from(await raw.command([0x80]))).toEqual([0x80, 48, ...new TextEncoder().encode(serial)]);
    for (const empty of [0x85, 0x86, 0x87, 0x8e, 0x9f])
      expect(Array.from(await raw.command([empty]))).toEqual([empty]);
    expect(Array.from(await raw.command([0x88, 0x00]))).toEqual([0x88, 0x01]);
    expect(Array.from(await raw.command([0x88, 0x02]))).toEqual([0x88, 0x00]);
    expect(Array.from(await raw.command([0x8d, 0x01]))).toEqual([0x8d, 0x00]);
    // Inside DAP_ExecuteCommands each takes its own request length.
    expect(Array.from(await raw.command([0x7f, 3, 0x8d, 0x00, 0x85, 0x00, 0xfe]))).toEqual([
      0x7f, 3, 0x8d, 0x00, 0x85, 0x00, 1, 5,
    ]);
  });

  it('resets the target on ID_DAP_ResetTargetIfNoAutoReset (0x89)', async () => {
    const { raw } = await open();
    await raw.connectSwd();
    await raw.powerUp();
    await raw.readMem32(0xe000edf0); // reading DHCSR clears S_RESET_ST
    expect((await raw.readMem32(0xe000edf0)) & (1 << 25)).toBe(0);
    expect(Array.from(await raw.command([0x89]))).toEqual([0x89, 0x01]);
    expect((await raw.readMem32(0xe000edf0)) & (1 << 25)).toBe(1 << 25);
  });

  it('releases nRESET on DAP_Connect (PORT_SWD_SETUP drives it high) and DAP_Disconnect (PORT_OFF)', async () => {
    const { raw, probe } = await open();
    const runner = probe.target.chip.system.runner;
    await raw.command([0x10, 0x00, 0x80, ...le32(0)]);
    expect(runner.heldInReset).toBe(true);
    expect(Array.from(await raw.command([0x02, 0x01]))).toEqual([0x02, 0x01]);
    expect(runner.heldInReset).toBe(false);
    await raw.command([0x10, 0x00, 0x80, ...le32(0)]);
    expect(runner.heldInReset).toBe(true);
    expect(Array.from(await raw.command([0x03]))).toEqual([0x03, 0x00]);
    expect(runner.heldInReset).toBe(false);
  });

  it('never answers DAP_TransferAbort', async () => {
    const { raw } = await open();
    await raw.send([0x07]);
    expect(Array.from(await raw.command([0x00, 0xfe]))).toEqual([0x00, 1, 5]);
  });

  it('reports the nRESET pin through DAP_SWJ_Pins', async () => {
    const { raw, probe } = await open();
    expect((await raw.command([0x10, 0x00, 0x00, ...le32(0)]))[1] & 0x80).toBe(0x80);
    expect((await raw.command([0x10, 0x00, 0x80, ...le32(0)]))[1] & 0x80).toBe(0);
    expect(probe.target.chip.system.runner.heldInReset).toBe(true);
    expect((await raw.command([0x10, 0x80, 0x80, ...le32(100)]))[1] & 0x80).toBe(0x80);
    expect(probe.target.chip.system.runner.heldInReset).toBe(false);
  });

  it('gets no answer from the DP before the line reset, then only a DPIDR read', async () => {
    const { raw } = await open();
    await raw.command([0x02, 0x01]);
    expect(Array.from(await raw.command([0x05, 0x00, 0x01, 0x02]))).toEqual([0x05, 0x00, 0x07]);
    await raw.command([0x12, 56, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    await raw.command([0x12, 8, 0x00]);
    expect(Array.from(await raw.command([0x05, 0x00, 0x01, 0x06]))).toEqual([0x05, 0x00, 0x07]); // CTRL/STAT first
    expect(Array.from(await raw.command([0x05, 0x00, 0x01, 0x02]))).toEqual([
      0x05,
      0x01,
      0x01,
      ...le32(0x2ba01477),
    ]);
  });

  it('needs the JTAG-to-SWD sequence on the STM32F411 SWJ-DP', async () => {
    const probe = createSimulatedStm32f411Probe({ latency: 'zero' });
    const raw = new RawDap(probe.usbDevice);
    await raw.open();
    await raw.command([0x02, 0x01]);
    await raw.command([0x12, 56, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    await raw.command([0x12, 8, 0x00]);
    expect((await raw.command([0x05, 0x00, 0x01, 0x02]))[2]).toBe(0x07);
    await raw.connectSwd();
    expect(await raw.readDp(0x0)).toBe(0x2ba01477);
  });

  it('collects posted AP reads and checks the last write with RDBUFF', async () => {
    const { raw, probe } = await open();
    await raw.connectSwd();
    await raw.powerUp();
    await raw.writeMem32(0x20000000, 0xcafef00d);
    const before = probe.firmware.swdPackets;
    // SELECT 0; CSW; TAR; read DRW twice (posted) in one DAP_Transfer.
    const r = await raw.transfer([
      { request: 0x08, data: 0 },
      { request: 0x01, data: 0x23000012 },
      { request: 0x05, data: 0x20000000 },
      { request: 0x0f },
      { request: 0x0f },
    ]);
    expect(r).toEqual({ count: 5, ack: 1, words: [0xcafef00d, 0] });
    expect(probe.firmware.swdPackets - before).toBe(6); // 3 writes, 2 AP reads, 1 RDBUFF
  });

  it('retries WAIT up to the configured count', async () => {
    const { raw, probe } = await open();
    await raw.connectSwd();
    await raw.powerUp();
    probe.faults.swdAck('WAIT', 100);
    expect(await raw.readDp(0x0)).toBe(0x2ba01477); // 1 + 100 retries
    probe.faults.swdAck('WAIT', 101);
    expect(await raw.transfer([{ request: 0x02 }])).toEqual({ count: 0, ack: 2, words: [] });
  });

  it('matches values under a mask and reports a mismatch', async () => {
    const { raw } = await open();
    await raw.connectSwd();
    await raw.powerUp();
    await raw.command([0x04, 0x00, 0x64, 0x00, 0x03, 0x00]); // match retry 3
    const ok = await raw.transfer([
      { request: 0x20, data: 0xa0000000 },
      { request: 0x16, data: 0xa0000000 },
    ]);
    expect(ok).toEqual({ count: 2, ack: 1, words: [] });
    const miss = await raw.transfer([
      { request: 0x20, data: 0xffffffff },
      { request: 0x16, data: 0x12345678 },
    ]);
    expect(miss).toEqual({ count: 1, ack: 0x11, words: [] });
  });

  it('keeps several packets in flight and answers them in order', async () => {
    const { raw, probe } = await open();
    const ids = [0x01, 0x02, 0x04, 0x09, 0xfe];
    for (const id of ids) await raw.send([0x00, id]);
    let sixthSent = false;
    const sixth = raw.send([0x00, 0xff]).then(() => (sixthSent = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sixthSent).toBe(false); // all 5 packet buffers busy: the OUT transfer waits
    for (const id of ids) {
      const r = await raw.receive();
      expect(r[0]).toBe(0x00);
      expect(r.length).toBe(2 + r[1]);
      if (id === 0xfe) expect(r[2]).toBe(5);
    }
    await sixth;
    expect(Array.from(await raw.receive())).toEqual([0x00, 2, 0x40, 0x00]);
    expect(probe.target.usbTransfers).toBe(12);
  });

  it("accepts dapjs's short DAP_WriteABORT (one value byte, the rest from the packet buffer)", async () => {
    const { raw, probe } = await open();
    await raw.connectSwd();
    await raw.powerUp();
    probe.faults.swdAck('FAULT');
    expect((await raw.transfer([{ request: 0x02 }])).ack).toBe(4);
    expect((await raw.readDp(0x4)) & 0x20).toBe(0x20);
    expect(Array.from(await raw.command([0x08, 0x00, 0x1e]))).toEqual([0x08, 0x00]);
    expect((await raw.readDp(0x4)) & 0x20).toBe(0);
  });
});
