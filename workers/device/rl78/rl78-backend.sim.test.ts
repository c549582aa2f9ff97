import { describe, expect, it } from 'vitest';
import { checksum } from '../../../src/core/checksum';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { lcgBytes } from '../testing';
import { sumRl78 } from './rl78-blocks';
import { rl78Rig } from './testing';

const pattern = (size: number, seed = 1): Uint8Array => lcgBytes(size, seed);

describe('Rl78Backend against the simulated RL78', { timeout: 60_000 }, () => {
  it('connects: signature name, regions Code Flash and Data Flash, security shown', async () => {
    const { rl78 } = rl78Rig();
    const c = await rl78.connect();
    expect(c.target.name).toBe('R5F100LE');
    expect(c.regions.map((r) => [r.name, r.base, r.size])).toEqual([
      ['Code Flash', 0, 0x10000],
      ['Data Flash', 0xf1000, 0x1000],
    ]);
    expect(c.target.additional.join('\n')).toMatch(/RL78\/G13/);
    expect(c.target.additional.join('\n')).toMatch(/Security: none set/);
  });

  it('flashes 64 KiB over old data at 1 MBd with no round trip beyond the lock-step protocol and its skip probes', async () => {
    const { sim, rl78 } = rl78Rig({ setBaudRate: true }, { baud: 1_000_000 });
    sim.flash.load(0, new Uint8Array(0x10000).fill(0x5a));
    const { regions } = await rl78.connect();
    const image = new MemoryImage(regions);
    image.writeAt(0, pattern(0x10000));
    const frames = { host: 0 };
    const write = sim.write.bind(sim);
    sim.write = (bytes: Uint8Array) => (frames.host++, write(bytes));
    const t0 = sim.clock.now();
    expect(await rl78.flash(image, { allowWrites: true })).toMatchObject({
      erasedBlocks: 64,
      verified: true,
    });
    // One blank check of the run, a checksum probe and an erase per block, one Programming command
    // with 256 data frames, one checksum over the image: each one host write, one round trip.
    expect(frames.host).toBe(1 + 64 + 64 + 1 + 256 + 1);
    // Modeled: a CP2102 round trip is ≥ 4.5 ms (USB frame + receive timeout), the wire and the
    // chip's erase/program times add ≈ 1.1 s; 387 round trips must not take much more than that.
    const seconds = sim.clock.now() - t0;
    expect(seconds).toBeGreaterThan(387 * 0.0045);
    expect(seconds).toBeLessThan(387 * 0.0045 + 1.3);
  });

  it('two-wire with RESET on RTS; an RL78/G14 and a part not in the table', async () => {
    const { rl78 } = rl78Rig({ wiring: 'two-wire', reset: 'rts', chip: 'R5F104LE' });
    expect((await rl78.connect()).target.additional[0]).toMatch(/RL78\/G14/);
    const other = rl78Rig({ chip: 'R5F100GJ' }).rl78;
    const c = await other.connect();
    expect(c.regions[0].size).toBe(256 * 1024);
    expect(c.regions[1].size).toBe(8 * 1024);
  });

  it('flashes 60 KiB, skips unchanged blocks on a second flash, verifies by chip checksum', async () => {
    const { sim, rl78 } = rl78Rig();
    const { regions } = await rl78.connect();
    const image = new MemoryImage(regions);
    const data = pattern(60 * 1024);
    image.writeAt(0, data);
    const first = await rl78.flash(image, { allowWrites: true });
    expect(first).toMatchObject({ bytesWritten: 60 * 1024, skippedBlocks: 0, verified: true });
    expect(sim.flash.code.subarray(0, data.length)).toEqual(data);
    await rl78.verify(image);
    const again = await rl78.flash(image, { allowWrites: true });
    expect(again).toMatchObject({ bytesWritten: 0, skippedBlocks: 60 });
  });

  it('a block changed with its sum kept (two bytes swapped) is found by the chip’s Verify and written; nothing else is', async () => {
    const { sim, rl78 } = rl78Rig();
    const old = pattern(8 * 1024, 3);
    // A version string "v1.2" in block 3, in its second 256-byte frame (the Verify over the
    // run of 8 same-sum blocks then reports the difference mid-command and must run on).
    const at = 3 * 1024 + 0x120;
    old.set([0x76, 0x31, 0x2e, 0x32], at);
    sim.flash.load(0, old);
    const { regions } = await rl78.connect();
    const image = new MemoryImage(regions);
    const next = old.slice();
    next.set([0x76, 0x32, 0x2e, 0x31], at); // "v2.1": '1' and '2' swapped
    image.writeAt(0, next);
    const block = (bytes: Uint8Array, n: number) => bytes.subarray(n * 1024, n * 1024 + 1024);
    expect(sumRl78(block(next, 3))).toBe(sumRl78(block(old, 3)));
    expect(block(next, 3)).not.toEqual(block(old, 3));

    const report = await rl78.flash(image, { allowWrites: true });
    expect(report).toMatchObject({ bytesWritten: 1024, erasedBlocks: 1, skippedBlocks: 7, verified: true });
    expect(sim.flash.code.subarray(0, next.length)).toEqual(next);
    expect(sim.firmware?.stats.blocksErased).toBe(1);
    await rl78.verifySegment(image, 3 * 1024, 1024); // the chip compares every byte

    // The identical image again: the session knows every block (Verify found 7 equal, 1 was
    // written), so nothing is written.
    const again = await rl78.flash(image, { allowWrites: true });
    expect(again).toMatchObject({ bytesWritten: 0, erasedBlocks: 0, skippedBlocks: 8, verified: true });
    expect(sim.firmware?.stats.blocksErased).toBe(1);
    expect(sim.flash.code.subarray(0, next.length)).toEqual(next);
  });

  it('verify_segment names the first differing 256 bytes and leaves the link ready for the next command', async () => {
    const { sim, rl78 } = rl78Rig();
    const data = pattern(1024, 5);
    sim.flash.load(0x800, data);
    const { regions } = await rl78.connect();
    const image = new MemoryImage(regions);
    const other = data.slice();
    [other[0x110], other[0x111]] = [other[0x111], other[0x110]];
    image.writeAt(0x800, other);
    expect(other[0x110]).not.toBe(other[0x111]);
    const writes = { host: 0 };
    const write = sim.write.bind(sim);
    sim.write = (bytes: Uint8Array) => (writes.host++, write(bytes));
    // The second of four frames differs: the command still runs to its last frame (the
    // command frame and all four data frames are sent).
    await expect(rl78.verifySegment(image, 0x800, 1024)).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      address: 0x900,
      message: /^Verify failed at 0x0*900/,
    });
    expect(writes.host).toBe(1 + 4);
    image.writeAt(0x800, data);
    await rl78.verifySegment(image, 0x800, 1024);
    await rl78.blankCheck({}, 'Data Flash');
  });

  it('the chip checksum of every block and sub-block equals sum_rl78 of the bytes', async () => {
    const { sim, rl78 } = rl78Rig();
    sim.flash.load(0, pattern(8192, 7));
    await rl78.connect();
    const sums = await rl78.readChecksums();
    expect(sums).toHaveLength(68);
    for (const b of sums) {
      const area = b.address >= 0xf1000 ? sim.flash.dataFlash : sim.flash.code;
      const offset = b.address >= 0xf1000 ? b.address - 0xf1000 : b.address;
      expect(b.baseChecksum).toBe(checksum('sum16-rl78', area.subarray(offset, offset + 1024)).value);
      expect(b.subChecksums).toHaveLength(4);
      b.subChecksums.forEach((s, i) =>
        expect(s).toBe(checksum('sum16-rl78', area.subarray(offset + i * 256, offset + i * 256 + 256)).value),
      );
    }
    expect(sums[66].baseChecksum).toBe(0x0400); // an erased data flash block
  });

  it('blank_check names the first non-blank block; erase_blocks erases only that region', async () => {
    const { sim, rl78 } = rl78Rig();
    sim.flash.load(0x4000, Uint8Array.of(0));
    sim.flash.load(0xf1400, Uint8Array.of(0));
    await rl78.connect();
    await expect(rl78.blankCheck()).rejects.toMatchObject({
      code: 'NOT_BLANK',
      message: /^Block 16 not blanked/,
    });
    await expect(rl78.eraseBlocks({})).rejects.toMatchObject({ code: 'WRITES_NOT_ALLOWED' });
    expect(await rl78.eraseBlocks({ allowWrites: true })).toMatchObject({ erasedBlocks: 1 });
    await rl78.blankCheck();
    await expect(rl78.blankCheck({}, 'Data Flash')).rejects.toMatchObject({
      message: /^Block 65 not blanked/,
    });
    expect(sim.firmware?.stats.blocksErased).toBe(1);
  });

  it('write_no_blank keeps NOR rules: 0 over 1 works, 1 over 0 shows at verify', async () => {
    const { rl78 } = rl78Rig();
    const { regions } = await rl78.connect();
    const image = new MemoryImage(regions);
    image.writeAt(0x400, Uint8Array.of(0xf0, 0x0f));
    await rl78.write(image, { allowWrites: true });
    await expect(rl78.write(image, { allowWrites: true })).rejects.toMatchObject({
      message: /^Block 1 not blanked/,
    });
    image.writeAt(0x400, Uint8Array.of(0x00));
    await rl78.writeNoBlank(image, { allowWrites: true });
    await rl78.verify(image);
    image.writeAt(0x401, Uint8Array.of(0xff));
    await rl78.writeNoBlank(image, { allowWrites: true });
    await expect(rl78.verify(image)).rejects.toMatchObject({ code: 'VERIFY_FAILED', address: 0x400 });
  });

  it('refuses a protected chip clearly, and sets/releases security only after two confirmations', async () => {
    const { sim, rl78 } = rl78Rig({ securityFlags: 0xef });
    const { regions } = await rl78.connect();
    expect(rl78.targetInfo().additional.join('\n')).toMatch(/programming prohibited/);
    const image = new MemoryImage(regions);
    image.writeAt(0x1000, pattern(1024));
    await expect(rl78.flash(image, { allowWrites: true })).rejects.toMatchObject({
      code: 'DEVICE_LOCKED',
      message: /protect error/,
    });
    const asked: string[] = [];
    await expect(
      rl78.securityRelease({ allowWrites: true, confirm: async (m) => (asked.push(m), asked.length < 2) }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(sim.flash.security.flags).toBe(0xef);
    const released = await rl78.securityRelease({
      allowWrites: true,
      confirm: async (m) => (asked.push(m), true),
    });
    expect(released.programmingProhibited).toBe(false);
    await rl78.flash(image, { allowWrites: true });
    const messages: string[] = [];
    await rl78.securitySet(
      { bootCluster: true },
      { allowWrites: true, confirm: async (m) => (messages.push(m), true) },
    );
    expect(messages[1]).toMatch(/can never again be erased or reprogrammed/);
    expect((await rl78.securityGet()).bootClusterProhibited).toBe(true);
  });

  it('reads are not supported (the boot firmware has no read command)', async () => {
    const { rl78 } = rl78Rig();
    const { regions } = await rl78.connect();
    await expect(rl78.read(new MemoryImage(regions))).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
  });

  it('a lost echo, a noise byte, a wrong baud and an unplug give clear errors; the next attempt works', async () => {
    const { sim, rl78 } = rl78Rig();
    sim.faults.noEcho = true;
    await expect(rl78.connect()).rejects.toMatchObject({ code: 'DEVICE_PROTOCOL', message: /No echo/ });
    sim.faults.noEcho = false;
    const { regions } = await rl78.connect();

    sim.faults.noiseByte();
    await rl78.blankCheck(); // a stray byte before a frame is skipped

    const image = new MemoryImage(regions);
    image.writeAt(0, pattern(16 * 1024));
    sim.faults.unplugAfter('to-device', 3000);
    await expect(rl78.flash(image, { allowWrites: true })).rejects.toMatchObject({ code: 'DEVICE_LOST' });
    sim.plug();
    const report = await rl78.flash(image, { allowWrites: true });
    expect(report.verified).toBe(true);
    expect(sim.flash.code.subarray(0, 16 * 1024)).toEqual(image.readAt(0, 16 * 1024));
  });

  it('higher baud rates change the port in place; a chip that stays at 115200 is a clear error', async () => {
    const { sim, rl78 } = rl78Rig({ setBaudRate: true }, { baud: 1_000_000 });
    await rl78.connect();
    expect(sim.baudRate).toBe(1_000_000);
    expect(rl78.targetInfo().additional.join('\n')).toMatch(/1000000 Bd/);
    sim.faults.stuckBaud = true;
    await expect(rl78.connect()).rejects.toMatchObject({ message: /does not answer at that rate/ });
    sim.faults.stuckBaud = false;
    await rl78.connect();
    // Without in-place rate change (Chrome's Web Serial) 115200 is used, and said.
    const plain = rl78Rig({}, { baud: 1_000_000 }).rl78;
    await plain.connect();
    expect(plain.targetInfo().additional.join('\n')).toMatch(/115200 Bd is used/);
  });

  it('works paced to modeled time (the app’s realistic latency)', async () => {
    const { sim, rl78 } = rl78Rig({ latency: 'real' }, { timeoutMs: 2000 });
    const { regions } = await rl78.connect();
    const image = new MemoryImage(regions);
    image.writeAt(0xf1000, pattern(1024));
    const wall = performance.now();
    const report = await rl78.flash(image, { allowWrites: true });
    expect(report.verified).toBe(true);
    expect(sim.flash.dataFlash.subarray(0, 1024)).toEqual(pattern(1024));
    // 1 KiB at 115200 Bd takes ≥ 90 ms on the wire; paced, the host waits for it.
    expect(performance.now() - wall).toBeGreaterThan(80);
  });
});
