import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIntelHex } from '../core/formats';
import { SparseData } from '../core/memory/sparse-data';
import { TARGETS } from '../core/targets';
import { imageRefusals, microbitVersionOfImage } from './image-checks';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/microbit');
const hex = (name: string) => parseIntelHex(readFileSync(path.join(FIXTURES, name), 'utf8'));
const V2_BOARD = { boardId: 0x9904, version: 'V2' as const, name: 'micro:bit V2.00' };
const V1_BOARD = { boardId: 0x9901, version: 'V1' as const, name: 'micro:bit V1.5' };
const nrf52 = { name: 'nRF52833', regions: TARGETS.find((t) => t.id === 'nrf52833')!.regions };
const nrf51 = { name: 'nRF51822', regions: TARGETS.find((t) => t.id === 'nrf51822')!.regions };

describe('microbitVersionOfImage', () => {
  it('tells V1 and V2 MicroPython and MakeCode hexes apart from what they hold', () => {
    expect(microbitVersionOfImage(hex('micropython-v1.1.1.hex'))).toBe('V1');
    expect(microbitVersionOfImage(hex('micropython-v1.0.1-appended-script.hex'))).toBe('V1');
    expect(microbitVersionOfImage(hex('makecode-v1.hex'))).toBe('V1');
    expect(microbitVersionOfImage(hex('micropython-v2.1.2.hex'))).toBe('V2');
    expect(microbitVersionOfImage(hex('micropython-v2-beta-regions-table.hex'))).toBe('V2');
  });

  it('says nothing about an image that carries no sign of either', () => {
    expect(microbitVersionOfImage(SparseData.from([{ address: 0, data: new Uint8Array(64) }]))).toBe(
      undefined,
    );
  });
});

describe('imageRefusals', () => {
  it('refuses a V1 hex on a V2 and a V2 hex on a V1, and lets each on its own board', () => {
    const v1 = hex('micropython-v1.1.1.hex');
    const v2 = hex('micropython-v2.1.2.hex');
    const onV2 = imageRefusals({
      fileName: 'v1.hex',
      data: v1,
      boardIds: [],
      microbit: V2_BOARD,
      chip: nrf52,
    });
    expect(onV2.map((r) => r.key)).toEqual(['microbit-version']);
    expect(onV2[0].text).toBe(
      'v1.hex is built for the micro:bit V1; this board is a micro:bit V2.00. It would not run: use a hex for the V2 (or a Universal Hex).',
    );
    expect(
      imageRefusals({ fileName: 'v2.hex', data: v2, boardIds: [], microbit: V1_BOARD, chip: nrf51 }).map(
        (r) => r.key,
      ),
    ).toEqual(['microbit-version', 'outside-regions']);
    expect(
      imageRefusals({ fileName: 'v2.hex', data: v2, boardIds: [], microbit: V2_BOARD, chip: nrf52 }),
    ).toEqual([]);
    expect(
      imageRefusals({ fileName: 'v1.hex', data: v1, boardIds: [], microbit: V1_BOARD, chip: nrf51 }),
    ).toEqual([]);
  });

  it('refuses a Universal Hex without a section for the board, naming the ids it has', () => {
    const data = hex('micropython-v1.1.1.hex');
    const refusals = imageRefusals({
      fileName: 'u.hex',
      data,
      boardIds: [0x9900, 0x9901],
      microbit: V2_BOARD,
      chip: nrf52,
    });
    expect(refusals).toHaveLength(1);
    expect(refusals[0].key).toBe('universal-board');
    expect(refusals[0].text).toContain('it has 0x9900, 0x9901; this board needs a V2 section');
    expect(
      imageRefusals({ fileName: 'u.hex', data, boardIds: [0x9901, 0x9903], microbit: V1_BOARD, chip: nrf51 }),
    ).toEqual([]);
  });

  it('refuses data outside every region with its first address and byte count', () => {
    const data = SparseData.from([
      { address: 0x1000, data: new Uint8Array(16) },
      { address: 0x0800_0000, data: new Uint8Array(0x30) },
      { address: 0x1000_1000, data: new Uint8Array(4) },
      { address: 0x1000_1400, data: new Uint8Array(2) },
    ]);
    const [r] = imageRefusals({ fileName: 'x.bin', data, boardIds: [], chip: nrf52 });
    expect(r).toMatchObject({ key: 'outside-regions', address: 0x0800_0000 });
    expect(r.text).toBe(
      'x.bin holds 50 bytes outside every memory region of the nRF52833, the first at 0x08000000: it is not built for this chip.',
    );
  });

  it('refuses an ESP manifest without a build for the connected chip', () => {
    const chip = { name: 'ESP32-S3', regions: [{ ...nrf52.regions[0], name: 'Flash', size: 0x400000 }] };
    const data = SparseData.from([{ address: 0x1000, data: new Uint8Array(16) }]);
    const input = { fileName: 'manifest.json', data, boardIds: [], chip };
    expect(imageRefusals({ ...input, chipFamilies: ['ESP32', 'ESP32-C3'] })).toEqual([
      { key: 'esp-build', text: 'manifest.json has no build for the ESP32-S3 (it has ESP32, ESP32-C3).' },
    ]);
    expect(imageRefusals({ ...input, chipFamilies: ['esp32s3'] })).toEqual([]);
  });
});
