/**
 * `mp.backend` against the simulators through the real DeviceManager: the calls the example
 * scripts do not make, and a check that, together with the examples and the other simulator
 * tests, every `mp.backend` function runs against a simulated device.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit } from '../../../src/sim';
import { MP_API } from '../spec';
import { simRig } from '../testing/sim-rig';

describe('mp.backend on the simulated micro:bit', () => {
  it('state, write with its blank check, erase, the _timeout forms, progress and power', async () => {
    const probe = createSimulatedMicrobit('v1', { latency: 'zero' });
    const rig = await simRig({ probes: [probe] });
    const result = await rig.run(`
      local out = {}
      out.before = mp.backend.is_connected()
      assert(mp.backend.connect_timeout(5000))
      out.after = mp.backend.is_connected()
      local list = mp.backend.get_programmers()
      out.programmers = #list .. " " .. list[1].type .. " " .. tostring(list[1].simulated)
      mp.app.allow_hw_writes(true)
      mp.memory.write_at(0x2000, "abcd")
      out.write = mp.backend.write()
      out.write_again = select(3, mp.backend.write())
      out.progress = mp.backend.get_progress().title
      out.verify = mp.backend.verify_timeout(5000)
      out.erase = mp.backend.erase_timeout(20000)
      out.blank = mp.backend.blank_check()
      out.write_t = mp.backend.write_timeout(5000)
      mp.memory.clear()
      out.read_t = mp.backend.read_timeout(20000)
      out.readback = mp.memory.read_raw_at(0x2000, 4)
      out.read = mp.backend.read()
      out.erase2 = mp.backend.erase()
      out.flash_t = mp.backend.flash_timeout(30000)
      out.power = select(3, mp.backend.power_on())
      out.power5 = select(3, mp.backend.power_on_5v())
      out.off = select(3, mp.backend.power_off())
      out.toggle = select(3, mp.backend.power_toggle())
      out.set = select(3, mp.backend.set_power("3v3"))
      return out`);
    expect(result.error).toBeUndefined();
    expect(result.returns[0]).toEqual({
      before: false,
      after: true,
      programmers: '1 cmsis-dap true',
      write: true,
      write_again: 'NOT_BLANK',
      progress: 'Write',
      verify: true,
      erase: true,
      blank: true,
      write_t: true,
      read_t: true,
      readback: 'abcd',
      read: true,
      erase2: true,
      flash_t: true,
      power: 'NOT_SUPPORTED',
      power5: 'NOT_SUPPORTED',
      off: 'NOT_SUPPORTED',
      toggle: 'NOT_SUPPORTED',
      set: 'NOT_SUPPORTED',
    });
    expect(probe.target.readMemory(0x2000, 4)).toEqual(new TextEncoder().encode('abcd'));
  });

  it('every mp.backend function is called by a simulator test or an example script', () => {
    const sources = [
      ...['workers/lua/mp', 'workers/lua/special', 'workers/lua/examples'].flatMap((dir) =>
        readdirSync(resolve(process.cwd(), dir))
          .filter((f) => f.endsWith('.sim.test.ts'))
          .map((f) => readFileSync(resolve(process.cwd(), dir, f), 'utf8')),
      ),
      ...readdirSync(resolve(process.cwd(), 'public/scripts/examples')).map((f) =>
        readFileSync(resolve(process.cwd(), 'public/scripts/examples', f), 'utf8'),
      ),
    ].join('\n');
    const missing = MP_API.filter((f) => f.module === 'backend')
      .map((f) => f.name)
      .filter(
        (name) =>
          !new RegExp(`mp\\.backend\\.${name}\\(|mp\\.backend\\[name\\].*"${name}"|"${name}"`).test(sources),
      );
    expect(missing).toEqual([]);
  });
});
