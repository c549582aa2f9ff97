import { describe, expect, it } from 'vitest';
import { classroomCsv, csvField, csvFileName, safeText } from './classroom-csv';
import type { ClassroomRow } from './classroom-rows';

const row = (patch: Partial<ClassroomRow> = {}): ClassroomRow => ({
  id: 'usb:0d28:0204:9903',
  index: 1,
  serial: '9903000012345678',
  board: 'micro:bit V2.00',
  version: 'V2',
  friendlyName: 'tupog',
  label: '',
  simulated: false,
  present: true,
  status: 'flashed',
  attempts: 1,
  ...patch,
});

describe('classroom CSV', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(undefined)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  it('keeps typed text from being read as a spreadsheet formula', () => {
    expect(safeText('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(safeText('+1')).toBe("'+1");
    expect(safeText('@cmd')).toBe("'@cmd");
    expect(safeText('Table 3')).toBe('Table 3');
  });

  it('writes a header and one CRLF line per board, the label or friendly name as its name', () => {
    const csv = classroomCsv(
      [
        row({
          label: 'Ada',
          bytesWritten: 463872,
          skippedBlocks: 0,
          elapsedMs: 12345,
          message: 'wrote 453 KiB, verified',
        }),
        row({
          index: 2,
          friendlyName: undefined,
          status: 'failed',
          errorCode: 'DEVICE_LOST',
          message: 'The board was unplugged. Gone.',
        }),
      ],
      'blinky.hex',
    );
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[1]).toBe(
      '1,Ada,Ada,tupog,9903000012345678,micro:bit V2.00,no,Flashed,463872,0,12.35,,1,,"wrote 453 KiB, verified",blinky.hex',
    );
    expect(lines[2]).toBe(
      '2,Board 2,,,9903000012345678,micro:bit V2.00,no,Failed,,,,,1,DEVICE_LOST,The board was unplugged. Gone.,blinky.hex',
    );
  });

  it('names the file after the image and the time', () => {
    expect(csvFileName('My Project!.hex', new Date(2025, 0, 2, 3, 4).getTime())).toBe(
      'classroom-My-Project-2025-01-02-0304.csv',
    );
    expect(csvFileName('', 0)).toMatch(/^classroom-image-\d{4}-\d\d-\d\d-\d{4}\.csv$/);
  });
});
