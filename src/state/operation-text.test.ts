import { describe, expect, it } from 'vitest';
import {
  bytesText,
  eraseSummary,
  flashSummary,
  percent,
  rateText,
  timeLeftMs,
  timeLeftText,
} from './operation-text';

describe('progress text', () => {
  const p = { stage: 'Flash', done: 212 * 1024, total: 412 * 1024, rate: 50 * 1024 };

  it('writes bytes, rate, percent and time left', () => {
    expect(bytesText(p)).toBe('212 KiB of 412 KiB');
    expect(rateText(p.rate)).toBe('50 KiB/s');
    expect(rateText(0)).toBe('');
    expect(percent(p)).toBe(51);
    expect(percent({ ...p, total: 0 })).toBe(0);
    expect(timeLeftMs(p)).toBe(4000);
    expect(timeLeftMs({ ...p, rate: 0 })).toBeUndefined();
  });

  it('rounds time left up to whole seconds and minutes', () => {
    expect(timeLeftText(undefined)).toBe('');
    expect(timeLeftText(0)).toBe('under 1 s left');
    expect(timeLeftText(4000)).toBe('4 s left');
    expect(timeLeftText(4001)).toBe('5 s left');
    expect(timeLeftText(125_000)).toBe('2 min 05 s left');
  });
});

describe('result lines', () => {
  it('says what a flash did', () => {
    expect(
      flashSummary({ bytesWritten: 412 * 1024, erasedBlocks: 103, skippedBlocks: 37, verified: true }, 7900),
    ).toBe('wrote 412 KiB in 7.9 s, verified; 37 blocks skipped as unchanged');
    expect(flashSummary({ bytesWritten: 0, erasedBlocks: 0, skippedBlocks: 1, verified: true }, 350)).toBe(
      'nothing to write (checked in 350 ms), verified; 1 block skipped as unchanged',
    );
    expect(flashSummary({ bytesWritten: 1536, erasedBlocks: 1, skippedBlocks: 0, verified: false }, 12)).toBe(
      'wrote 1.5 KiB in 12 ms',
    );
  });

  it('says what an erase did', () => {
    expect(
      eraseSummary({ bytesWritten: 0, erasedBlocks: 128, skippedBlocks: 0, verified: false }, 2100),
    ).toBe('erased 128 blocks in 2.1 s');
  });
});
