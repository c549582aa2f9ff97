import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { ChipChangeLog, describeChipChanges, withChipChanges } from './chip-changes';

describe('ChipChangeLog', () => {
  it('leaves an error alone when nothing was changed', () => {
    const e = new WebProgError('CANCELLED', 'Stopped.');
    expect(new ChipChangeLog().annotate(e)).toBe(e);
  });

  it('names touching blocks as one range and keeps the code, address and cause', () => {
    const log = new ChipChangeLog();
    for (const a of [0x2000, 0x1000, 0x8000]) log.block(a, 0x1000);
    const cause = new Error('usb');
    const e = log.annotate(new WebProgError('TIMEOUT', 'Too slow.', { address: 0x8000, cause }));
    expect(e).toMatchObject({ code: 'TIMEOUT', address: 0x8000, cause });
    expect(e.changes?.blocks.map((b) => b.address)).toEqual([0x1000, 0x2000, 0x8000]);
    expect(e.message).toBe(
      'Too slow. Before it stopped, 3 erase blocks (0x00001000..0x00002FFF, 0x00008000..0x00008FFF) had been erased or programmed; the rest of the chip is unchanged.',
    );
  });

  it('merges with changes the error already carries, saying them once', () => {
    const inner = new ChipChangeLog();
    inner.block(0, 0x400);
    const first = inner.annotate(new WebProgError('CANCELLED', 'Stopped.'));
    const outer = withChipChanges(first, { massErased: true, blocks: [] });
    expect(outer.changes).toEqual({ massErased: true, blocks: [{ address: 0, size: 0x400 }] });
    expect(outer.message).toBe(
      'Stopped. Before it stopped, the whole chip was erased and 1 erase block (0x00000000..0x000003FF) programmed again; everything else on it is erased.',
    );
  });

  it('lists at most six ranges', () => {
    const blocks = Array.from({ length: 9 }, (_, i) => ({ address: i * 0x2000, size: 0x1000 }));
    expect(describeChipChanges({ massErased: false, blocks })).toContain('and 3 more ranges');
  });
});
