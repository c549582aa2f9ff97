import { describe, expect, it } from 'vitest';
import { formatTable, verdict } from './table';
import { median } from './stats';

describe('bench table', () => {
  it('judges results against their target', () => {
    expect(verdict({ name: 'a', value: 5, unit: 'ms', target: { value: 10, better: 'lower' } })).toBe('yes');
    expect(verdict({ name: 'a', value: 15, unit: 'ms', target: { value: 10, better: 'lower' } })).toBe('NO');
    expect(verdict({ name: 'a', value: 15, unit: 'MB/s', target: { value: 10, better: 'higher' } })).toBe(
      'yes',
    );
    expect(verdict({ name: 'a', value: 15, unit: 'MB/s' })).toBe('');
  });

  it('prints every figure with its limit and peer', () => {
    const text = formatTable([
      { name: 'parse', value: 150.4, unit: 'ms', limit: 100, peer: { name: 'nrf-intel-hex', value: 140 } },
    ]);
    expect(text).toContain('parse');
    expect(text).toContain('150 ms');
    expect(text).toContain('nrf-intel-hex: 140');
  });

  it('takes medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
