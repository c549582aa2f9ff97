import { describe, expect, it } from 'vitest';
import { WebProgError } from '../core/errors';
import { LogState } from './log.svelte';
import { logTime } from './text';

describe('LogState', () => {
  it('keeps lines in order with levels and times', () => {
    const time = new Date(2025, 0, 2, 9, 5, 7, 42).getTime();
    const log = new LogState(() => time);
    log.info('Opened a.hex');
    log.warn('Gap filled');
    expect(log.entries.map((e) => [e.level, e.text])).toEqual([
      ['info', 'Opened a.hex'],
      ['warn', 'Gap filled'],
    ]);
    expect(log.entries[0].id).toBeLessThan(log.entries[1].id);
    expect(logTime(log.entries[0].time)).toBe('09:05:07.042');
  });

  it('describes failures and returns the text for inline display', () => {
    const log = new LogState();
    const text = log.failure(
      'Open bad.hex',
      new WebProgError('FORMAT_INVALID', 'Not a record.', { line: 3 }),
    );
    expect(text).toBe(
      'Open bad.hex failed. The file is not in a format WebProg can read: Not a record (line 3).',
    );
    expect(log.entries.at(-1)).toMatchObject({ level: 'error', text });
  });

  it('drops the oldest lines past the limit and clears', () => {
    const log = new LogState(undefined, 3);
    for (let i = 0; i < 5; i++) log.info(`line ${i}`);
    expect(log.entries.map((e) => e.text)).toEqual(['line 2', 'line 3', 'line 4']);
    log.clear();
    expect(log.entries).toEqual([]);
  });
});
