import { describe, expect, it } from 'vitest';
import { ProgressReporter, type ProgressEvent } from './progress';

describe('ProgressReporter', () => {
  it('emits started, throttled progress, finished in order with rates', () => {
    let now = 0;
    const events: ProgressEvent[] = [];
    const p = new ProgressReporter(
      'Write',
      1000,
      (e) => events.push(e),
      50,
      () => now,
    );
    p.start();
    for (let i = 1; i <= 10; i++) {
      now += 10;
      p.advance(100);
    }
    p.finish();
    expect(events[0]).toMatchObject({ kind: 'started', operation: 'Write', done: 0, total: 1000 });
    const progress = events.filter((e) => e.kind === 'progress');
    expect(progress.length).toBe(2); // at 50 ms and 100 ms
    expect(progress[0]).toMatchObject({ done: 500, rate: 10_000 });
    expect(events.at(-1)).toMatchObject({ kind: 'finished', done: 1000, elapsedMs: 100 });
  });

  it('never lets done go backwards or past total, and reports failures', () => {
    let now = 0;
    const events: ProgressEvent[] = [];
    const p = new ProgressReporter(
      'Erase',
      100,
      (e) => events.push(e),
      0,
      () => now,
    );
    p.start();
    now = 1;
    p.update(80);
    now = 2;
    p.update(20);
    now = 3;
    p.update(500);
    p.fail({ name: 'WebProgError', code: 'DEVICE_LOST', message: 'gone' });
    expect(events.filter((e) => e.kind === 'progress').map((e) => e.done)).toEqual([80, 80, 100]);
    expect(events.at(-1)).toMatchObject({ kind: 'failed', error: { code: 'DEVICE_LOST' } });
  });
});
