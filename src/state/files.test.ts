import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesState, type FileInput } from './files.svelte';
import { LogState } from './log.svelte';
import { fakeDevice } from './testing/fake-workers';

function fixture(name: string): FileInput {
  const file = path.resolve(process.cwd(), '../shared/fixtures/microbit', name);
  return { name, bytes: new Uint8Array(readFileSync(file)) };
}

function setup() {
  const device = fakeDevice();
  const log = new LogState();
  let now = 0;
  const files = new FilesState(device, log, () => (now += 90));
  return { device, log, files };
}

describe('FilesState', () => {
  it('opens the V2 MicroPython hex laid out in the nRF52833, code flash shown', async () => {
    const { files, log } = setup();
    await files.open([fixture('micropython-v2.1.2.hex')]);
    const file = files.selected!;
    expect(file.format).toBe('intel-hex');
    expect(file.targetId).toBe('nrf52833');
    expect(file.range.name).toBe('Code Flash');
    expect(file.cursor).toBe(0);
    expect(file.ranges.map((r) => r.name)).toEqual(['Whole file', 'Code Flash', 'UICR', 'RAM']);
    const used = file.ranges.filter((r) => r.origin === 'target').reduce((n, r) => n + r.used, 0);
    expect(used).toBe(file.data.byteCount);
    expect(log.entries.at(-1)?.text).toMatch(
      /^Opened micropython-v2\.1\.2\.hex: Intel Hex, \d+ ranges, [\d,]+ bytes in 90 ms$/,
    );
  });

  it('asks for the base address of a raw binary and opens the others meanwhile', async () => {
    const { files, device } = setup();
    const bin = { name: 'app.bin', bytes: new Uint8Array([1, 2, 3, 4]) };
    const outcome = await files.open([bin, fixture('micropython-v1.1.1.hex')]);
    expect(files.files.map((f) => f.name)).toEqual(['micropython-v1.1.1.hex']);
    expect(outcome).toEqual({ opened: [files.files[0]], awaitingBase: [bin], failed: 0 });
    expect(files.files[0].targetId).toBe('nrf51822');
    expect(files.pendingBinary?.name).toBe('app.bin');
    const entry = await files.confirmBinary(0x0800_0000);
    expect(device.calls.filter((c) => c.method === 'parseFile').at(-1)?.args[2]).toEqual({
      binBase: 0x0800_0000,
    });
    expect(entry?.format).toBe('bin');
    expect(entry?.targetId).toBe('stm32f411');
    expect([...entry!.data.read(0x0800_0000, 4)]).toEqual([1, 2, 3, 4]);
    expect(files.selectedId).toBe(entry?.id);
    expect(files.pendingBinary).toBeUndefined();
  });

  it("keeps the file's SHA-256: its own, or the one the caller already took", async () => {
    const { files } = setup();
    const hex = fixture('micropython-v1.1.1.hex');
    const expected = createHash('sha256').update(hex.bytes).digest('hex');
    await files.open([hex]);
    expect(files.selected?.sha256).toBe(expected);
    await files.open([{ ...fixture('micropython-v1.1.1.hex'), sha256: 'ab'.repeat(32) }]);
    expect(files.selected?.sha256).toBe('ab'.repeat(32));
  });

  it('skips a binary on request', async () => {
    const { files, log } = setup();
    await files.open([{ name: 'a.BIN', bytes: new Uint8Array(1) }]);
    files.skipBinary();
    expect(files.pendingBinary).toBeUndefined();
    expect(files.files).toEqual([]);
    expect(log.entries.at(-1)?.text).toBe('Did not open a.BIN.');
  });

  it('reports a file it cannot read in plain words with the line', async () => {
    const { files, log } = setup();
    const outcome = await files.open([fixture('not-a-hex.hex')]);
    expect(outcome).toEqual({ opened: [], awaitingBase: [], failed: 1 });
    expect(files.files).toEqual([]);
    expect(files.error).toMatch(/^Open not-a-hex\.hex failed\. /);
    expect(log.entries.at(-1)).toMatchObject({ level: 'error', text: files.error });
    expect(files.parsing).toBe(0);
  });

  it('shows each board of a Universal Hex in the target it fits', async () => {
    const { files } = setup();
    await files.open([fixture('universal-sections-9901-9903.hex')]);
    const file = files.selected!;
    expect(file.format).toBe('universal-hex');
    expect(file.boards.map((b) => b.boardId)).toEqual([0x9901, 0x9903]);
    expect(file.boardId).toBe(0x9901);
    expect(file.targetId).toBe('nrf51822');
    const v1Bytes = file.data.byteCount;
    file.selectBoard(0x9903);
    expect(file.targetId).toBe('nrf52833');
    expect(file.data).toBe(file.boards[1].data);
    expect(file.data.byteCount).not.toBe(v1Bytes);
    expect(file.range.name).toBe('Code Flash');
  });

  it('keeps the range shown when the target changes if it still exists', async () => {
    const { files } = setup();
    await files.open([fixture('micropython-v2.1.2.hex')]);
    const file = files.selected!;
    file.showRange('UICR');
    file.selectTarget('nrf51822');
    expect(file.range.name).toBe('UICR');
    file.selectTarget('stm32f411');
    expect(file.range.origin).not.toBe('whole');
    expect(file.ranges.some((r) => r.origin === 'outside')).toBe(true);
    file.selectTarget('no-such-chip');
    expect(file.targetId).toBe('generic');
  });

  it('removes files and shows a neighbour', async () => {
    const { files } = setup();
    await files.open([
      fixture('micropython-v1.1.1.hex'),
      fixture('micropython-v2.1.2.hex'),
      fixture('makecode-v1.hex'),
    ]);
    const [a, b, c] = files.files;
    files.select(b.id);
    files.remove(b.id);
    expect(files.selectedId).toBe(c.id);
    files.remove(c.id);
    expect(files.selectedId).toBe(a.id);
    files.remove(a.id);
    expect(files.selected).toBeUndefined();
  });

  it('opens an ESP Web Tools manifest with its parts as one entry with a build per chip', async () => {
    const { files, log } = setup();
    const manifest = {
      name: 'FW',
      builds: [
        {
          chipFamily: 'ESP32',
          parts: [
            { path: 'boot.bin', offset: 0x1000 },
            { path: 'app.bin', offset: 0x10000 },
          ],
        },
        { chipFamily: 'ESP32-C3', parts: [{ path: 'c3.bin', offset: 0 }] },
      ],
    };
    const outcome = await files.open([
      { name: 'manifest.json', bytes: new TextEncoder().encode(JSON.stringify(manifest)) },
      { name: 'boot.bin', bytes: new Uint8Array(16).fill(1) },
      { name: 'app.bin', bytes: new Uint8Array(32).fill(2) },
      { name: 'c3.bin', bytes: new Uint8Array(8).fill(3) },
    ]);
    expect(outcome.awaitingBase).toEqual([]);
    expect(files.files.map((f) => f.name)).toEqual(['manifest.json']);
    const file = files.selected!;
    expect(file.builds.map((b) => [b.chipFamily, b.data.byteCount])).toEqual([
      ['ESP32', 48],
      ['ESP32-C3', 8],
    ]);
    expect(file.data.read(0x10000, 2)).toEqual(new Uint8Array([2, 2]));
    expect(log.entries.at(-1)?.text).toBe(
      'Opened manifest.json: ESP Web Tools manifest "FW", builds for ESP32, ESP32-C3, 48 bytes',
    );
  });

  it('opens binaries named with offsets at them, several together as one firmware, without asking', async () => {
    const { files } = setup();
    const outcome = await files.open([
      { name: 'boot@0x1000.bin', bytes: new Uint8Array(4).fill(1) },
      { name: 'app@0x10000.bin', bytes: new Uint8Array(4).fill(2) },
    ]);
    expect(outcome.awaitingBase).toEqual([]);
    expect(files.files).toHaveLength(1);
    expect(files.selected!.name).toBe('2 parts (boot@0x1000.bin, app@0x10000.bin)');
    expect(files.selected!.data.segments().map((s) => s.address)).toEqual([0x1000, 0x10000]);

    await files.open([{ name: 'one@0x2000.bin', bytes: new Uint8Array(4) }]);
    expect(files.selected!.binBase).toBe(0x2000);
    expect(files.pendingBinaries).toEqual([]);
  });

  it('lays a file out in the selected device’s memory map while it is given one', async () => {
    const { files } = setup();
    await files.open([fixture('micropython-v2.1.2.hex')]);
    const file = files.selected!;
    file.useDeviceLayout({
      id: 'esp-flash',
      name: 'ESP32 flash (4 MiB)',
      regions: [
        {
          name: 'Flash',
          base: 0,
          size: 0x400000,
          eraseSize: 0x1000,
          writeSize: 4,
          fill: 0xff,
          kind: 'flash',
        },
      ],
    });
    expect(file.target.name).toBe('ESP32 flash (4 MiB)');
    expect(file.ranges.map((r) => r.name)).toContain('Flash');
    file.useDeviceLayout(undefined);
    expect(file.target.id).toBe('nrf52833');
  });
});
