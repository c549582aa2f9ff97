/**
 * Renesas RA boards through the device worker's service (comlink, simulation on), as the page
 * and the Lua worker reach them: the acceptance list of issue 17 against the simulated RA4M1
 * (Arduino Uno R4) and RA4M2.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { backendFactories } from '../backend-registry';
import type { ImageDto } from '../device-api';
import { serviceRig } from '../testing';
import { useJumpingClock } from '../../../src/sim/testing/jumping-clock';

useJumpingClock();

const { device, close } = serviceRig({
  sources: backendFactories({ scripts: async () => [] }),
});
afterAll(close);

const KIB = 1024;
const generated = (size: number, seed = 0) =>
  Uint8Array.from({ length: size }, (_, i) => (i * 13 + seed + (i >> 11) * 7) & 0xff);

async function plug(kind: 'ra4m1' | 'ra4m1-uart' | 'ra4m2' | 'uno-r4-wifi' | 'esp32', idCode?: string) {
  await device.enableSimulation();
  const id = await device.plugSimulated(kind, { latency: 'zero', ...(idCode ? { idCode } : {}) });
  return id;
}

function imageOf(regions: ImageDto['regions'], data: Uint8Array, address = 0): ImageDto {
  return { regions, segments: [{ address, data }] };
}

describe('Renesas RA through the device worker', { timeout: 300_000 }, () => {
  it('connects, lists the areas, flashes 200 KiB verified by CRC, reads it back, skips a re-flash and rewrites one changed unit', async () => {
    const id = await plug('ra4m1');
    const listed = await device.listDevices();
    expect(listed).toContainEqual(expect.objectContaining({ id, type: 'ra', name: 'Renesas RA USB boot' }));
    const connection = await device.connectDevice(id);
    expect(connection.target.name).toBe('Renesas RA2/RA4 with 256 KiB code flash');
    expect(connection.regions.map((r) => [r.name, r.base, r.size, r.eraseSize])).toEqual([
      ['Code Flash', 0, 256 * KIB, 2 * KIB],
      ['Config', 0x01010000, 256, 256],
      ['Data Flash', 0x40100000, 8 * KIB, KIB],
    ]);
    expect(connection.programmer).toMatchObject({ type: 'ra', name: 'Renesas RA USB boot (CDC)' });

    const data = generated(200 * KIB);
    const image = imageOf(connection.regions, data);
    const flashed = await device.backendCall(id, 'flash', { image }, { allowWrites: true });
    expect(flashed.report).toMatchObject({ verified: true, bytesWritten: 200 * KIB, skippedBlocks: 0 });
    // Modeled time: 100 blocks × 2 KiB at 116 µs per 8 bytes ≈ 3 s of programming.
    expect(flashed.elapsedMs).toBeGreaterThan(2900);
    await device.backendCall(id, 'verify', { image });

    const read = await device.backendCall(id, 'read', {
      image: { regions: connection.regions, segments: [] },
    });
    const code = read.image!.segments.find((s) => s.address === 0)!;
    expect(code.data.subarray(0, data.length)).toEqual(data);
    expect(code.data.subarray(data.length).every((b) => b === 0xff)).toBe(true);

    const again = await device.backendCall(id, 'flash', { image }, { allowWrites: true });
    expect(again.report).toMatchObject({ bytesWritten: 0, erasedBlocks: 0, skippedBlocks: 100 });

    const changed = data.slice();
    changed[0x9000] ^= 0xff;
    const one = await device.backendCall(
      id,
      'flash',
      { image: imageOf(connection.regions, changed) },
      { allowWrites: true },
    );
    expect(one.report).toMatchObject({
      erasedBlocks: 1,
      skippedBlocks: 99,
      bytesWritten: 2 * KIB,
      verified: true,
    });

    const sums = await device.backendCall(id, 'read_checksums', {});
    expect(sums.checksums).toHaveLength(128 + 8);
    expect(sums.checksums![0].subChecksums).toHaveLength(4);
  });

  it('blank_check after erase and after write; erase_blocks leaves the other region', async () => {
    const id = await plug('ra4m1');
    const { regions } = await device.connectDevice(id);
    const dataFlash = imageOf(regions, generated(KIB, 5), 0x40100000);
    await device.backendCall(id, 'write', { image: dataFlash }, { allowWrites: true });
    await device.backendCall(id, 'erase', {}, { allowWrites: true });
    await device.backendCall(id, 'blank_check', {});
    await device.backendCall(id, 'blank_check', { region: 'Data Flash' });

    await device.backendCall(
      id,
      'write',
      { image: imageOf(regions, generated(4 * KIB), 0x2000) },
      { allowWrites: true },
    );
    await expect(device.backendCall(id, 'blank_check', {})).rejects.toMatchObject({
      code: 'NOT_BLANK',
      address: 0x2000,
    });

    await device.backendCall(id, 'write', { image: dataFlash }, { allowWrites: true });
    const erased = await device.backendCall(id, 'erase_blocks', {}, { allowWrites: true });
    expect(erased.report?.erasedBlocks).toBe(128);
    await device.backendCall(id, 'blank_check', {});
    await device.backendCall(id, 'verify', { image: dataFlash });
  });

  it('a wrong ID code is a clear error (the chip counts attempts); the right one connects', async () => {
    const code = '0123456789abcdef0123456789abcdef';
    const id = await plug('ra4m1', code);
    await expect(device.connectDevice(id)).rejects.toMatchObject({
      code: 'DEVICE_LOCKED',
      message: expect.stringMatching(/ID code/),
    });
    await expect(
      device.connectDevice(id, { idCode: 'ffffffffffffffffffffffffffffffff' }),
    ).rejects.toMatchObject({
      code: 'DEVICE_LOCKED',
      message: expect.stringMatching(/counts failed attempts.*did not try again/),
    });
    const ok = await device.connectDevice(id, { idCode: code });
    expect(ok.target.name).toMatch(/RA2\/RA4/);
  });

  it('an unplug mid-write is DEVICE_LOST; plugged in again, the next flash succeeds', async () => {
    const id = await plug('ra4m1');
    const { regions } = await device.connectDevice(id);
    const image = imageOf(regions, generated(64 * KIB, 9));
    await device.simulateFault(id, { kind: 'unplug-at-transfer', transfer: 40 });
    await expect(device.backendCall(id, 'flash', { image }, { allowWrites: true })).rejects.toMatchObject({
      code: 'DEVICE_LOST',
      message: expect.stringMatching(/unplugged/),
    });
    await device.simulateFault(id, { kind: 'replug' });
    const again = await device.backendCall(id, 'flash', { image }, { allowWrites: true });
    expect(again.report?.verified).toBe(true);
  });

  it('a corrupted reply is DEVICE_PROTOCOL; the next attempt succeeds', async () => {
    const id = await plug('ra4m1');
    const { regions } = await device.connectDevice(id);
    const image = imageOf(regions, generated(16 * KIB, 3));
    await device.simulateFault(id, { kind: 'corrupt-reply' });
    await expect(device.backendCall(id, 'flash', { image }, { allowWrites: true })).rejects.toMatchObject({
      code: 'DEVICE_PROTOCOL',
      message: expect.stringMatching(/corrupted/),
    });
    const again = await device.backendCall(id, 'flash', { image }, { allowWrites: true });
    expect(again.report?.verified).toBe(true);
  });

  it('a failing erase is FLASH_ERASE_FAILED naming the block; the next flash succeeds', async () => {
    const id = await plug('ra4m1');
    const { regions } = await device.connectDevice(id);
    await device.backendCall(
      id,
      'flash',
      { image: imageOf(regions, generated(8 * KIB, 1)) },
      { allowWrites: true },
    );
    const image = imageOf(regions, generated(8 * KIB, 2));
    await device.simulateFault(id, { kind: 'flash-error' });
    await expect(device.backendCall(id, 'flash', { image }, { allowWrites: true })).rejects.toMatchObject({
      code: 'FLASH_ERASE_FAILED',
      address: 0,
    });
    expect((await device.backendCall(id, 'flash', { image }, { allowWrites: true })).report?.verified).toBe(
      true,
    );
  });

  it('flashes over UART and on the Cortex-M33 RA4M2', async () => {
    const uart = await plug('ra4m1-uart');
    expect(await device.listDevices()).toContainEqual(expect.objectContaining({ id: uart, type: 'ra' }));
    const a = await device.connectDevice(uart);
    const image = imageOf(a.regions, generated(8 * KIB, 4));
    expect((await device.backendCall(uart, 'flash', { image }, { allowWrites: true })).report?.verified).toBe(
      true,
    );

    const m33 = await plug('ra4m2');
    const b = await device.connectDevice(m33);
    expect(b.target.additional.join('\n')).toMatch(/Lifecycle \(DLM\): SSD/);
    expect(b.target.name).toBe('R7FA4M2AD3CFP');
    expect(b.regions.map((r) => r.name)).toEqual(['Code Flash', 'Config', 'Data Flash']);
    const big = imageOf(b.regions, generated(96 * KIB, 8));
    expect(
      (await device.backendCall(m33, 'flash', { image: big }, { allowWrites: true })).report,
    ).toMatchObject({
      verified: true,
      erasedBlocks: 0,
    });
  });

  it('a USB-UART is an RA chip in boot mode when the person says so, and an ESP board again when not', async () => {
    const uart = await plug('ra4m1-uart');
    const typeOf = async (id: string) => (await device.listDevices()).find((d) => d.id === id)?.type;
    // "Not an RA chip": the port is an ESP board from now on (what the person says comes first).
    await device.raMarkPort(uart, false);
    expect(await typeOf(uart)).toBe('esp');
    // "An RA chip in boot mode on this USB-UART": remembered for the port, connects and flashes.
    await device.raMarkPort(uart, true);
    expect(await typeOf(uart)).toBe('ra');
    expect(await typeOf(uart)).toBe('ra');
    const a = await device.connectDevice(uart);
    expect(a.target.additional[0]).toMatch(/UART at 1000000 baud/);
    const image = imageOf(a.regions, generated(4 * KIB, 9));
    expect((await device.backendCall(uart, 'flash', { image }, { allowWrites: true })).report?.verified).toBe(
      true,
    );
    // Refused while connected: the port is in use.
    await expect(device.raMarkPort(uart, false)).rejects.toMatchObject({ code: 'DEVICE_BUSY' });
    await device.disconnectDevice(uart);

    // An ESP board said to be an RA chip does not answer the boot-mode handshake: a clear error.
    const esp = await plug('esp32');
    expect(await typeOf(esp)).toBe('esp');
    await device.raMarkPort(esp, true);
    expect(await typeOf(esp)).toBe('ra');
    await expect(device.connectDevice(esp)).rejects.toMatchObject({ code: 'BOOT_MODE_REQUIRED' });
    await device.raMarkPort(esp, false);
    expect(await typeOf(esp)).toBe('esp');
  });

  it('an Arduino Uno R4 WiFi is an RA board by its bridge ids; the worker enters boot mode through the bridge and flashes', async () => {
    const wifi = await plug('uno-r4-wifi');
    const listed = (await device.listDevices()).find((d) => d.id === wifi);
    expect(listed).toMatchObject({ type: 'ra', name: 'Arduino Uno R4 WiFi' });
    expect(wifi).toMatch(/^serial:2341:1002:/);
    const c = await device.connectDevice(wifi);
    expect(c.target.additional[0]).toMatch(/UART at 1000000 baud/);
    expect(c.programmer.name).toBe('Arduino Uno R4 WiFi USB bridge (2341:1002)');
    const image = imageOf(c.regions, generated(8 * KIB, 3), 0x4000);
    expect((await device.backendCall(wifi, 'flash', { image }, { allowWrites: true })).report?.verified).toBe(
      true,
    );
    await device.disconnectDevice(wifi);
    // The bridge holds BOOT low until it restarts: without the entry the chip is still in boot mode.
    await device.raMarkPort(wifi, true, 'none');
    await device.connectDevice(wifi);
    await device.disconnectDevice(wifi);
    // Unplugged and plugged in, it runs the program: without the entry the handshake goes unanswered.
    await device.simulateFault(wifi, { kind: 'replug' });
    await expect(device.connectDevice(wifi)).rejects.toMatchObject({ code: 'BOOT_MODE_REQUIRED' });
    await device.raMarkPort(wifi, true, 'uno-r4-wifi');
    await expect(device.connectDevice(wifi)).resolves.toMatchObject({ regions: c.regions });
    await device.disconnectDevice(wifi);
  });
});
