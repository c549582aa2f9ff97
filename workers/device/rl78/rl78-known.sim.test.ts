import { describe, expect, it } from 'vitest';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { Command, SOH, STX, type SimulatedRl78Board } from '../../../src/sim/rl78';
import { lcgBytes } from '../testing';
import { sumRl78 } from './rl78-blocks';
import { rl78Rig } from './testing';

/** A command frame the host sent: its code and, when it has one, its first address. */
interface SentCommand {
  code: number;
  address?: number;
}

/** Records the command frames the host sends to the simulated chip from now on (off the wire). */
function commandsOnTheWire(sim: SimulatedRl78Board) {
  const sent: SentCommand[] = [];
  const pending: number[] = [];
  const write = sim.write.bind(sim);
  sim.write = (bytes: Uint8Array) => {
    pending.push(...bytes);
    for (;;) {
      while (pending.length > 0 && pending[0] !== SOH && pending[0] !== STX) pending.shift();
      if (pending.length < 2) break;
      const len = pending[1] === 0 ? 256 : pending[1];
      if (pending.length < len + 4) break;
      const frame = pending.splice(0, len + 4);
      if (frame[0] !== SOH) continue;
      sent.push({
        code: frame[2],
        address: len >= 4 ? frame[3] | (frame[4] << 8) | (frame[5] << 16) : undefined,
      });
    }
    return write(bytes);
  };
  return {
    sent,
    count: (code: number) => sent.filter((c) => c.code === code).length,
    at: (code: number) => sent.filter((c) => c.code === code).map((c) => c.address),
    clear: () => void sent.splice(0),
  };
}

const KIB = 1024;
const block = (bytes: Uint8Array, n: number) => bytes.subarray(n * KIB, (n + 1) * KIB);

/** A simulated RL78, connected and flashed with `data` at 0: the rig, its regions and the image. */
async function flashedWith(data: Uint8Array) {
  const rig = rl78Rig();
  const { regions } = await rig.rl78.connect();
  const image = new MemoryImage(regions);
  image.writeAt(0, data);
  await rig.rl78.flash(image, { allowWrites: true });
  return { ...rig, regions, image };
}

describe('RL78 flash with the session’s known block contents', { timeout: 60_000 }, () => {
  it('re-flashing an unchanged 64 KiB image in the same session sends no command but one Reset', async () => {
    const { sim, rl78 } = rl78Rig();
    sim.flash.load(0, new Uint8Array(0x10000).fill(0x5a));
    const { regions } = await rl78.connect();
    const image = new MemoryImage(regions);
    image.writeAt(0, lcgBytes(0x10000, 1));
    expect(await rl78.flash(image, { allowWrites: true })).toMatchObject({ bytesWritten: 0x10000 });

    const wire = commandsOnTheWire(sim);
    const erasedBefore = sim.firmware?.stats.blocksErased;
    const t0 = sim.clock.now();
    const again = await rl78.flash(image, { allowWrites: true });
    const seconds = sim.clock.now() - t0;
    expect(again).toMatchObject({ bytesWritten: 0, erasedBlocks: 0, skippedBlocks: 64, verified: true });
    expect(wire.count(Command.verify)).toBe(0);
    expect(wire.count(Command.checksum)).toBe(0);
    // Only the one Reset command that checks the chip is still in this session's programming mode.
    expect(wire.sent).toEqual([{ code: Command.reset, address: undefined }]);
    expect(sim.firmware?.stats.blocksErased).toBe(erasedBefore);
    // Modeled time at 115200 Bd (sending the image for Verify alone would take ≈ 7 s).
    expect(seconds).toBeLessThan(0.5);
    expect(sim.flash.code).toEqual(image.readAt(0, 0x10000));
  });

  it('two bytes swapped in one block (same sum) after a flash: that block alone is erased and written, no Verify', async () => {
    const old = lcgBytes(8 * KIB, 3);
    const at = 5 * KIB + 0x2f0;
    old.set([0x31, 0x32], at);
    const { sim, rl78, image } = await flashedWith(old);

    const next = old.slice();
    next.set([0x32, 0x31], at);
    expect(sumRl78(block(next, 5))).toBe(sumRl78(block(old, 5)));
    image.writeAt(0, next);
    const wire = commandsOnTheWire(sim);
    const report = await rl78.flash(image, { allowWrites: true });
    expect(report).toMatchObject({ bytesWritten: KIB, erasedBlocks: 1, skippedBlocks: 7, verified: true });
    expect(wire.count(Command.verify)).toBe(0);
    expect(wire.count(Command.blockBlankCheck)).toBe(0);
    expect(wire.at(Command.blockErase)).toEqual([5 * KIB]);
    expect(wire.at(Command.programming)).toEqual([5 * KIB]);
    // The one Checksum is the check after programming, over the block written.
    expect(wire.at(Command.checksum)).toEqual([5 * KIB]);
    expect(sim.flash.code.subarray(0, next.length)).toEqual(next);
    await rl78.verifySegment(image, 0, 8 * KIB); // the chip compares every byte
  });

  it('after a reconnect nothing is known: the re-flash asks the chip (checksum and Verify) and stays exact', async () => {
    const old = lcgBytes(8 * KIB, 4);
    const { sim, rl78, image } = await flashedWith(old);

    await rl78.connect(); // a new session
    const wire = commandsOnTheWire(sim);
    expect(await rl78.flash(image, { allowWrites: true })).toMatchObject({
      bytesWritten: 0,
      skippedBlocks: 8,
    });
    expect(wire.count(Command.checksum)).toBe(8);
    expect(wire.count(Command.verify)).toBe(1);

    // Disconnected, then flashed (the flash connects): a same-sum change is still found by Verify.
    await rl78.disconnect();
    const next = old.slice();
    [next[2 * KIB + 7], next[2 * KIB + 8]] = [old[2 * KIB + 8], old[2 * KIB + 7]];
    expect(next).not.toEqual(old);
    image.writeAt(0, next);
    wire.clear();
    expect(await rl78.flash(image, { allowWrites: true })).toMatchObject({
      bytesWritten: KIB,
      erasedBlocks: 1,
      skippedBlocks: 7,
    });
    expect(wire.count(Command.verify)).toBe(1);
    expect(wire.at(Command.programming)).toEqual([2 * KIB]);
    expect(sim.flash.code.subarray(0, next.length)).toEqual(next);
  });

  it('write_no_blank over known contents knows the result, old AND new: the flash of that image sends no command for it', async () => {
    const data = lcgBytes(8 * KIB, 5);
    const { sim, rl78, regions, image } = await flashedWith(data);

    // Without erase over block 2 (two units of it) and all of block 6: the chip ANDs the bytes.
    const over = new MemoryImage(regions);
    over.writeAt(2 * KIB + 0x100, lcgBytes(0x200, 15));
    over.writeAt(6 * KIB, lcgBytes(KIB, 16));
    const wire = commandsOnTheWire(sim);
    expect(await rl78.writeNoBlank(over, { allowWrites: true })).toMatchObject({
      bytesWritten: 3 * 0x100 * 2,
    });
    expect(wire.sent.map((c) => c.code)).toEqual([Command.programming, Command.programming]);
    const and = data.map((x, i) => x & over.readAt(i, 1)[0]);
    expect(and).not.toEqual(data);
    // What the simulated chip holds is old AND new, byte for byte.
    expect(sim.flash.code.subarray(0, and.length)).toEqual(and);

    // Flashing that image: every block known equal, so only the Reset that checks the session.
    const result = new MemoryImage(regions);
    result.writeAt(0, and);
    wire.clear();
    const t0 = sim.clock.now();
    expect(await rl78.flash(result, { allowWrites: true })).toMatchObject({
      bytesWritten: 0,
      erasedBlocks: 0,
      skippedBlocks: 8,
    });
    expect(wire.sent).toEqual([{ code: Command.reset, address: undefined }]);
    // Modeled: one Reset round trip at 115200 Bd, 5.4 ms (asking the chip about the two
    // blocks, as when their contents were forgotten, took 0.26 s).
    expect(sim.clock.now() - t0).toBeLessThan(0.01);
    await rl78.verifySegment(result, 0, 8 * KIB); // the chip compares every byte

    // Flashing the old image back: blocks 2 and 6 are known different, so they are erased and
    // written with no probe first.
    wire.clear();
    expect(await rl78.flash(image, { allowWrites: true })).toMatchObject({
      bytesWritten: 2 * KIB,
      erasedBlocks: 2,
      skippedBlocks: 6,
    });
    expect(wire.count(Command.blockBlankCheck)).toBe(0);
    expect(wire.count(Command.verify)).toBe(0);
    expect(wire.at(Command.blockErase)).toEqual([2 * KIB, 6 * KIB]);
    expect(wire.at(Command.programming)).toEqual([2 * KIB, 6 * KIB]);
    expect(sim.flash.code.subarray(0, data.length)).toEqual(data);
  });

  it('write_no_blank over a block of unknown contents leaves it unknown: the re-flash asks the chip for that block only', async () => {
    const data = lcgBytes(8 * KIB, 17);
    const { sim, rl78, regions, image } = await flashedWith(data);
    await rl78.connect(); // a new session knows nothing
    await rl78.verifySegment(image, 0, 6 * KIB);
    await rl78.verifySegment(image, 7 * KIB, KIB);

    // Zeros over a unit of block 6, not known: its checksum differs, so it is erased and written.
    const zeros = new MemoryImage(regions);
    zeros.writeAt(6 * KIB + 0x100, new Uint8Array(0x100));
    await rl78.writeNoBlank(zeros, { allowWrites: true });
    const wire = commandsOnTheWire(sim);
    expect(await rl78.flash(image, { allowWrites: true })).toMatchObject({
      bytesWritten: KIB,
      erasedBlocks: 1,
      skippedBlocks: 7,
    });
    expect(wire.at(Command.blockBlankCheck)).toEqual([6 * KIB]);
    expect(wire.at(Command.checksum)).toEqual([6 * KIB, 6 * KIB]); // the probe, the check after
    expect(wire.at(Command.blockErase)).toEqual([6 * KIB]);
    expect(wire.count(Command.verify)).toBe(0);
    expect(sim.flash.code.subarray(0, data.length)).toEqual(data);
  });

  it('a write_no_blank cancelled part-way keeps what it knows: the finished block is known (old AND new), the next flash asks nothing and is exact', async () => {
    const data = lcgBytes(8 * KIB, 18);
    const { sim, rl78, regions, image } = await flashedWith(data);
    const over = new MemoryImage(regions);
    over.writeAt(KIB, lcgBytes(KIB, 19));
    over.writeAt(5 * KIB, lcgBytes(KIB, 20));
    const and1 = block(data, 1).map((x, i) => x & over.readAt(KIB + i, 1)[0]);
    const signal = {
      get aborted() {
        return block(sim.flash.code, 1).every((x, i) => x === and1[i]);
      },
    };
    await expect(rl78.writeNoBlank(over, { allowWrites: true, signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(block(sim.flash.code, 5)).toEqual(block(data, 5)); // not reached

    const wire = commandsOnTheWire(sim);
    expect(await rl78.flash(image, { allowWrites: true })).toMatchObject({
      bytesWritten: KIB,
      erasedBlocks: 1,
      skippedBlocks: 7,
    });
    // Block 1 known different (old AND new), block 5 known unchanged: no probe, no Verify.
    expect(wire.count(Command.blockBlankCheck)).toBe(0);
    expect(wire.count(Command.verify)).toBe(0);
    expect(wire.at(Command.blockErase)).toEqual([KIB]);
    expect(sim.flash.code.subarray(0, data.length)).toEqual(data);
  });

  it('write (blank check, then programming) onto blocks the chip found blank knows what they hold', async () => {
    const { sim, rl78 } = rl78Rig();
    const { regions } = await rl78.connect();
    const image = new MemoryImage(regions);
    image.writeAt(0, lcgBytes(3 * KIB, 21));
    await rl78.write(image, { allowWrites: true });
    const wire = commandsOnTheWire(sim);
    expect(await rl78.flash(image, { allowWrites: true })).toMatchObject({
      bytesWritten: 0,
      skippedBlocks: 3,
    });
    expect(wire.sent).toEqual([{ code: Command.reset, address: undefined }]);
    expect(sim.flash.code.subarray(0, 3 * KIB)).toEqual(image.readAt(0, 3 * KIB));
  });

  it('erase sends no command for blocks the session knows blank, and no Blank Check before erasing one it knows is not', async () => {
    const data = lcgBytes(4 * KIB, 22);
    const { sim, rl78 } = await flashedWith(data);
    const blocks = 64 + 4; // R5F100LE: 64 KiB Code Flash, 4 KiB Data Flash

    // Blocks 0–3 are known to hold data: erased straight away; the others are asked about.
    const wire = commandsOnTheWire(sim);
    expect(await rl78.erase({ allowWrites: true })).toMatchObject({
      erasedBlocks: 4,
      skippedBlocks: blocks - 4,
    });
    expect(wire.at(Command.blockErase)).toEqual([0, KIB, 2 * KIB, 3 * KIB]);
    expect(wire.count(Command.blockBlankCheck)).toBe(blocks - 4);
    expect(wire.at(Command.blockBlankCheck)).not.toContain(0);
    expect(sim.flash.code.every((x) => x === 0xff)).toBe(true);

    // Now every block is known blank: erase, erase_blocks and erase_segment send nothing.
    wire.clear();
    const t0 = sim.clock.now();
    expect(await rl78.erase({ allowWrites: true })).toMatchObject({ erasedBlocks: 0, skippedBlocks: blocks });
    expect(await rl78.eraseBlocks({ allowWrites: true }, 'Data Flash')).toMatchObject({
      erasedBlocks: 0,
      skippedBlocks: 4,
    });
    expect(await rl78.eraseSegment(0, 8 * KIB, { allowWrites: true })).toMatchObject({
      erasedBlocks: 0,
      skippedBlocks: 8,
    });
    expect(wire.sent).toEqual([]);
    expect(sim.clock.now() - t0).toBe(0); // modeled time: none (68 Blank Checks took 0.42 s)
    expect(sim.flash.code.every((x) => x === 0xff)).toBe(true);

    // blank_check still asks the chip, block by block.
    await rl78.blankCheck({}, 'Data Flash');
    expect(wire.at(Command.blockBlankCheck)).toEqual([0xf1000, 0xf1400, 0xf1800, 0xf1c00]);
  });

  it('after a reconnect nothing is known: erase_blocks asks the chip’s Blank Check for every block again', async () => {
    const data = lcgBytes(2 * KIB, 23);
    const { sim, rl78 } = await flashedWith(data);
    await rl78.erase({ allowWrites: true });
    sim.flash.load(5 * KIB, Uint8Array.of(0x12)); // the session cannot know; a new one asks

    await rl78.connect();
    const wire = commandsOnTheWire(sim);
    expect(await rl78.eraseBlocks({ allowWrites: true }, 'Code Flash')).toMatchObject({
      erasedBlocks: 1,
      skippedBlocks: 63,
    });
    expect(wire.count(Command.blockBlankCheck)).toBe(64);
    expect(wire.at(Command.blockErase)).toEqual([5 * KIB]);
    expect(sim.flash.code.every((x) => x === 0xff)).toBe(true);

    // erase_segment erases every block it does not know (no Blank Check), as before.
    await rl78.connect();
    wire.clear();
    expect(await rl78.eraseSegment(0, 2 * KIB, { allowWrites: true })).toMatchObject({ erasedBlocks: 2 });
    expect(wire.sent.map((c) => c.code)).toEqual([Command.blockErase, Command.blockErase]);
  });

  it('write_segment over known contents knows the result, old AND new; a block erased by erase_segment is programmed without erase or probe', async () => {
    const data = lcgBytes(4 * KIB, 6);
    const { sim, rl78, regions, image } = await flashedWith(data);

    // Zeros into the second unit of block 1, and the image's bytes (all 0xFF elsewhere).
    const other = new MemoryImage(regions);
    other.writeAt(KIB, lcgBytes(KIB, 7));
    other.writeAt(KIB + 0x100, new Uint8Array(0x100));
    await rl78.writeSegment(other, KIB + 0x100, 0x100, { allowWrites: true });
    const and = block(data, 1).slice();
    and.fill(0, 0x100, 0x200);
    expect(block(sim.flash.code, 1)).toEqual(and); // the units outside the segment untouched
    await rl78.eraseSegment(3 * KIB, KIB, { allowWrites: true });

    // The image with block 1 as it now is: nothing asked about block 1, only block 3 written.
    const now = new MemoryImage(regions);
    now.writeAt(0, data);
    now.writeAt(KIB, and);
    let wire = commandsOnTheWire(sim);
    expect(await rl78.flash(now, { allowWrites: true })).toMatchObject({
      bytesWritten: KIB,
      erasedBlocks: 0,
      skippedBlocks: 3,
    });
    // The Reset that checks the session; block 3 programmed, then its checksum compared.
    expect(wire.sent.map((c) => c.code)).toEqual([Command.reset, Command.programming, Command.checksum]);
    expect(wire.at(Command.programming)).toEqual([3 * KIB]);

    // The old image back: block 1 known different, erased and written without a probe.
    await rl78.eraseSegment(3 * KIB, KIB, { allowWrites: true });
    wire = commandsOnTheWire(sim);
    expect(await rl78.flash(image, { allowWrites: true })).toMatchObject({
      bytesWritten: 2 * KIB,
      erasedBlocks: 1,
      skippedBlocks: 2,
    });
    expect(wire.count(Command.blockBlankCheck)).toBe(0);
    expect(wire.at(Command.checksum)).toEqual([KIB, 3 * KIB]); // only the checks after writing
    expect(wire.at(Command.blockErase)).toEqual([KIB]);
    expect(wire.at(Command.programming)).toEqual([KIB, 3 * KIB]);
    expect(sim.flash.code.subarray(0, data.length)).toEqual(data);
  });

  it('write_segment over a block of unknown contents leaves it unknown: the flash asks the chip', async () => {
    const data = lcgBytes(4 * KIB, 8);
    const { sim, rl78, regions, image } = await flashedWith(data);
    await rl78.connect(); // a new session knows nothing
    await rl78.verifySegment(image, 0, KIB);
    await rl78.verifySegment(image, 2 * KIB, 2 * KIB);
    const zeros = new MemoryImage(regions);
    zeros.writeAt(KIB, new Uint8Array(0x100));
    await rl78.writeSegment(zeros, KIB, 0x100, { allowWrites: true });
    const wire = commandsOnTheWire(sim);
    expect(await rl78.flash(image, { allowWrites: true })).toMatchObject({
      bytesWritten: KIB,
      erasedBlocks: 1,
      skippedBlocks: 3,
    });
    expect(wire.at(Command.blockBlankCheck)).toEqual([KIB]);
    expect(wire.at(Command.blockErase)).toEqual([KIB]);
    expect(sim.flash.code.subarray(0, data.length)).toEqual(data);
  });

  it('blank_check and a passing verify_segment teach the session what blocks hold', async () => {
    const { sim, rl78 } = rl78Rig();
    const data = lcgBytes(4 * KIB, 12);
    sim.flash.load(0, data);
    const { regions } = await rl78.connect();
    await rl78.blankCheck({}, 'Data Flash');
    const image = new MemoryImage(regions);
    image.writeAt(0, data);
    await rl78.verifySegment(image, 0, 4 * KIB);
    image.writeAt(0xf1000, lcgBytes(KIB, 13));
    const wire = commandsOnTheWire(sim);
    expect(await rl78.flash(image, { allowWrites: true })).toMatchObject({
      bytesWritten: KIB,
      erasedBlocks: 0,
      skippedBlocks: 4,
    });
    // Only the data flash block is programmed (it was known blank) and its sum checked.
    expect(wire.sent.map((c) => c.code)).toEqual([Command.reset, Command.programming, Command.checksum]);
    expect(sim.flash.dataFlash.subarray(0, KIB)).toEqual(lcgBytes(KIB, 13));
  });

  it('a chip reset behind the session’s back (the board’s button) is noticed: the flash starts a new session and trusts nothing known', async () => {
    const data = lcgBytes(4 * KIB, 14);
    const { sim, rl78, image } = await flashedWith(data);

    sim.pressReset();
    expect(sim.mode).toBe('user-program');
    sim.flash.load(KIB, Uint8Array.of(0x00)); // what a user program might write meanwhile
    // The chip does not answer the Reset: the flash puts it back into programming mode (a new
    // session, nothing known) and asks the chip about every block.
    const wire = commandsOnTheWire(sim);
    expect(await rl78.flash(image, { allowWrites: true })).toMatchObject({
      bytesWritten: KIB,
      skippedBlocks: 3,
    });
    expect(rl78.isConnected()).toBe(true);
    expect(sim.mode).not.toBe('user-program');
    expect(wire.count(Command.checksum)).toBeGreaterThanOrEqual(4);
    expect(sim.flash.code.subarray(0, data.length)).toEqual(data);
  });

  it('Security Release forgets every block', async () => {
    const { sim, rl78, image } = await flashedWith(lcgBytes(2 * KIB, 7));
    await rl78.securityRelease({ allowWrites: true, confirm: async () => true });
    const wire = commandsOnTheWire(sim);
    expect(await rl78.flash(image, { allowWrites: true })).toMatchObject({
      bytesWritten: 0,
      skippedBlocks: 2,
    });
    expect(wire.count(Command.checksum)).toBe(2);
    expect(wire.count(Command.verify)).toBe(1);
  });

  it('a flash cancelled part-way leaves nothing wrongly known: the next flash in the session is exact', async () => {
    const { sim, rl78 } = rl78Rig();
    const { regions } = await rl78.connect();
    const a = lcgBytes(8 * KIB, 8);
    const imageA = new MemoryImage(regions);
    imageA.writeAt(0, a);
    await rl78.flash(imageA, { allowWrites: true });

    // B differs everywhere and has a gap (two runs); cancel once the first run is programmed.
    const b = lcgBytes(8 * KIB, 9);
    const imageB = new MemoryImage(regions);
    imageB.writeAt(0, b.subarray(0, 4 * KIB));
    imageB.writeAt(6 * KIB, b.subarray(6 * KIB));
    const firstRunWritten = () => block(sim.flash.code, 3).every((x, i) => x === block(b, 3)[i]);
    const signal = {
      get aborted() {
        return firstRunWritten();
      },
    };
    await expect(rl78.flash(imageB, { allowWrites: true, signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(block(sim.flash.code, 0)).toEqual(block(b, 0));
    expect(block(sim.flash.code, 6)).toEqual(block(a, 6));
    expect(rl78.isConnected()).toBe(true);

    await rl78.flash(imageA, { allowWrites: true });
    expect(sim.flash.code.subarray(0, a.length)).toEqual(a);
    await rl78.verifySegment(imageA, 0, 8 * KIB);
  });

  it('an unplug or a corrupted reply mid-flash leaves nothing wrongly known: the next flash writes the right image', async () => {
    const { sim, rl78 } = rl78Rig();
    const { regions } = await rl78.connect();
    const a = lcgBytes(16 * KIB, 10);
    const imageA = new MemoryImage(regions);
    imageA.writeAt(0, a);
    await rl78.flash(imageA, { allowWrites: true });

    const imageB = new MemoryImage(regions);
    imageB.writeAt(0, lcgBytes(16 * KIB, 11));
    sim.faults.unplugAfter('to-device', 6000); // erases done, a few frames programmed
    await expect(rl78.flash(imageB, { allowWrites: true })).rejects.toMatchObject({ code: 'DEVICE_LOST' });
    sim.plug();
    await rl78.flash(imageA, { allowWrites: true });
    expect(sim.flash.code.subarray(0, a.length)).toEqual(a);

    // A corrupted status byte while B is programmed: the session ends; the next one asks again.
    sim.faults.corrupt({ direction: 'to-host', after: 6000, count: 1 });
    await expect(rl78.flash(imageB, { allowWrites: true })).rejects.toMatchObject({
      code: 'DEVICE_PROTOCOL',
    });
    const wire = commandsOnTheWire(sim);
    await rl78.flash(imageA, { allowWrites: true });
    expect(wire.count(Command.checksum)).toBeGreaterThanOrEqual(16);
    expect(sim.flash.code.subarray(0, a.length)).toEqual(a);
    await rl78.verifySegment(imageA, 0, 16 * KIB);
  });
});
