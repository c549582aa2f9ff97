import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit } from './index';
import { RawDap } from './testing/raw-dap';
import { resolveLatency, VirtualClock } from './clock';
import { NRF52833_TIMINGS } from './chips/timing-profiles';

describe('virtual clock', () => {
  it('advances only forward', () => {
    const clock = new VirtualClock();
    clock.advance(10);
    clock.advance(-5);
    clock.advanceTo(3);
    expect(clock.nowUs).toBe(10);
    expect(resolveLatency('zero').usbRoundTripUs).toBe(0);
  });

  it('charges one USB round trip per command with a DAPLink profile, none with zero latency', async () => {
    for (const [latency, perCommandMs] of [
      ['daplink', 1.5],
      ['zero', 0],
    ] as const) {
      const probe = createSimulatedMicrobit('v2', { latency });
      const raw = new RawDap(probe.usbDevice);
      await raw.open();
      for (let i = 0; i < 10; i++) await raw.command([0x00, 0xfe]);
      expect(probe.clock.elapsedMs).toBeCloseTo(10 * perCommandMs, 6);
    }
  });

  it('overlaps round trips when several commands are in flight', async () => {
    const probe = createSimulatedMicrobit('v2');
    const raw = new RawDap(probe.usbDevice);
    await raw.open();
    for (let i = 0; i < 5; i++) await raw.send([0x00, 0xfe]);
    for (let i = 0; i < 5; i++) await raw.receive();
    expect(probe.clock.elapsedMs).toBeCloseTo(1.5, 6);
  });

  it('charges SWD bits at the probe clock and keeps NVMC READY low for the erase time', async () => {
    const probe = createSimulatedMicrobit('v2');
    const raw = new RawDap(probe.usbDevice);
    await raw.open();
    await raw.connectSwd();
    await raw.powerUp();
    await raw.writeMem32(0x4001e504, 2); // CONFIG = erase enable
    await raw.writeMem32(0x4001e508, 0x1000); // ERASEPAGE
    const start = probe.clock.nowMs;
    let polls = 0;
    while ((await raw.readMem32(0x4001e400)) === 0) polls++;
    const took = probe.clock.nowMs - start;
    const eraseMs = NRF52833_TIMINGS.typical.pageEraseUs / 1000; // the default profile: typical
    expect(took).toBeGreaterThanOrEqual(eraseMs);
    expect(took).toBeLessThan(eraseMs + 10);
    expect(polls).toBeGreaterThan(1); // each poll is three commands: the 20 ms outlast several
  });

  it('paces responses on the wall clock when asked', async () => {
    const probe = createSimulatedMicrobit('v2', { paceWallClock: true });
    const raw = new RawDap(probe.usbDevice);
    await raw.open();
    const start = Date.now();
    for (let i = 0; i < 10; i++) await raw.command([0x00, 0xfe]);
    expect(Date.now() - start).toBeGreaterThanOrEqual(14);
  });

  it('paces from when the host starts, not from modeled time spent before the session', async () => {
    const probe = createSimulatedMicrobit('v2', { paceWallClock: true });
    probe.clock.hostUs = probe.clock.nowUs = 10_000_000; // 10 s of earlier modeled time
    const raw = new RawDap(probe.usbDevice);
    await raw.open();
    const start = Date.now();
    for (let i = 0; i < 10; i++) await raw.command([0x00, 0xfe]);
    const took = Date.now() - start;
    expect(took).toBeGreaterThanOrEqual(14);
    expect(took).toBeLessThan(5000);
  });

  it('does not bank wall time the host spent idle: later commands are paced again', async () => {
    const probe = createSimulatedMicrobit('v2', { paceWallClock: true });
    const raw = new RawDap(probe.usbDevice);
    await raw.open();
    await raw.command([0x00, 0xfe]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const start = Date.now();
    for (let i = 0; i < 10; i++) await raw.command([0x00, 0xfe]);
    // Pacing starts over at the first command after the pause: nine more round trips of 1.5 ms.
    expect(Date.now() - start).toBeGreaterThanOrEqual(12);
  });
});
