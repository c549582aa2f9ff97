import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { ENTRY_OFFSETS, V2_MAGIC, readHeader } from './header';
import { FOOTER_SIZE, parseSwds } from './swds-file';
import { encodeSwds } from './swds-writer';

const BUILD_DIR = path.resolve(process.cwd(), 'device-scripts/build');
const builtFiles = readdirSync(BUILD_DIR).filter((f) => f.endsWith('.swds'));

function builtScript(id: string) {
  const file = builtFiles.find((f) => f.startsWith(`${id}.`));
  if (!file) throw new Error(`no built script for ${id}`);
  return parseSwds(new Uint8Array(readFileSync(path.join(BUILD_DIR, file))), file);
}

/** A 0x2C-byte header: syscall loop, `bl`-like words in `filled` slots, optional v2 magic. */
function header(filled: (keyof typeof ENTRY_OFFSETS)[], v2: boolean): Uint8Array {
  const image = new Uint8Array(0x30);
  const view = new DataView(image.buffer);
  view.setUint16(0, 0x46c0, true); // nop
  view.setUint16(2, 0xe7fd, true); // b .-2
  if (v2) view.setUint32(0x20, V2_MAGIC, true);
  for (const entry of filled) view.setUint32(ENTRY_OFFSETS[entry], 0xf800f000, true);
  return image;
}

describe('parseSwds on the built scripts', () => {
  it('finds the committed scripts', () => {
    expect(builtFiles.map((f) => f.split('.')[0]).sort()).toEqual([
      'nrf51822',
      'nrf52833',
      'nrf52840',
      'samd21',
      'stm32f1',
      'stm32f4',
      'stm32g0',
    ]);
  });

  it.each([
    ['nrf51822', 'Nordic nRF51822', 0x20000800, 2],
    ['nrf52833', 'Nordic nRF52833', 0x20000800, 2],
    ['nrf52840', 'Nordic nRF52840', 0x20000800, 2],
    ['stm32f1', 'STM32F1 (512 KiB single bank)', 0x20000800, 3],
    ['stm32f4', 'STM32F4 (1 MiB single bank)', 0x20000800, 2],
    ['stm32g0', 'STM32G0 (single bank)', 0x20000800, 2],
    ['samd21', 'Microchip SAM D21', 0x20000800, 2],
  ])('%s: name, addresses, check values', (id, name, staging, checks) => {
    const script = builtScript(id);
    expect(script.name).toBe(name);
    expect(script.loadAddr).toBe(0x20000000);
    expect(script.stagingAddr).toBe(staging);
    expect(script.checkValues).toHaveLength(checks);
    expect(script.targetId).toBe(0);
    // The image starts with the syscall spin loop: nop; b back to the nop.
    expect(Array.from(script.image.subarray(0, 4))).toEqual([0xc0, 0x46, 0xfd, 0xe7]);
    // The image must not reach into the staging buffer.
    expect(script.loadAddr + script.image.length).toBeLessThanOrEqual(script.stagingAddr);
  });

  it.each(['nrf51822', 'nrf52833', 'nrf52840', 'stm32f1', 'stm32f4', 'stm32g0', 'samd21'])(
    '%s: version-2 header with every entry but stages 2/3 (and allErase on the SAM D21)',
    (id) => {
      const { header } = builtScript(id);
      expect(header.formatVersion).toBe(2);
      expect(header.entries).toEqual({
        initStage1: true,
        initStage2: false,
        initStage3: false,
        allErase: id !== 'samd21',
        pageErase: true,
        pageWrite: true,
        cpuid: true,
        blockChecksum: true,
        blankCheck: true,
      });
    },
  );

  it('reads the nRF check values and PID masks', () => {
    const nrf52 = builtScript('nrf52833');
    expect(nrf52.checkValues[0]).toEqual({ address: 0x10000100, mask: 0xffffffff, value: 0x52833 });
    expect(nrf52.pidMasks).toEqual([0x0f, 0, 0, 0, 0, 0xf0, 0x0f, 0]);
    expect(nrf52.pidValues).toEqual([0x02, 0, 0, 0, 0, 0x40, 0x0c, 0]);
  });
});

describe('parseSwds layout rules', () => {
  const parts = {
    image: header(['initStage1', 'pageWrite', 'cpuid'], false),
    loadAddr: 0x1fffe000,
    stagingAddr: 0x20000400,
    checkValues: [
      { address: 0xe0042000, mask: 0xfff, value: 0x413 },
      { address: 0x1fff7a10, mask: 0, value: 0 },
    ],
    targetId: 0x01002927,
    pidMasks: [1, 2, 3, 4, 5, 6, 7, 8],
    pidValues: [9, 10, 11, 12, 13, 14, 15, 16],
    name: 'Test chip',
  };

  it('round-trips every field through encodeSwds', () => {
    const script = parseSwds(encodeSwds(parts), 'test.swds');
    expect(script).toMatchObject({ ...parts, image: parts.image, file: 'test.swds' });
    expect(script.header).toEqual(readHeader(parts.image));
  });

  it('uploads exactly the bytes before the first check value', () => {
    const bytes = encodeSwds(parts);
    const script = parseSwds(bytes, 'test.swds');
    expect(script.image.length).toBe(bytes.length - FOOTER_SIZE - parts.name.length - 2 * 12);
  });

  it('allows an empty name (the file then ends with the zero word)', () => {
    expect(parseSwds(encodeSwds({ ...parts, name: '' }), 'x.swds').name).toBe('');
  });

  it('rejects a file without a zero byte', () => {
    expect(() => parseSwds(new Uint8Array(200).fill(0x41), 'bad.swds')).toThrowError(/no footer/);
  });

  it('rejects a file too short for the footer', () => {
    expect(() => parseSwds(new Uint8Array([1, 2, 0, 65]), 'bad.swds')).toThrowError(/too short/);
  });

  it('rejects a footer whose zero word is not zero', () => {
    const bytes = encodeSwds(parts);
    const zeroWord = bytes.length - parts.name.length - 4;
    bytes[zeroWord] = 1;
    expect(() => parseSwds(bytes, 'bad.swds')).toThrowError(/zero word/);
  });

  it('rejects check values that leave no room for the header', () => {
    const bytes = encodeSwds(parts);
    const count = bytes.length - parts.name.length - FOOTER_SIZE + 8;
    new DataView(bytes.buffer).setUint32(count, 4, true);
    expect(() => parseSwds(bytes, 'bad.swds')).toThrowError(/4 check values/);
    new DataView(bytes.buffer).setUint32(count, 0xffffffff, true);
    expect(() => parseSwds(bytes, 'bad.swds')).toThrowError(/check values/);
  });

  it('rejects misaligned load and staging addresses, naming the file', () => {
    const error = (() => {
      try {
        parseSwds(encodeSwds({ ...parts, loadAddr: 0x20000002 }), 'odd.swds');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WebProgError);
    expect(error).toMatchObject({ code: 'FORMAT_INVALID', file: 'odd.swds' });
    expect(String((error as Error).message)).toMatch(/odd\.swds.*load address 0x20000002/);
    expect(() => parseSwds(encodeSwds({ ...parts, stagingAddr: 0x20000401 }), 'x')).toThrowError(/staging/);
  });
});

describe('readHeader', () => {
  it('treats a version-1 header as having no checksum or blank-check entry', () => {
    const image = header(['initStage1', 'blockChecksum', 'blankCheck'], false);
    expect(readHeader(image)).toMatchObject({
      formatVersion: 1,
      entries: { initStage1: true, blockChecksum: false, blankCheck: false },
    });
  });

  it('detects the WPS2 magic and reads the two extra slots', () => {
    const image = header(['allErase', 'blockChecksum'], true);
    expect(readHeader(image)).toMatchObject({
      formatVersion: 2,
      entries: { allErase: true, pageErase: false, blockChecksum: true, blankCheck: false },
    });
  });

  it('needs the whole version-2 header for the magic to count', () => {
    const image = header(['blockChecksum'], true).subarray(0, 0x28);
    expect(readHeader(image).formatVersion).toBe(1);
  });
});
