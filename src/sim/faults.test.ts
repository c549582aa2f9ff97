import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe, installSimulatedUsb } from './index';
import { nrfNvmcPage, stm32f4Sector } from './chips/test-programs/programs';
import {
  connectDapjs,
  CoreReg,
  readWords,
  Reg,
  resetAndHalt,
  runToHalt,
  writeWords,
} from './testing/dapjs-session';
import { le32, RawDap } from './testing/raw-dap';

const DP_CTRL_STAT = 0x4;

describe('faults on demand: what the host sees', () => {
  it('unplug at the Nth USB transfer: the transfer fails, the device is gone, navigator.usb says so', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const scope: { navigator?: object } = {};
    const usb = installSimulatedUsb(scope, [probe.usbDevice]);
    await usb.requestDevice({ filters: [{ vendorId: 0x0d28 }] });
    const events: string[] = [];
    usb.addEventListener('disconnect', (e) =>
      events.push(`${e.type}:${(e as Event & { device: USBDevice }).device.serialNumber}`),
    );
    const raw = new RawDap(probe.usbDevice);
    await raw.open();
    probe.faults.unplugAtTransfer(3);
    await raw.command([0x00, 0x01]);
    await expect(raw.command([0x00, 0x02])).rejects.toMatchObject({
      name: 'NetworkError',
      message: 'A transfer error has occurred.',
    });
    expect(probe.usbDevice.opened).toBe(false);
    await expect(raw.command([0x00, 0x02])).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(events).toEqual([`disconnect:${probe.usbDevice.serialNumber}`]);
    expect(await usb.getDevices()).toEqual([]);
    await expect(probe.usbDevice.open()).rejects.toMatchObject({ name: 'NotFoundError' });
    probe.plug();
    expect(await usb.getDevices()).toEqual([probe.usbDevice]);
  });

  it('unplug when flash programming reaches an address: the flash is left half written', async () => {
    const probe = createSimulatedMicrobit('v1', { latency: 'zero' });
    const { cortex } = await connectDapjs(probe.usbDevice);
    await resetAndHalt(cortex);
    await writeWords(
      cortex,
      0x20001000,
      Uint32Array.from({ length: 256 }, (_, i) => i),
    );
    probe.faults.unplugOnWrite(0x3fc00 + 4 * 100);
    await expect(
      runToHalt(cortex, 0x20000000, nrfNvmcPage, {
        [CoreReg.R0]: 0x3fc00,
        [CoreReg.R1]: 0x20001000,
        [CoreReg.R2]: 256,
        [CoreReg.R3]: 1,
      }),
    ).rejects.toMatchObject({ name: 'NotFoundError' }); // dapjs's clearAbort after the failed transfer
    const flash = new Uint32Array(probe.target.readMemory(0x3fc00, 1024).buffer);
    expect(flash[99]).toBe(99);
    expect(flash[100]).toBe(100); // the write at the address happened, then the cable went
    expect(flash[255]).toBe(0xffffffff);
  });

  it('NO_ACK: dapjs reports it; a lost line sync needs a line reset (reconnect)', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const { adi } = await connectDapjs(probe.usbDevice);
    // dapjs checks the transfer count first: a failed first transfer reads as a count mismatch.
    probe.faults.swdAck('NO_ACK');
    await expect(adi.readDP(0)).rejects.toThrow('Transfer count mismatch');
    expect((await adi.readDP(0)) >>> 0).toBe(0x2ba01477);
    probe.faults.loseSwdSync();
    await expect(adi.readDP(0)).rejects.toThrow('Transfer count mismatch');
    await expect(adi.readDP(0)).rejects.toThrow('Transfer count mismatch');
    await adi.reconnect();
    expect((await adi.readDP(0)) >>> 0).toBe(0x2ba01477);
  });

  it('WAIT: retried by the probe, reported once the retries run out', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const { adi } = await connectDapjs(probe.usbDevice);
    probe.faults.swdAck('WAIT', 50);
    expect((await adi.readDP(0)) >>> 0).toBe(0x2ba01477);
    probe.faults.swdAck('WAIT', 200);
    await expect(adi.readDP(0)).rejects.toThrow('Transfer count mismatch');
  });

  it('FAULT: reported, STICKYERR set until ABORT clears it', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const { adi } = await connectDapjs(probe.usbDevice);
    probe.faults.swdAck('FAULT');
    await expect(adi.readMem32(Reg.CPUID)).rejects.toThrow('Transfer count mismatch');
    // dapjs's clearAbort wrote ABORT after the failure.
    expect((await adi.readDP(DP_CTRL_STAT)) & 0x20).toBe(0);
    probe.faults.swdAck('FAULT');
    const raw = new RawDap(probe.usbDevice);
    Object.assign(raw, { outEndpoint: 4, inEndpoint: 5, interfaceNumber: 5 });
    expect((await raw.command([0x05, 0x00, 0x01, 0x02]))[2]).toBe(4);
    expect((await raw.readDp(DP_CTRL_STAT)) & 0x20).toBe(0x20);
  });

  it('a stale response in the pipe: dapjs sees "Bad response", draining with DAP_Info recovers', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const { dap, adi } = await connectDapjs(probe.usbDevice);
    expect((await adi.readDP(0)) >>> 0).toBe(0x2ba01477);
    probe.faults.staleResponse();
    // dapjs reads the stale DAP_Transfer reply, throws, then its clearAbort gets the DAP_Info reply.
    await expect(dap.dapInfo(0x04)).rejects.toThrow('Bad response for 8 -> 0');
    // Now every response is one late; read until a DAP_Info answer matches its request.
    const raw = new RawDap(probe.usbDevice);
    Object.assign(raw, { outEndpoint: 4, inEndpoint: 5, interfaceNumber: 5 });
    let r = await raw.command([0x00, 0xfe]);
    let drained = 0;
    while (!(r[0] === 0x00 && r[1] === 1 && r[2] === 5)) {
      drained++;
      r = await raw.receive();
    }
    expect(drained).toBeGreaterThan(0);
    expect(Array.from(await raw.command([0x00, 0xff]))).toEqual([0x00, 2, 0x40, 0x00]);
  });

  it('a stale response survives a close and reopen (DAPLink issue #1089)', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const raw = new RawDap(probe.usbDevice);
    await raw.open();
    await raw.send([0x00, 0x02]); // sent, never read
    await probe.usbDevice.close();
    await raw.open();
    const r = await raw.command([0x00, 0xfe]);
    expect(Array.from(r)).toEqual([0x00, 8, ...new TextEncoder().encode('DAPLink'), 0]); // the product name, not the packet count
  });

  it('a flash controller error: STM32 SR shows WRPERR and the sector keeps its old data', async () => {
    const old = new Uint8Array(1024).fill(0x0f);
    const probe = createSimulatedStm32f411Probe({
      latency: 'zero',
      flash: [{ address: 0x08004000, data: old }],
    });
    const { cortex } = await connectDapjs(probe.usbDevice);
    await resetAndHalt(cortex);
    await writeWords(
      cortex,
      0x20001000,
      Uint32Array.from({ length: 16 }, () => 0xf0f0f0ff),
    );
    probe.faults.flashError('WRPERR');
    await runToHalt(cortex, 0x20000000, stm32f4Sector, {
      [CoreReg.R0]: 1,
      [CoreReg.R1]: 0x08004000,
      [CoreReg.R2]: 0x20001000,
      [CoreReg.R3]: 16,
      [CoreReg.R4]: 1,
    });
    expect((await cortex.readCoreRegister(CoreReg.R0)) & 0x10).toBe(0x10); // SR.WRPERR
    const words = await readWords(cortex, 0x08004000, 16);
    expect(Array.from(words)).toEqual(Array(16).fill(0x0f0f0f0f & 0xf0f0f0ff)); // AND of old and new
  });

  it('a target held in reset: nRESET reads low, memory faults, the SCS answers, the CPU stands still', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const { cortex, dap } = await connectDapjs(probe.usbDevice);
    probe.faults.holdInReset(true);
    expect((await dap.swjPins(0, 0, 0)) & 0x80).toBe(0);
    await expect(cortex.readMem32(0x20000000)).rejects.toThrow('Transfer response FAULT');
    await cortex.writeDP(0x0, 0x1e);
    expect((await cortex.readMem32(Reg.CPUID)) >>> 0).toBe(0x410fc241);
    const executed = probe.target.instructions;
    await cortex.readMem32(Reg.DHCSR);
    expect(probe.target.instructions).toBe(executed);
    probe.faults.holdInReset(false);
    expect((await cortex.readMem32(Reg.DHCSR)) & (1 << 25)).toBe(1 << 25); // S_RESET_ST
    expect((await dap.swjPins(0, 0, 0)) & 0x80).toBe(0x80);
  });

  it('claimInterface fails while another program owns the probe', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    probe.faults.claimedElsewhere(true);
    await expect(connectDapjs(probe.usbDevice)).rejects.toMatchObject({
      name: 'NetworkError',
      message: 'Unable to claim interface.',
    });
  });
});

describe('locked (read-protected) chips', () => {
  it('nRF52833 with APPROTECT: AHB-AP disabled, CTRL-AP ERASEALL and reset unlock it', async () => {
    const image = new Uint8Array(4096).fill(0x42);
    const probe = createSimulatedMicrobit('v2', {
      latency: 'zero',
      locked: true,
      flash: [{ address: 0, data: image }],
    });
    const raw = new RawDap(probe.usbDevice);
    await raw.open();
    await raw.connectSwd();
    await raw.powerUp();
    expect((await raw.readAp(0, 0x00)) & 0x40).toBe(0); // CSW.DeviceEn = 0
    await expect(raw.readMem32(0x0)).rejects.toThrow('ack 4');
    await raw.writeDp(0x0, 0x1e);
    expect(await raw.readAp(1, 0xfc)).toBe(0x02880000);
    expect(await raw.readAp(1, 0x0c)).toBe(0); // APPROTECTSTATUS: protected
    await raw.writeAp(1, 0x04, 1); // ERASEALL
    let polls = 0;
    while ((await raw.readAp(1, 0x08)) !== 0) polls++;
    await raw.writeAp(1, 0x00, 1);
    await raw.writeAp(1, 0x00, 0);
    expect(await raw.readAp(1, 0x0c)).toBe(1);
    expect(await raw.readMem32(0x0)).toBe(0xffffffff);
    expect(probe.target.locked).toBe(false);
    expect(polls).toBeGreaterThanOrEqual(0);
  });

  it('nRF51822 with RBPCONF.PALL: code flash and RAM fault, NVMC ERASEALL and reset unlock it', async () => {
    const probe = createSimulatedMicrobit('v1', { latency: 'zero', locked: true, bulk: true });
    const raw = new RawDap(probe.usbDevice);
    await raw.open();
    await raw.connectSwd();
    await raw.powerUp();
    await expect(raw.readMem32(0x0)).rejects.toThrow('ack 4');
    await raw.writeDp(0x0, 0x1e);
    expect(await raw.readMem32(0x10000010)).toBe(0x400); // FICR still readable
    await raw.writeMem32(0x4001e504, 2);
    await raw.writeMem32(0x4001e50c, 1);
    while ((await raw.readMem32(0x4001e400)) === 0);
    await raw.writeMem32(0xe000ed0c, 0x05fa0004);
    expect(probe.target.locked).toBe(false);
    expect(await raw.readMem32(0x0)).toBe(0xffffffff);
  });

  it('STM32F411 at RDP level 1: flash faults, RAM works, RDP back to 0xAA mass-erases', async () => {
    const probe = createSimulatedStm32f411Probe({
      latency: 'zero',
      locked: true,
      flash: [{ address: 0x08000000, data: new Uint8Array(64).fill(0x11) }],
    });
    const raw = new RawDap(probe.usbDevice);
    await raw.open();
    await raw.connectSwd();
    await raw.powerUp();
    await expect(raw.readMem32(0x08000000)).rejects.toThrow('ack 4');
    await raw.writeDp(0x0, 0x1e);
    await raw.writeMem32(0x20000000, 0x55aa55aa);
    expect(await raw.readMem32(0x20000000)).toBe(0x55aa55aa);
    await raw.writeMem32(0x40023c08, 0x08192a3b); // OPTKEYR
    await raw.writeMem32(0x40023c08, 0x4c5d6e7f);
    await raw.writeMem32(0x40023c14, 0x0fffaaec); // RDP = 0xAA
    await raw.writeMem32(0x40023c14, 0x0fffaaee); // | OPTSTRT
    while ((await raw.readMem32(0x40023c0c)) & 0x10000);
    expect(probe.target.locked).toBe(false);
    expect(await raw.readMem32(0x08000000)).toBe(0xffffffff);
  });
});

describe('raw packets helper sanity', () => {
  it('encodes little-endian words', () => {
    expect(le32(0x12345678)).toEqual([0x78, 0x56, 0x34, 0x12]);
  });
});
