import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIntelHex } from './intel-hex';
import { isUniversalHex, readUniversalHex, selectBoard, splitUniversalHex } from './universal-hex';
import { createUniversalHex } from './universal-hex-create';
import { thrown } from '../testing/thrown';

const fixture = (name: string): string =>
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'latin1');

const sections = fixture('universal-sections-9901-9903.hex');
const blocks = fixture('universal-blocks-9901-9903.hex');
const v1 = fixture('micropython-v1.1.1.hex');
const v2 = fixture('micropython-v2.1.2.hex');

describe('isUniversalHex', () => {
  it('recognises both layouts, also with CRLF and a BOM', () => {
    expect(isUniversalHex(sections)).toBe(true);
    expect(isUniversalHex(blocks)).toBe(true);
    expect(isUniversalHex('\uFEFF' + sections.slice(0, 3000).replace(/\n/g, '\r\n'))).toBe(true);
  });

  it('rejects plain Intel Hex and other text', () => {
    expect(isUniversalHex(v1)).toBe(false);
    expect(isUniversalHex(v2)).toBe(false);
    expect(isUniversalHex(fixture('not-a-hex.hex'))).toBe(false);
    expect(isUniversalHex('')).toBe(false);
  });
});

describe('splitUniversalHex with the real files', () => {
  const fromSections = splitUniversalHex(sections);
  const fromBlocks = splitUniversalHex(blocks);

  it('finds boards 0x9901 and 0x9903 in file order in both layouts', () => {
    expect(fromSections.map((p) => p.boardId)).toEqual([0x9901, 0x9903]);
    expect(fromBlocks.map((p) => p.boardId)).toEqual([0x9901, 0x9903]);
  });

  it("gives each board's hex that parses to the expected ranges", () => {
    for (const parts of [fromSections, fromBlocks]) {
      expect(parseIntelHex(parts[0].hex).ranges()).toEqual([{ start: 0, end: 0x40000 }]);
      expect(parseIntelHex(parts[1].hex).ranges()).toEqual([{ start: 0, end: 93136 }]);
    }
  });

  it('gives identical memory per board for both layouts', () => {
    for (let i = 0; i < 2; i++) {
      expect(parseIntelHex(fromSections[i].hex).equals(parseIntelHex(fromBlocks[i].hex))).toBe(true);
    }
  });

  it('reads the same data directly as through the split hexes', () => {
    const { boards, warnings } = readUniversalHex(blocks);
    expect(warnings).toEqual([]);
    boards.forEach((b, i) => expect(b.data.equals(parseIntelHex(fromBlocks[i].hex))).toBe(true));
  });

  it('round-trips split → create → split with identical memory, in both layouts', () => {
    for (const layout of ['sections', 'blocks'] as const) {
      const again = splitUniversalHex(createUniversalHex(fromSections, layout));
      expect(again.map((p) => p.boardId)).toEqual([0x9901, 0x9903]);
      again.forEach((p, i) =>
        expect(parseIntelHex(p.hex).equals(parseIntelHex(fromSections[i].hex))).toBe(true),
      );
    }
  });
});

describe('createUniversalHex', () => {
  it('recreates the sections fixture byte for byte from its parts', () => {
    expect(createUniversalHex(splitUniversalHex(sections))).toBe(sections);
  });

  it('builds a V1 + V2 MicroPython Universal Hex whose parts equal the inputs', () => {
    const hexes = [
      { boardId: 0x9900, hex: v1 },
      { boardId: 0x9903, hex: v2 },
    ];
    for (const layout of ['sections', 'blocks'] as const) {
      const universal = createUniversalHex(hexes, layout);
      expect(isUniversalHex(universal)).toBe(true);
      const parts = splitUniversalHex(universal);
      expect(parts.map((p) => p.boardId)).toEqual([0x9900, 0x9903]);
      expect(parseIntelHex(parts[0].hex).equals(parseIntelHex(v1))).toBe(true);
      expect(parseIntelHex(parts[1].hex).equals(parseIntelHex(v2))).toBe(true);
    }
  });

  it('keeps every section and block on a 512-byte boundary', () => {
    const hexes = [
      { boardId: 0x9900, hex: v1 },
      { boardId: 0x9903, hex: v2 },
    ];
    for (const layout of ['sections', 'blocks'] as const) {
      const universal = createUniversalHex(hexes, layout);
      let offset = 0;
      const starts: number[] = [];
      for (const line of universal.split('\n')) {
        if (line.startsWith(':0400000A')) starts.push(offset - 16); // after a 15-char ELA line
        offset += line.length + 1;
      }
      expect(starts.length).toBeGreaterThan(layout === 'blocks' ? 1000 : 1);
      expect(starts.every((s) => s % 512 === 0)).toBe(true);
      expect(
        universal.endsWith(':0000000BF5\n:00000001FF\n') ||
          /:[0-9A-F]+0B[0-9A-F]+\n:00000001FF\n$/.test(universal),
      ).toBe(true);
    }
  });

  it('splits records longer than 32 bytes and keeps their data', () => {
    const long = ':40000000' + '11'.repeat(64);
    const sum = (0x40 + 64 * 0x11) & 0xff;
    const hex = long + ((0x100 - sum) & 0xff).toString(16).toUpperCase().padStart(2, '0') + '\n:00000001FF\n';
    const universal = createUniversalHex([{ boardId: 0x9903, hex }]);
    expect(universal.split('\n').filter((l) => l.startsWith(':20') && l.slice(7, 9) === '0D').length).toBe(2);
    expect(parseIntelHex(splitUniversalHex(universal)[0].hex).equals(parseIntelHex(hex))).toBe(true);
  });

  it('refuses a Universal Hex, a MakeCode V1 hex and bad board ids', () => {
    expect(thrown(() => createUniversalHex([{ boardId: 0x9900, hex: sections }])).line).toBe(2);
    const makecode = thrown(() => createUniversalHex([{ boardId: 0x9900, hex: fixture('makecode-v1.hex') }]));
    expect([makecode.code, makecode.line]).toEqual(['FORMAT_UNSUPPORTED', 14006]);
    expect(thrown(() => createUniversalHex([{ boardId: 0x10000, hex: v1 }])).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => createUniversalHex([])).code).toBe('INVALID_ARGUMENT');
  });
});

describe('Universal Hex errors name the line', () => {
  const lines = blocks.split('\n');

  it('verifies checksums of every record, including padding', () => {
    const index = lines.findIndex((l) => l.startsWith(':1000000C'));
    const broken = [...lines];
    broken[index] = broken[index].slice(0, -2) + '00';
    const error = thrown(() => splitUniversalHex(broken.join('\n'), 'u.hex'));
    expect([error.code, error.line, error.file]).toEqual(['FORMAT_CHECKSUM', index + 1, 'u.hex']);
    expect(error.message).toMatch(
      new RegExp(`^Line ${index + 1}: checksum 0x00 does not match the record \\(expected 0xF4\\)\\.$`),
    );
  });

  it('reports data before any Block Start record', () => {
    const broken = [lines[0], lines[2], ...lines.slice(1)];
    const error = thrown(() => splitUniversalHex(broken.join('\n')));
    expect([error.code, error.line]).toEqual(['FORMAT_INVALID', 2]);
  });

  it('reports a file cut short', () => {
    const error = thrown(() => splitUniversalHex(lines.slice(0, 1000).join('\n')));
    expect([error.code, error.line]).toEqual(['FORMAT_INVALID', 1000]);
  });
});

describe('selectBoard', () => {
  const parts = [
    { boardId: 0x9901, hex: '' },
    { boardId: 0x9903, hex: '' },
  ];

  it('takes the exact board, else one of the same generation', () => {
    expect(selectBoard(parts, 0x9903).boardId).toBe(0x9903);
    expect(selectBoard(parts, 0x9900).boardId).toBe(0x9901);
    expect(selectBoard(parts, 0x9905).boardId).toBe(0x9903);
  });

  it('refuses a board the file has no program for', () => {
    const error = thrown(() => selectBoard(parts, 0x1234));
    expect(error.code).toBe('FORMAT_UNSUPPORTED');
    expect(error.message).toMatch(/0x1234.*0x9901, 0x9903/);
  });
});
