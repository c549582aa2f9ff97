/**
 * Runs every built device script on its simulated chip (rp2040js's ARMv6-M core behind a
 * simulated DAPLink, driven through dapjs), calling the entries the way CortexProg's host does:
 * upload the image, then per call write R0–R3 and PC, resume, and wait for the BKPT. SP and
 * R4–R12 are never touched between calls. Every call must finish within CortexProg's timeout for
 * that entry, in modeled time with datasheet flash timings.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CortexM } from 'dapjs';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/core/checksum/crc32';
import {
  CPUID_KEY,
  ENTRY_OFFSETS,
  areasToRegions,
  matchesCheckValues,
  matchesRomTable,
  parseSwds,
  readFlashAreas,
  SOURCE_KEY,
  type DeviceScript,
  type EntryName,
} from '../src/core/device-script';
import { regionBlocks } from '../src/core/memory/region';
import {
  createSimulatedArduinoZeroProbe,
  createSimulatedBluePill,
  createSimulatedMicrobit,
  createSimulatedNrf52840Dk,
  createSimulatedStm32f103Probe,
  createSimulatedStm32f411Probe,
  createSimulatedStm32g071Probe,
  STM32F103RE,
  type SimulatedProbe,
} from '../src/sim';
import {
  connectDapjs,
  CoreReg,
  haltCore,
  readWords,
  Reg,
  writeWords,
} from '../src/sim/testing/dapjs-session';

const BUILD_DIR = path.resolve(process.cwd(), 'device-scripts/build');
/** Every built script's stem, from the build index. */
const ALL_SCRIPTS: string[] = (
  JSON.parse(readFileSync(path.join(BUILD_DIR, 'index.json'), 'utf8')) as { scripts: { file: string }[] }
).scripts.map((s) => s.file.replace(/\.swds$/, ''));
const loadScript = (stem: string): DeviceScript =>
  parseSwds(new Uint8Array(readFileSync(path.join(BUILD_DIR, `${stem}.swds`))), `${stem}.swds`);

/** CortexProg's per-entry timeouts (ms); the version-2 entries get the worker's extension timeout. */
const TIMEOUT_MS: Record<EntryName, number> = {
  initStage1: 500,
  initStage2: 500,
  initStage3: 500,
  allErase: 90_000,
  pageErase: 5_000,
  pageWrite: 2_000,
  cpuid: 333,
  blockChecksum: 5_000,
  blankCheck: 5_000,
};
const DFSR_BKPT = 0x2;
const KiB = 1024;

/** An uploaded script on a connected simulated chip. */
class LoadedScript {
  private constructor(
    readonly probe: SimulatedProbe,
    readonly cortex: CortexM,
    readonly script: DeviceScript,
  ) {}

  /** Connects, halts the core and uploads the image to its load address. */
  static async load(probe: SimulatedProbe, script: DeviceScript): Promise<LoadedScript> {
    const { cortex } = await connectDapjs(probe.usbDevice);
    await haltCore(cortex);
    const loaded = new LoadedScript(probe, cortex, script);
    await loaded.upload(script);
    return loaded;
  }

  private async upload(script: DeviceScript): Promise<void> {
    const padded = new Uint8Array(Math.ceil(script.image.length / 4) * 4);
    padded.set(script.image);
    await writeWords(this.cortex, script.loadAddr, new Uint32Array(padded.buffer));
  }

  /** Calls `entry` with R0–R3 = `args`; returns R0–R2 once it stopped at its BKPT. */
  async call(entry: EntryName, args: number[] = []): Promise<{ r0: number; r1: number; r2: number }> {
    const { cortex, probe, script } = this;
    for (let r = 0; r < 4; r++) await cortex.writeCoreRegister(r, (args[r] ?? 0) >>> 0);
    await cortex.writeCoreRegister(CoreReg.PC, script.loadAddr + ENTRY_OFFSETS[entry]);
    await cortex.writeCoreRegister(CoreReg.XPSR, 0x01000000);
    await cortex.writeMem32(Reg.DFSR, 0x1f);
    const faultsBefore = probe.target.faults.length;
    const start = probe.clock.elapsedMs;
    await cortex.writeMem32(Reg.DHCSR, 0xa05f0001);
    while (!(await cortex.isHalted())) {
      if (probe.clock.elapsedMs - start > TIMEOUT_MS[entry]) throw new Error(`${entry} timed out`);
    }
    expect((await cortex.readMem32(Reg.DFSR)) & DFSR_BKPT, `${entry} stopped at a BKPT`).toBe(DFSR_BKPT);
    expect(probe.target.faults.slice(faultsBefore), `${entry} took no fault`).toEqual([]);
    const [r0, r1, r2] = await Promise.all(
      [0, 1, 2].map(async (r) => (await cortex.readCoreRegister(r)) >>> 0),
    );
    return { r0, r1, r2 };
  }

  /** Reads a word through the MEM-AP; undefined when the access faults (as a check value needs). */
  async readWord(address: number): Promise<number | undefined> {
    try {
      return (await this.cortex.readMem32(address)) >>> 0;
    } catch {
      return undefined;
    }
  }

  /** Reads `length` bytes at any address through the MEM-AP. */
  async read(address: number, length: number): Promise<Uint8Array> {
    const start = address & ~3;
    const end = (address + length + 3) & ~3;
    const words = await readWords(this.cortex, start, (end - start) / 4);
    return new Uint8Array(words.buffer).slice(address - start, address - start + length);
  }

  /** Writes `bytes` (a multiple of 4) to the staging buffer. */
  async stage(bytes: Uint8Array): Promise<void> {
    await writeWords(this.cortex, this.script.stagingAddr, new Uint32Array(bytes.slice().buffer));
  }
}

/** Deterministic test data with a few erased words in it. */
function pattern(length: number, seed: number): Uint8Array {
  const bytes = Uint8Array.from({ length }, (_, i) => (Math.imul(i + seed, 0x9e3779b1) >>> 13) & 0xff);
  bytes.fill(0xff, 16, 24);
  return bytes;
}

interface ChipCase {
  name: string;
  script: string;
  /** ROM table the AHB-AP's BASE points at (reference: nRF51 0xF0000003, others 0xE00FF003). */
  romTable: number;
  create: (flash?: { address: number; data: Uint8Array }[]) => SimulatedProbe;
  /** Flash regions the chip really has: [name, base, size, writeSize, erase blocks]. */
  layout: [string, number, number, number, number[]][];
  /** The chip's erase blocks per script erase block (default 1). */
  chipBlocksPerBlock?: number;
  /** An erase block and a write block inside it to exercise. */
  eraseBlock: { address: number; size: number };
  writeBlock: { address: number; size: number };
  /** Separately erased area (UICR) to exercise, if any. */
  uicr?: { address: number; size: number };
  /** True when the chip programs half-words (erased 0xFFFF half-words are skipped). */
  halfWords?: boolean;
}

const pages = (count: number, size: number) => new Array<number>(count).fill(size);

const CASES: ChipCase[] = [
  {
    name: 'nRF51822 (micro:bit V1)',
    script: 'nrf51822.20000000.m0',
    romTable: 0xf0000000,
    create: (flash) => createSimulatedMicrobit('v1', { flash }),
    layout: [
      ['Code Flash', 0, 256 * KiB, KiB, pages(256, KiB)],
      ['UICR', 0x10001000, 0x100, 0x100, [0x100]],
    ],
    eraseBlock: { address: 0x3f800, size: KiB },
    writeBlock: { address: 0x3f800, size: KiB },
    uicr: { address: 0x10001000, size: 0x100 },
  },
  {
    name: 'nRF52833 (micro:bit V2)',
    script: 'nrf52833.20000000.m0',
    romTable: 0xe00ff000,
    create: (flash) => createSimulatedMicrobit('v2', { flash }),
    layout: [
      ['Code Flash', 0, 512 * KiB, 4 * KiB, pages(128, 4 * KiB)],
      ['UICR', 0x10001000, KiB, KiB, [KiB]],
    ],
    eraseBlock: { address: 0x7e000, size: 4 * KiB },
    writeBlock: { address: 0x7e000, size: 4 * KiB },
    uicr: { address: 0x10001000, size: KiB },
  },
  {
    name: 'nRF52840 (nRF52840 DK)',
    script: 'nrf52840.20000000.m0',
    romTable: 0xe00ff000,
    create: (flash) => createSimulatedNrf52840Dk({ flash }),
    layout: [
      ['Code Flash', 0, 1024 * KiB, 4 * KiB, pages(256, 4 * KiB)],
      ['UICR', 0x10001000, KiB, KiB, [KiB]],
    ],
    eraseBlock: { address: 0xff000, size: 4 * KiB },
    writeBlock: { address: 0xff000, size: 4 * KiB },
    uicr: { address: 0x10001000, size: KiB },
  },
  {
    name: 'STM32F411',
    script: 'stm32f4.20000000.m0',
    romTable: 0xe00ff000,
    create: (flash) => createSimulatedStm32f411Probe({ flash }),
    layout: [
      [
        'Code Flash',
        0x08000000,
        512 * KiB,
        16 * KiB,
        [16, 16, 16, 16, 64, 128, 128, 128].map((k) => k * KiB),
      ],
    ],
    eraseBlock: { address: 0x08020000, size: 128 * KiB },
    writeBlock: { address: 0x08024000, size: 16 * KiB },
  },
  {
    name: 'STM32G071',
    script: 'stm32g0.20000000.m0',
    romTable: 0xf0000000,
    create: (flash) => createSimulatedStm32g071Probe({ flash }),
    layout: [
      ['Code Flash', 0x08000000, 128 * KiB, 4 * KiB, pages(32, 4 * KiB)],
      ['Option Bytes', 0x1fff7800, 128, 128, [128]],
    ],
    chipBlocksPerBlock: 2, // the script's blocks are 2 of the chip's 2 KiB pages
    eraseBlock: { address: 0x0801f000, size: 4 * KiB },
    writeBlock: { address: 0x0801f000, size: 4 * KiB },
  },
  {
    name: 'ATSAMD21G18A (Arduino Zero)',
    script: 'samd21.20000000.m0',
    romTable: 0x41003000,
    create: (flash) => createSimulatedArduinoZeroProbe({ flash }),
    layout: [
      ['Code Flash', 0, 256 * KiB, KiB, pages(256, KiB)],
      ['User Row', 0x00804000, 256, 256, [256]],
    ],
    chipBlocksPerBlock: 4, // the script's blocks are 4 of the chip's 256-byte rows
    eraseBlock: { address: 0x3fc00, size: KiB },
    writeBlock: { address: 0x3fc00, size: KiB },
    uicr: { address: 0x00804000, size: 256 },
  },
];

CASES.push(
  {
    name: 'STM32F103C8 (Blue Pill)',
    script: 'stm32f1.20000000.m0',
    romTable: 0xe00ff000,
    create: (flash) => createSimulatedBluePill({ flash }),
    layout: [
      ['Code Flash', 0x08000000, 64 * KiB, KiB, pages(64, KiB)],
      ['Option Bytes', 0x1ffff800, 16, 16, [16]],
    ],
    eraseBlock: { address: 0x0800fc00, size: KiB },
    writeBlock: { address: 0x0800fc00, size: KiB },
  },
  {
    name: 'STM32F103RE (high density)',
    script: 'stm32f1.20000000.m0',
    romTable: 0xe00ff000,
    create: (flash) => createSimulatedStm32f103Probe(STM32F103RE, { flash }),
    layout: [
      ['Code Flash', 0x08000000, 512 * KiB, 2 * KiB, pages(256, 2 * KiB)],
      ['Option Bytes', 0x1ffff800, 16, 16, [16]],
    ],
    eraseBlock: { address: 0x08040800, size: 2 * KiB },
    writeBlock: { address: 0x08040800, size: 2 * KiB },
  },
);

describe.each(CASES)('device script on the simulated $name', (c) => {
  const script = loadScript(c.script);
  /** The chip with its erase block holding old data (so erasing is visible). */
  const createWithOldData = () =>
    c.create([{ address: c.eraseBlock.address, data: pattern(c.eraseBlock.size, 7) }]);

  it('matches the chip’s ROM table and check values, and cpuid confirms it', async () => {
    const probe = c.create();
    const loaded = await LoadedScript.load(probe, script);
    const pids = Array.from(await readWords(loaded.cortex, c.romTable + 0xfd0, 8));
    expect(matchesRomTable(script, pids)).toBe(true);
    expect(await matchesCheckValues(script, (a) => loaded.readWord(a))).toBe(true);
    const cpuid = await loaded.call('cpuid');
    expect(cpuid.r0).toBe(1);
    expect(cpuid.r1).toBe(CPUID_KEY);
    expect(await loaded.call('cpuid')).toEqual(cpuid); // idempotent
  });

  it('is not preselected by any other script (ROM table or check values differ)', async () => {
    const probe = c.create();
    const loaded = await LoadedScript.load(probe, script);
    const pids = Array.from(await readWords(loaded.cortex, c.romTable + 0xfd0, 8));
    const others = ALL_SCRIPTS.filter((stem) => stem !== c.script);
    expect(others.length).toBeGreaterThanOrEqual(3);
    for (const other of others.map(loadScript)) {
      const preselected =
        matchesRomTable(other, pids) && (await matchesCheckValues(other, (a) => loaded.readWord(a)));
      expect(preselected, `${other.name} preselected`).toBe(false);
    }
  });

  it('init describes exactly the chip’s flash layout', async () => {
    const probe = c.create();
    const loaded = await LoadedScript.load(probe, script);
    const init = await loaded.call('initStage1');
    expect(init.r2).toBe(0);
    const areas = await readFlashAreas((a, n) => loaded.read(a, n), init.r0, init.r1, script.name);
    const regions = areasToRegions(areas);
    expect(
      regions.map((r) => [r.name, r.base, r.size, r.writeSize, regionBlocks(r).map((b) => b.size)]),
    ).toEqual(c.layout);
    expect(regions[0].base).toBe(probe.target.flashBase);
    expect(regions[0].size).toBe(probe.target.flash.length);
    const per = c.chipBlocksPerBlock ?? 1;
    const chipBlocks = probe.target.chip.eraseBlocks;
    const grouped = Array.from({ length: chipBlocks.length / per }, (_, i) =>
      chipBlocks.slice(i * per, (i + 1) * per).reduce((a, b) => a + b, 0),
    );
    expect(regionBlocks(regions[0]).map((b) => b.size)).toEqual(grouped);
  });

  it('erases a block, blank-checks it, programs a write block and checksums it', async () => {
    const probe = createWithOldData();
    const loaded = await LoadedScript.load(probe, script);
    await loaded.call('initStage1');
    const { eraseBlock, writeBlock } = c;

    expect((await loaded.call('blankCheck', [eraseBlock.address, eraseBlock.size])).r0).toBe(0);
    expect(await loaded.call('pageErase', [eraseBlock.address])).toMatchObject({ r0: 1 });
    expect(await loaded.call('blankCheck', [eraseBlock.address, eraseBlock.size])).toMatchObject({ r0: 1 });
    expect(probe.target.readMemory(eraseBlock.address, eraseBlock.size).every((b) => b === 0xff)).toBe(true);

    const data = pattern(writeBlock.size, 3);
    await loaded.stage(data);
    expect(await loaded.call('pageWrite', [writeBlock.address])).toMatchObject({ r0: 1 });
    expect(await loaded.read(writeBlock.address, writeBlock.size)).toEqual(data);
    expect(probe.target.ignoredFlashWrites).toBe(0);

    const checksum = await loaded.call('blockChecksum', [writeBlock.address, writeBlock.size]);
    expect(checksum).toMatchObject({ r0: 1, r1: crc32(data) });
    const odd = await loaded.call('blockChecksum', [writeBlock.address + 3, 101]);
    expect(odd.r1).toBe(crc32(data.subarray(3, 104)));
    expect((await loaded.call('blockChecksum', [writeBlock.address, 0])).r1).toBe(0);

    // blank_check names the first byte that is not 0xFF, from aligned and unaligned starts.
    const firstData = data.findIndex((b) => b !== 0xff);
    expect(await loaded.call('blankCheck', [writeBlock.address, writeBlock.size])).toMatchObject({
      r0: 0,
      r1: writeBlock.address + firstData,
    });
    expect(await loaded.call('blankCheck', [writeBlock.address + 17, 7])).toMatchObject({ r0: 1 }); // erased words
    const nextData = data.findIndex((b, i) => i >= 17 && b !== 0xff);
    expect(await loaded.call('blankCheck', [writeBlock.address + 17, 99])).toMatchObject({
      r0: 0,
      r1: writeBlock.address + nextData,
    });
  });

  it('refuses block addresses that start no block and changes nothing', async () => {
    const probe = createWithOldData();
    const loaded = await LoadedScript.load(probe, script);
    await loaded.call('initStage1');
    const before = probe.target.readMemory(c.eraseBlock.address, c.eraseBlock.size);
    expect((await loaded.call('pageErase', [c.eraseBlock.address + 4])).r0).toBe(0);
    expect((await loaded.call('pageWrite', [c.writeBlock.address + 4])).r0).toBe(0);
    const end = probe.target.flashBase + probe.target.flash.length;
    expect((await loaded.call('pageErase', [end])).r0).toBe(0);
    expect((await loaded.call('pageWrite', [end])).r0).toBe(0);
    expect(probe.target.readMemory(c.eraseBlock.address, c.eraseBlock.size)).toEqual(before);
    expect(probe.target.ignoredFlashWrites).toBe(0);
    expect(probe.target.ignoredFlashErases).toBe(0);
  });

  it('programs from the second staging buffer when R2 holds the source key, else from staging', async () => {
    const probe = createWithOldData();
    const loaded = await LoadedScript.load(probe, script);
    await loaded.call('initStage1');
    const second = script.header.secondStagingAddr;
    expect(second).toBeDefined();
    const { eraseBlock, writeBlock } = c;
    expect(await loaded.call('pageErase', [eraseBlock.address])).toMatchObject({ r0: 1 });
    const staged = pattern(writeBlock.size, 5);
    const other = pattern(writeBlock.size, 9);
    await loaded.stage(staged);
    await writeWords(loaded.cortex, second!, new Uint32Array(other.slice().buffer));
    // R1 without the key (a CortexProg host's leftovers) is ignored: the staging buffer is used.
    expect(await loaded.call('pageWrite', [writeBlock.address, second!, 0x12345678])).toMatchObject({
      r0: 1,
    });
    expect(await loaded.read(writeBlock.address, writeBlock.size)).toEqual(staged);
    expect(await loaded.call('pageErase', [eraseBlock.address])).toMatchObject({ r0: 1 });
    expect(await loaded.call('pageWrite', [writeBlock.address, second!, SOURCE_KEY])).toMatchObject({
      r0: 1,
    });
    expect(await loaded.read(writeBlock.address, writeBlock.size)).toEqual(other);
    expect(probe.target.ignoredFlashWrites).toBe(0);
  });

  it.runIf(script.header.entries.allErase)('mass-erases everything', async () => {
    const probe = createWithOldData();
    const loaded = await LoadedScript.load(probe, script);
    await loaded.call('initStage1');
    expect((await loaded.call('allErase')).r0).toBe(1);
    expect(probe.target.flash.every((b) => b === 0xff)).toBe(true);
    const size = probe.target.flash.length;
    expect(await loaded.call('blankCheck', [probe.target.flashBase, size])).toMatchObject({ r0: 1, r1: 0 });
  });
});

describe.each(CASES.filter((c) => c.uicr !== undefined))(
  'UICR with the device script on the simulated $name',
  (c) => {
    const script = loadScript(c.script);

    it.runIf(c.uicr !== undefined)(
      'programs UICR (the SAM D21 user row) from the staging area and erases it (ERASEUICR, EAR)',
      async () => {
        const uicr = c.uicr!;
        const probe = c.create();
        const loaded = await LoadedScript.load(probe, script);
        await loaded.call('initStage1');
        const data = new Uint8Array(uicr.size).fill(0xff);
        data.set([0x00, 0xc0, 0x07, 0x00], 0x14); // a bootloader address word
        data.set([0x78, 0x56, 0x34, 0x12], 0x80); // CUSTOMER[0]
        await loaded.stage(data);
        const flashBefore = probe.target.flash.slice(0, 4096);
        // Erased first: a SAM D21's user row holds its factory settings.
        expect((await loaded.call('pageErase', [uicr.address])).r0).toBe(1);
        expect((await loaded.call('pageWrite', [uicr.address])).r0).toBe(1);
        expect(await loaded.read(uicr.address, uicr.size)).toEqual(data);
        expect(probe.target.ignoredFlashWrites).toBe(0);
        expect((await loaded.call('pageErase', [uicr.address])).r0).toBe(1);
        expect(await loaded.call('blankCheck', [uicr.address, uicr.size])).toMatchObject({ r0: 1 });
        expect(probe.target.flash.slice(0, 4096)).toEqual(flashBefore); // code flash untouched
      },
    );
  },
);

describe('cpuid of the nRF51822 script on the simulated nRF52833', () => {
  it('says no (the ROM tables of both Nordic chips match the same masks)', async () => {
    const probe = createSimulatedMicrobit('v2');
    const loaded = await LoadedScript.load(probe, loadScript('nrf51822.20000000.m0'));
    expect(await loaded.call('cpuid')).toEqual({ r0: 0, r1: CPUID_KEY, r2: expect.any(Number) });
  });
});

describe('cpuid of the nRF52833 and nRF52840 scripts on each other’s chip', () => {
  it('says no (same ROM table masks and page size; INFO.PART differs)', async () => {
    const on840 = await LoadedScript.load(createSimulatedNrf52840Dk(), loadScript('nrf52833.20000000.m0'));
    expect((await on840.call('cpuid')).r0).toBe(0);
    const on833 = await LoadedScript.load(createSimulatedMicrobit('v2'), loadScript('nrf52840.20000000.m0'));
    expect((await on833.call('cpuid')).r0).toBe(0);
  });
});

describe('STM32F4 script error handling on the simulated STM32F411', () => {
  it('reports the SR error bits of a failed erase and leaves the flash locked', async () => {
    const probe = createSimulatedStm32f411Probe();
    const loaded = await LoadedScript.load(probe, loadScript('stm32f4.20000000.m0'));
    await loaded.call('initStage1');
    probe.target.chip.failNextFlashOperation('WRPERR');
    expect(await loaded.call('pageErase', [0x08004000])).toMatchObject({ r0: 0, r1: 0x10 });
    const FLASH_CR = 0x40023c10;
    expect((await loaded.cortex.readMem32(FLASH_CR)) >>> 31).toBe(1);
    // The next operation clears the old error and succeeds.
    expect(await loaded.call('pageErase', [0x08004000])).toMatchObject({ r0: 1, r1: 0 });
    expect((await loaded.cortex.readMem32(FLASH_CR)) >>> 31).toBe(1);
  });

  it('stops programming at the first failing word', async () => {
    const probe = createSimulatedStm32f411Probe();
    const loaded = await LoadedScript.load(probe, loadScript('stm32f4.20000000.m0'));
    await loaded.call('initStage1');
    await loaded.stage(pattern(16 * KiB, 9));
    probe.target.chip.failNextFlashOperation('PGPERR');
    expect(await loaded.call('pageWrite', [0x08008000])).toMatchObject({ r0: 0, r1: 0x40 });
    expect(probe.target.readMemory(0x08008000, 16 * KiB).every((b) => b === 0xff)).toBe(true);
  });
});

describe('STM32F1 script specifics on the simulated Blue Pill', () => {
  const FLASH_CR = 0x40022010;
  const FLASH_OBR = 0x4002201c;
  const OPTION_BYTES = 0x1ffff800;

  it('init raises the core clock to 64 MHz through the PLL (once); a reset brings back the 8 MHz HSI', async () => {
    const probe = createSimulatedBluePill();
    const loaded = await LoadedScript.load(probe, loadScript('stm32f1.20000000.m0'));
    const runner = probe.target.chip.system.runner;
    expect(runner.cpuHz).toBe(8_000_000);
    await loaded.call('initStage1');
    expect(runner.cpuHz).toBe(64_000_000);
    expect((await loaded.cortex.readMem32(0x40022000)) & 7).toBe(2); // FLASH_ACR: 2 wait states
    await loaded.call('initStage1'); // the PLL already runs: left as it is
    expect(runner.cpuHz).toBe(64_000_000);
    await loaded.cortex.writeMem32(0xe000ed0c, 0x05fa0004); // SYSRESETREQ
    expect(runner.cpuHz).toBe(8_000_000);
  });

  it('rewrites the option bytes (OPTER, OPTPG; the FPEC writes the complements); they load at reset', async () => {
    const probe = createSimulatedBluePill();
    const loaded = await LoadedScript.load(probe, loadScript('stm32f1.20000000.m0'));
    await loaded.call('initStage1');
    const options = await loaded.read(OPTION_BYTES, 16);
    expect(Array.from(options.subarray(0, 2))).toEqual([0xa5, 0x5a]); // RDP level 0
    const wanted = options.slice();
    wanted.set([0x12, 0xed], 4); // Data0 = 0x12
    expect(await loaded.call('pageErase', [OPTION_BYTES])).toMatchObject({ r0: 1 });
    expect(await loaded.call('blankCheck', [OPTION_BYTES, 16])).toMatchObject({ r0: 1 });
    const staged = new Uint8Array(16).fill(0xff);
    staged.set([0xa5, 0x00, 0xff, 0x00, 0x12, 0x00], 0); // complements left to the FPEC
    await loaded.stage(staged);
    expect(await loaded.call('pageWrite', [OPTION_BYTES])).toMatchObject({ r0: 1, r1: 0 });
    const written = await loaded.read(OPTION_BYTES, 16);
    expect(Array.from(written.subarray(0, 6))).toEqual([0xa5, 0x5a, 0xff, 0x00, 0x12, 0xed]);
    expect((await loaded.cortex.readMem32(FLASH_CR)) & 0x280).toBe(0x80); // locked, OPTWRE clear
    await loaded.cortex.writeMem32(0xe000ed0c, 0x05fa0004); // SYSRESETREQ: option bytes reload
    expect(((await loaded.cortex.readMem32(FLASH_OBR)) >>> 10) & 0xff).toBe(0x12);
    expect(probe.target.locked).toBe(false);
  });

  it('reports WRPRTERR of a failed erase and PGERR of a write over data, leaving the FPEC locked', async () => {
    const probe = createSimulatedBluePill({ flash: [{ address: 0x08001000, data: pattern(KiB, 1) }] });
    const loaded = await LoadedScript.load(probe, loadScript('stm32f1.20000000.m0'));
    await loaded.call('initStage1');
    probe.target.chip.failNextFlashOperation('WRPRTERR');
    expect(await loaded.call('pageErase', [0x08001000])).toMatchObject({ r0: 0, r1: 0x10 });
    expect((await loaded.cortex.readMem32(FLASH_CR)) & 0x80).toBe(0x80);
    await loaded.stage(pattern(KiB, 2));
    expect(await loaded.call('pageWrite', [0x08001000])).toMatchObject({ r0: 0, r1: 0x04 });
    expect((await loaded.cortex.readMem32(FLASH_CR)) & 0x80).toBe(0x80);
    expect(await loaded.call('pageErase', [0x08001000])).toMatchObject({ r0: 1, r1: 0 });
    expect(await loaded.call('pageWrite', [0x08001000])).toMatchObject({ r0: 1, r1: 0 });
    expect(probe.target.readMemory(0x08001000, KiB)).toEqual(pattern(KiB, 2));
  });
});

describe('size variants: init reports the flash the chip’s own registers give', () => {
  it.each([
    [
      'STM32G0, 64 KiB (flash-size register)',
      () => createSimulatedStm32g071Probe({ flashSizeKiB: 64 }),
      'stm32g0.20000000.m0',
      0x08000000,
      64 * KiB,
      4 * KiB,
    ],
    [
      'STM32G0, 32 KiB',
      () => createSimulatedStm32g071Probe({ flashSizeKiB: 32 }),
      'stm32g0.20000000.m0',
      0x08000000,
      32 * KiB,
      4 * KiB,
    ],
    [
      'SAM D21, 128 KiB (NVMCTRL PARAM.NVMP)',
      () => createSimulatedArduinoZeroProbe({ flashKiB: 128 }),
      'samd21.20000000.m0',
      0,
      128 * KiB,
      KiB,
    ],
    [
      'SAM D21, 32 KiB',
      () => createSimulatedArduinoZeroProbe({ flashKiB: 32 }),
      'samd21.20000000.m0',
      0,
      32 * KiB,
      KiB,
    ],
  ] as const)('%s', async (_, create, id, base, size, block) => {
    const probe = create();
    const loaded = await LoadedScript.load(probe, loadScript(id));
    const init = await loaded.call('initStage1');
    const script = loadScript(id);
    const areas = await readFlashAreas((a, n) => loaded.read(a, n), init.r0, init.r1, script.name);
    const main = areasToRegions(areas)[0];
    expect([main.base, main.size, regionBlocks(main).length]).toEqual([base, size, size / block]);
    expect(main.size).toBe(probe.target.flash.length);
  });
});

describe('STM32G0 script on the simulated STM32G071', () => {
  const OPTION_AREA = 0x1fff7800;
  const FLASH_CR = 0x40022014;
  const FLASH_WRP1AR = 0x4002202c;

  it('reports PROGERR for a double word that is not erased and stops there, CR locked again', async () => {
    const probe = createSimulatedStm32g071Probe({
      flash: [{ address: 0x08001000 + 0x100, data: new Uint8Array(8).fill(0x12) }],
    });
    const loaded = await LoadedScript.load(probe, loadScript('stm32g0.20000000.m0'));
    await loaded.call('initStage1');
    await loaded.stage(pattern(4 * KiB, 4).fill(0x00, 0, 16));
    expect(await loaded.call('pageWrite', [0x08001000])).toMatchObject({ r0: 0, r1: 1 << 3 });
    expect((await loaded.cortex.readMem32(FLASH_CR)) >>> 30).toBe(3); // LOCK and OPTLOCK
    // Everything before the bad double word is programmed, nothing after it.
    expect(probe.target.readMemory(0x08001000, 0x100)).toEqual(
      pattern(2 * KiB, 4)
        .fill(0, 0, 16)
        .slice(0, 0x100),
    );
    expect(probe.target.readMemory(0x08001108, 8).every((b) => b === 0xff)).toBe(true);
    // The next operation clears the old error: erase and program succeed.
    expect(await loaded.call('pageErase', [0x08001000])).toMatchObject({ r0: 1, r1: 0 });
    expect(await loaded.call('pageWrite', [0x08001000])).toMatchObject({ r0: 1, r1: 0 });
  });

  it('reports an injected WRPERR of an erase with its SR bit', async () => {
    const probe = createSimulatedStm32g071Probe();
    const loaded = await LoadedScript.load(probe, loadScript('stm32g0.20000000.m0'));
    await loaded.call('initStage1');
    probe.target.chip.failNextFlashOperation('WRPERR');
    expect(await loaded.call('pageErase', [0x08001000])).toMatchObject({ r0: 0, r1: 0x10 });
  });

  it('writes the option bytes from the named area (they load at reset); refuses RDP level 2', async () => {
    const probe = createSimulatedStm32g071Probe();
    const loaded = await LoadedScript.load(probe, loadScript('stm32g0.20000000.m0'));
    await loaded.call('initStage1');
    const area = await loaded.read(OPTION_AREA, 128);
    expect(new DataView(area.buffer).getUint32(0, true)).toBe(0xdfffe1aa);
    const view = new DataView(area.buffer);
    view.setUint32(0x18, 0x00010000, true); // WRP1A: pages 0-1
    view.setUint32(0x1c, ~0x00010000 >>> 0, true);
    await loaded.stage(area);
    expect(await loaded.call('pageErase', [OPTION_AREA])).toMatchObject({ r0: 1 });
    expect(await loaded.call('pageWrite', [OPTION_AREA])).toMatchObject({ r0: 1, r1: 0 });
    expect(await loaded.read(OPTION_AREA, 128)).toEqual(area);
    expect(await loaded.cortex.readMem32(FLASH_WRP1AR)).toBe(0x00010000);

    const level2 = area.slice();
    level2[0] = 0xcc;
    await loaded.stage(level2);
    expect(await loaded.call('pageWrite', [OPTION_AREA])).toMatchObject({ r0: 0 });
    expect(await loaded.read(OPTION_AREA, 128)).toEqual(area);
  });
});

describe('SAM D21 script on the simulated ATSAMD21G18A (Arduino Zero)', () => {
  it('refuses rows of the boot section BOOTPROT protects, with STATUS.LOCKE, and leaves the bootloader', async () => {
    const probe = createSimulatedArduinoZeroProbe();
    const loaded = await LoadedScript.load(probe, loadScript('samd21.20000000.m0'));
    await loaded.call('initStage1');
    const bootloader = probe.target.readMemory(0, 8 * KiB);
    expect(await loaded.call('pageErase', [0x1c00])).toMatchObject({ r0: 0, r1: 1 << 3 });
    await loaded.stage(pattern(KiB, 2));
    expect(await loaded.call('pageWrite', [0x1c00])).toMatchObject({ r0: 0, r1: 1 << 3 });
    expect(probe.target.readMemory(0, 8 * KiB)).toEqual(bootloader);
    // The first block after the boot section is the application's.
    expect(await loaded.call('pageErase', [0x2000])).toMatchObject({ r0: 1, r1: 0 });
    expect(await loaded.call('pageWrite', [0x2000])).toMatchObject({ r0: 1, r1: 0 });
    expect(probe.target.readMemory(0x2000, KiB)).toEqual(pattern(KiB, 2));
  });

  it('reports an injected NVME with its STATUS bit', async () => {
    const probe = createSimulatedArduinoZeroProbe();
    const loaded = await LoadedScript.load(probe, loadScript('samd21.20000000.m0'));
    await loaded.call('initStage1');
    probe.target.chip.failNextFlashOperation('NVME');
    expect(await loaded.call('pageErase', [0x4000])).toMatchObject({ r0: 0, r1: 1 << 4 });
    expect(await loaded.call('pageErase', [0x4000])).toMatchObject({ r0: 1, r1: 0 });
  });
});
