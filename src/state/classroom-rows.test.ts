import { describe, expect, it } from 'vitest';
import {
  failureAdvice,
  flashResultText,
  resultText,
  rowName,
  statusText,
  summarise,
  type ClassroomRow,
} from './classroom-rows';

const row = (patch: Partial<ClassroomRow> = {}): ClassroomRow => ({
  id: 'a',
  index: 3,
  serial: '',
  board: 'micro:bit V2.00',
  version: 'V2',
  label: '',
  simulated: true,
  present: true,
  status: 'waiting',
  attempts: 0,
  ...patch,
});

describe('classroom rows', () => {
  it('counts boards by status for the summary', () => {
    const rows = [
      row({ status: 'flashed' }),
      row({ status: 'flashed', present: false }),
      row({ status: 'up-to-date' }),
      row({ status: 'failed' }),
      row({ status: 'flashing' }),
      row({ status: 'connecting' }),
      row({ status: 'cancelled' }),
      row(),
    ];
    expect(summarise(rows)).toEqual({
      boards: 8,
      present: 7,
      flashed: 2,
      upToDate: 1,
      failed: 1,
      active: 2,
      waiting: 2,
    });
  });

  it('names a board by label, friendly name or number', () => {
    expect(rowName(row({ label: '  Ada ', friendlyName: 'tupog' }))).toBe('Ada');
    expect(rowName(row({ friendlyName: 'tupog' }))).toBe('tupog');
    expect(rowName(row())).toBe('Board 3');
  });

  it('shows the stage and percent while flashing', () => {
    expect(
      statusText(row({ status: 'flashing', progress: { stage: 'Write', done: 512, total: 1024 } })),
    ).toBe('Flashing · Write 50%');
    expect(statusText(row({ status: 'up-to-date' }))).toBe('Already up to date');
  });

  it('says what a flash did', () => {
    expect(flashResultText({ bytesWritten: 0, skippedBlocks: 114, verified: true })).toBe(
      'nothing to write: the board already holds the image, verified',
    );
    expect(flashResultText({ bytesWritten: 4096, skippedBlocks: 113, verified: true })).toBe(
      'wrote 4 KiB, verified; 113 blocks unchanged',
    );
    expect(flashResultText({ bytesWritten: 463872, skippedBlocks: 0, verified: true, full: true })).toMatch(
      /^wrote 453(\.0)? KiB \(full flash\), verified$/,
    );
  });
});

describe('classroom result column', () => {
  it('adds the serial number only once the board holds it', () => {
    expect(resultText(row({ status: 'flashed', message: 'wrote 4 KiB, verified', serialNumber: 7 }))).toBe(
      'wrote 4 KiB, verified · serial number 7',
    );
    expect(resultText(row({ status: 'flashing', serialNumber: 7 }))).toBe('');
    expect(resultText(row({ status: 'failed', message: 'Unplugged.', serialNumber: 7 }))).toBe('Unplugged.');
  });
});

describe('failureAdvice', () => {
  const problem = (code: string, detail = 'SWD NO_ACK at DP read') => ({
    code,
    title: 'Heading',
    detail,
    advice: [{ text: 'Do this.' }],
  });

  it('tells a teacher what to do when the board does not answer, whatever the protocol detail', () => {
    for (const code of ['DEVICE_PROTOCOL', 'TIMEOUT', 'DEVICE_FAULT']) {
      expect(failureAdvice(problem(code))).toBe(
        'The board did not answer: unplug it and plug it in again; check the cable.',
      );
    }
  });

  it('keeps image problems, which are already in plain words', () => {
    expect(failureAdvice(problem('INVALID_ARGUMENT', 'game.hex holds nothing for micro:bit V1.'))).toBe(
      'game.hex holds nothing for micro:bit V1.',
    );
  });

  it('falls back to the first advice step, or to trying again', () => {
    expect(failureAdvice(problem('NOT_SUPPORTED'))).toBe('Heading: Do this.');
    expect(failureAdvice({ ...problem('INTERNAL'), advice: [] })).toMatch(/^Heading\. Try again/);
  });
});
