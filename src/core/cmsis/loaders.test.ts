/**
 * The CMSIS loaders on WebProg's own algorithms (device-scripts/cmsis/build) and on damaged
 * copies: a .FLM, the CMSIS-Pack and the probe-rs target descriptions describe the same
 * algorithm; bad inputs give FORMAT_INVALID / INVALID_ARGUMENT naming what is wrong.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { algorithmRegion } from './algorithm';
import { parseElf } from './elf';
import { encodeFlashDevice, parseFlashDevice } from './flash-device';
import { parseFlm } from './flm';
import { openPack, packDeviceNames, packTarget } from './pack';
import { parseProbeRsTarget, probeRsTarget } from './probe-rs';

const BUILD = join(process.cwd(), 'device-scripts', 'cmsis', 'build');
const file = (name: string) => new Uint8Array(readFileSync(join(BUILD, name)));
const text = (name: string) => readFileSync(join(BUILD, name), 'utf8');

describe('.FLM', () => {
  it('reads the code, data, entries and the FlashDevice of the STM32F411 algorithm', () => {
    const algo = parseFlm(file('stm32f411.FLM'), 'stm32f411.FLM');
    expect(algo.name).toBe('stm32f411');
    expect(algo.flash).toMatchObject({
      name: 'STM32F411 512 KiB Flash',
      start: 0x0800_0000,
      size: 0x8_0000,
      pageSize: 0x400,
      erasedValue: 0xff,
      programTimeoutMs: 100,
      eraseTimeoutMs: 6000,
    });
    expect(algo.flash.sectors).toEqual([
      { address: 0x0800_0000, size: 0x4000 },
      { address: 0x0801_0000, size: 0x1_0000 },
      { address: 0x0802_0000, size: 0x2_0000 },
    ]);
    // Entry offsets are even (the Thumb bit cleared) and inside the code.
    for (const offset of Object.values(algo.entries)) {
      expect(offset % 2).toBe(0);
      expect(offset).toBeLessThan(algo.dataSectionOffset);
    }
    expect(Object.keys(algo.entries).sort()).toEqual(
      ['blankCheck', 'eraseChip', 'eraseSector', 'init', 'programPage', 'uninit', 'verify'].sort(),
    );
    // 4 + 1 + 3 sectors, the largest as the region's erase size.
    const region = algorithmRegion(algo);
    expect(region.blocks).toHaveLength(8);
    expect(region.eraseSize).toBe(0x2_0000);
    expect(region.writeSize).toBe(0x400);
  });

  it('a truncated file is refused naming the truncation', () => {
    const bytes = file('nrf52833.FLM');
    for (const length of [0, 40, 100, bytes.length - 10]) {
      expect(() => parseFlm(bytes.subarray(0, length), 'cut.FLM')).toThrow(
        expect.objectContaining({ code: 'FORMAT_INVALID', message: expect.stringContaining('cut.FLM') }),
      );
    }
    expect(() => parseFlm(bytes.subarray(0, bytes.length - 10), 'cut.FLM')).toThrow(/truncated/);
  });

  it('a file that is not ELF is refused', () => {
    expect(() =>
      parseFlm(strToU8('hello world, this is not an ELF file at all, not at all.'), 'x.FLM'),
    ).toThrow(/ELF magic/);
  });

  /** The FLM with its first sector entry's size replaced. */
  function withSectorSize(size: number): Uint8Array {
    const bytes = file('nrf52833.FLM').slice();
    const devDscr = parseElf(bytes, 'f').sections.find((s) => s.name === 'DevDscr')!;
    new DataView(bytes.buffer).setUint32(devDscr.offset + 160, size, true);
    return bytes;
  }

  it('impossible sectors are refused', () => {
    expect(() => parseFlm(withSectorSize(0x300), 'odd.FLM')).toThrow(
      expect.objectContaining({
        code: 'FORMAT_INVALID',
        message: expect.stringMatching(/768-byte sectors|do not fill/),
      }),
    );
    expect(() => parseFlm(withSectorSize(0), 'zero.FLM')).toThrow(/sector of size 0/);
  });

  it('sectors out of order, a missing end marker and page size 0 are refused', () => {
    const flash = {
      name: 'F',
      start: 0,
      size: 0x10000,
      pageSize: 0x100,
      erasedValue: 0xff,
      programTimeoutMs: 100,
      eraseTimeoutMs: 100,
      sectors: [
        { address: 0x8000, size: 0x1000 },
        { address: 0, size: 0x1000 },
      ],
    };
    expect(() => parseFlashDevice(encodeFlashDevice(flash), 'f')).toThrow(/starts its sectors|out of order/);
    const good = encodeFlashDevice({ ...flash, sectors: [{ address: 0, size: 0x1000 }] });
    expect(parseFlashDevice(good, 'f').sectors).toEqual([{ address: 0, size: 0x1000 }]);
    expect(() => parseFlashDevice(good.subarray(0, good.length - 8), 'f')).toThrow(/no end marker/);
    expect(() =>
      parseFlashDevice(
        encodeFlashDevice({ ...flash, pageSize: 0, sectors: [{ address: 0, size: 0x1000 }] }),
        'f',
      ),
    ).toThrow(/page size of 0/);
  });
});

describe('CMSIS-Pack', () => {
  const pack = () => openPack(file('WebProg.SimulatedChips.pack'), 'sim.pack');

  it('lists the devices and loads the chosen one with its RAM and algorithm', () => {
    expect(packDeviceNames(pack())).toEqual(['nRF51822_xxAA', 'nRF52833_xxAA', 'STM32F411RETx']);
    const target = packTarget(pack(), 'stm32f411retx');
    expect(target).toMatchObject({ name: 'STM32F411RETx', vendor: 'STMicroelectronics', source: 'pack' });
    expect(target.ram).toEqual({ start: 0x2000_0000, size: 0x2_0000 });
    expect(target.algorithms).toHaveLength(1);
    expect(target.algorithms[0].ram).toEqual({ start: 0x2000_0000, size: 0x4000 });
    expect(target.algorithms[0].instructions).toEqual(parseFlm(file('stm32f411.FLM'), 'x').instructions);
  });

  it('a pack without the chosen device names the devices it has', () => {
    expect(() => packTarget(pack(), 'STM32F103C8')).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(
          /has no device "STM32F103C8".*nRF51822_xxAA, nRF52833_xxAA, STM32F411RETx/,
        ),
      }),
    );
  });

  it('inherits memories and algorithms from family and subFamily', () => {
    const pdsc = `<?xml version="1.0"?><package><vendor>V</vendor><name>P</name><devices>
      <family Dfamily="F" Dvendor="Nordic Semiconductor:54">
        <memory id="IRAM1" start="0x20000000" size="0x4000"/>
        <subFamily DsubFamily="S">
          <algorithm name="Flash\\nrf.flm" start="0" size="0x80000"/>
          <device Dname="Chip_A"><memory id="IROM1" start="0" size="0x80000" startup="1"/></device>
        </subFamily>
      </family></devices></package>`;
    const zip = zipSync({ 'V.P.pdsc': strToU8(pdsc), 'Flash/NRF.FLM': file('nrf52833.FLM') });
    const target = packTarget(openPack(zip, 'p.pack'), 'chip_a');
    expect(target.vendor).toBe('Nordic Semiconductor');
    expect(target.ram).toEqual({ start: 0x2000_0000, size: 0x4000 });
    expect(target.algorithms[0].flash.pageSize).toBe(0x1000);
  });

  it('a pack naming a missing FLM, no PDSC, or not a zip is refused', () => {
    const files = unzipSync(file('WebProg.SimulatedChips.pack'));
    delete files['Flash/nrf52833.FLM'];
    expect(() => packTarget(openPack(zipSync(files), 'p.pack'), 'nRF52833_xxAA')).toThrow(
      /Flash\/nrf52833.FLM of nRF52833_xxAA is not in the pack/,
    );
    expect(() => openPack(zipSync({ 'a.txt': strToU8('x') }), 'p.pack')).toThrow(/no .pdsc/);
    expect(() => openPack(strToU8('not a zip'), 'p.pack')).toThrow(/not a readable zip/);
  });
});

describe('probe-rs target description', () => {
  it('gives the same algorithm as the FLM', () => {
    const family = parseProbeRsTarget(text('nrf51822.yaml'), 'nrf51822.yaml');
    expect(family.manufacturer).toEqual({ id: 0x44, cc: 2 });
    const target = probeRsTarget(family, 'nRF51822_xxAA');
    const flm = parseFlm(file('nrf51822.FLM'), 'nrf51822.FLM');
    expect(target.ram).toEqual({ start: 0x2000_0000, size: 0x4000 });
    expect(target.algorithms[0].instructions).toEqual(flm.instructions);
    expect(target.algorithms[0].entries).toEqual(flm.entries);
    expect(target.algorithms[0].dataSectionOffset).toBe(flm.dataSectionOffset);
    expect(target.algorithms[0].flash.sectors).toEqual(flm.flash.sectors);
  });

  it('reads the older untagged spelling of memory regions the same way', () => {
    const tagged = text('stm32f411.yaml');
    // `- !Nvm` + its keys two deeper  →  `- Nvm:` + its keys four deeper.
    const out: string[] = [];
    let inside: number | undefined;
    for (const line of tagged.split('\n')) {
      const depth = line.length - line.trimStart().length;
      if (inside !== undefined && (depth <= inside || line.trim() === '')) inside = undefined;
      const m = /^(\s*)- !(Nvm|Ram)$/.exec(line);
      if (m) {
        out.push(`${m[1]}- ${m[2]}:`);
        inside = m[1].length;
      } else out.push(inside !== undefined ? `  ${line}` : line);
    }
    const untagged = out.join('\n');
    expect(untagged).toContain('- Ram:');
    expect(untagged).not.toContain('!Ram');
    const a = probeRsTarget(parseProbeRsTarget(tagged, 't'), 'STM32F411RETx');
    const b = probeRsTarget(parseProbeRsTarget(untagged, 'u'), 'STM32F411RETx');
    expect(b.ram).toEqual({ start: 0x2000_0000, size: 0x2_0000 });
    expect(b).toEqual(a);
  });

  it('an unknown variant, bad base64 and a missing address range are refused', () => {
    const family = parseProbeRsTarget(text('nrf52833.yaml'), 'n.yaml');
    expect(() => probeRsTarget(family, 'nRF52840_xxAA', 'n.yaml')).toThrow(
      /no variant "nRF52840_xxAA".*nRF52833_xxAA/,
    );
    expect(() =>
      parseProbeRsTarget(text('nrf52833.yaml').replace(/instructions: \S+/, 'instructions: "%%%"'), 'n.yaml'),
    ).toThrow(/not base64/);
    expect(() =>
      parseProbeRsTarget(text('nrf52833.yaml').replace('address_range:', 'address_rang:'), 'n.yaml'),
    ).toThrow(/address_range/);
    expect(() => parseProbeRsTarget('name: [', 'n.yaml')).toThrow(/not valid YAML/);
  });
});
