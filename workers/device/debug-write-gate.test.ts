import { describe, expect, it } from 'vitest';
import type { DebugRequest } from './debug-api';
import { DebugWriteGate } from './debug-write-gate';

const refused = { code: 'WRITES_NOT_ALLOWED' };

describe('DebugWriteGate', () => {
  it('lets run control through until a register is set, then gates go and step until a reset', () => {
    const gate = new DebugWriteGate();
    const run = (request: DebugRequest, allow = false) => {
      gate.check(request, allow);
      gate.done(request);
    };
    run({ op: 'stop' });
    run({ op: 'go' });
    run({ op: 'step' });
    run({ op: 'reg_set', reg: 15, value: 0x2000_0000 });
    expect(() => run({ op: 'go' })).toThrow(expect.objectContaining(refused));
    expect(() => run({ op: 'step' })).toThrow(expect.objectContaining(refused));
    run({ op: 'go' }, true);
    expect(() => run({ op: 'go' })).toThrow(expect.objectContaining(refused));
    run({ op: 'reset' });
    run({ op: 'go' });
  });

  it('gates memory and access-port writes and the script entries, not reads or DP writes', () => {
    const gate = new DebugWriteGate();
    expect(gate.writes({ op: 'word_write', address: 0x4001_e504, value: 2 })).toBe(true);
    expect(gate.writes({ op: 'swd_write', ap: true, a23: 1, value: 0 })).toBe(true);
    expect(gate.writes({ op: 'script_erase_all' })).toBe(true);
    expect(gate.writes({ op: 'swd_write', ap: false, a23: 2, value: 0xf0 })).toBe(false);
    expect(gate.writes({ op: 'word_read', address: 0 })).toBe(false);
    expect(gate.writes({ op: 'reg_set', reg: 0, value: 1 })).toBe(false);
    expect(() => gate.check({ op: 'word_write', address: 0, value: 0 }, false)).toThrow(
      /direct memory write/,
    );
  });
});
