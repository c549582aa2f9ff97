import { describe, expect, it } from 'vitest';
import { parseDeviceOptions } from './devices-options';

describe('parseDeviceOptions', () => {
  it('turns simulation on with ?sim, with or without a value', () => {
    expect(parseDeviceOptions('https://x.test/webprog/?sim')).toEqual({
      simulation: true,
      simLatency: 'realistic',
    });
    expect(parseDeviceOptions('?sim=1&simLatency=zero')).toEqual({ simulation: true, simLatency: 'zero' });
    expect(parseDeviceOptions('http://localhost:5173/?a=b&sim#top').simulation).toBe(true);
  });

  it('leaves simulation off without sim, or with sim=0/false/off', () => {
    expect(parseDeviceOptions('https://x.test/')).toEqual({ simulation: false, simLatency: 'realistic' });
    expect(parseDeviceOptions(undefined).simulation).toBe(false);
    for (const off of ['0', 'false', 'off', 'no'])
      expect(parseDeviceOptions(`?sim=${off}`).simulation).toBe(false);
    expect(parseDeviceOptions('?simulate=1').simulation).toBe(false);
  });
});
