import { describe, expect, it } from 'vitest';
import type { DeviceSummary } from '../../workers/device/device-api';
import { SERIAL_MARKS_KEY, SerialMarks, usbIdsOf } from './serial-marks';

/** localStorage as a Map (kept across "reloads": a new SerialMarks on the same memory). */
function memory() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
  };
}

/** A page: worker calls and log lines recorded. */
function page(mem: ReturnType<typeof memory>) {
  const calls: unknown[][] = [];
  const warnings: string[] = [];
  const infos: string[] = [];
  const marks = new SerialMarks(
    mem,
    {
      ra: { raMarkPort: async (...args: unknown[]) => void calls.push(['ra', ...args]) },
      rl78: { rl78Configure: async (...args: unknown[]) => void calls.push(['rl78', ...args]) },
    },
    { info: (t: string) => void infos.push(t), warn: (t: string) => void warnings.push(t) },
  );
  return { marks, calls, warnings, infos };
}

const port = (id: string, type: DeviceSummary['type'] = 'esp'): DeviceSummary => ({
  id,
  type,
  name: 'FTDI USB-UART',
  serial: '',
  simulated: false,
  connected: false,
});

describe('SerialMarks (what a USB-UART leads to, kept across reloads by its USB ids)', () => {
  it('reads the USB ids out of a serial device id', () => {
    expect(usbIdsOf('serial:0403:6001:3')).toBe('0403:6001');
    expect(usbIdsOf('usb:0d28:0204:990')).toBeUndefined();
  });

  it('says a remembered RA marking (with its boot-mode entry) again for the port after a reload, once', async () => {
    const mem = memory();
    const before = page(mem);
    before.marks.remember('serial:0403:6001:1', { kind: 'ra', entry: 'uno-r4-wifi' }, [
      port('serial:0403:6001:1'),
    ]);
    const after = page(mem);
    // After a reload the worker numbers ports afresh; only the ids identify the port.
    const list = [port('serial:0403:6001:1'), port('usb:0d28:0204:x', 'cmsis-dap')];
    expect(await after.marks.restore(list)).toBe(true);
    expect(after.calls).toEqual([['ra', 'serial:0403:6001:1', true, 'uno-r4-wifi']]);
    expect(after.infos[0]).toMatch(/0403:6001: it leads to an RA chip in boot mode/);
    // Each port once: the next listing of the same port says nothing more.
    expect(await after.marks.restore(list)).toBe(false);
    expect(after.calls).toHaveLength(1);
    // Plugged in again (a new port object, a new id): said again.
    expect(await after.marks.restore([port('serial:0403:6001:2')])).toBe(true);
    expect(after.calls).toHaveLength(2);
  });

  it('"not an RA chip" is remembered too (an ESP board: both markings cleared in the worker)', async () => {
    const mem = memory();
    page(mem).marks.remember('serial:0403:6001:4', { kind: 'esp' }, []);
    const after = page(mem);
    await after.marks.restore([port('serial:0403:6001:1', 'ra')]);
    expect(after.calls).toEqual([
      ['rl78', 'serial:0403:6001:1', null],
      ['ra', 'serial:0403:6001:1', false],
    ]);
  });

  it('an RL78 cable keeps the settings of its last connect', async () => {
    const mem = memory();
    const before = page(mem);
    before.marks.remember('serial:10c4:ea60:1', { kind: 'rl78', settings: { wiring: 'single-wire' } }, []);
    before.marks.updateRl78Settings('serial:10c4:ea60:1', { wiring: 'two-wire', reset: 'rts' });
    // Settings of a port not remembered as an RL78 cable are not stored.
    before.marks.updateRl78Settings('serial:1a86:7523:1', { wiring: 'two-wire' });
    expect(Object.keys(JSON.parse(mem.map.get(SERIAL_MARKS_KEY)!))).toEqual(['10c4:ea60']);
    const after = page(mem);
    await after.marks.restore([port('serial:10c4:ea60:1'), port('serial:1a86:7523:2')]);
    expect(after.calls).toEqual([['rl78', 'serial:10c4:ea60:1', { wiring: 'two-wire', reset: 'rts' }]]);
  });

  it('two cables with the same ids said to lead to different things: after a reload neither is marked, and the log says why', async () => {
    const mem = memory();
    const before = page(mem);
    const two = [port('serial:0403:6001:1'), port('serial:0403:6001:2')];
    before.marks.remember('serial:0403:6001:1', { kind: 'ra' }, two);
    const after = page(mem);
    expect(await after.marks.restore(two)).toBe(false);
    expect(after.calls).toEqual([]);
    expect(after.warnings).toHaveLength(1);
    expect(after.warnings[0]).toMatch(/2 serial ports have the USB ids 0403:6001/);
    expect(after.warnings[0]).toMatch(/cannot tell which is which/);
  });

  it('a classroom of identical cables all said to be RA chips: all marked again; one more cable than said: none', async () => {
    const mem = memory();
    const before = page(mem);
    const three = [1, 2, 3].map((n) => port(`serial:0403:6001:${n}`, 'ra'));
    before.marks.remember('serial:0403:6001:3', { kind: 'ra' }, three);
    const after = page(mem);
    expect(await after.marks.restore(three)).toBe(true);
    expect(after.calls.map((c) => c[1])).toEqual(three.map((p) => p.id));

    const single = memory();
    page(single).marks.remember('serial:0403:6001:1', { kind: 'ra' }, [port('serial:0403:6001:1')]);
    const later = page(single);
    expect(await later.marks.restore([port('serial:0403:6001:1'), port('serial:0403:6001:2')])).toBe(false);
    expect(later.calls).toEqual([]);
    expect(later.warnings[0]).toMatch(/one port with these ids led to an RA chip in boot mode/);
  });

  it('unreadable storage is no marking; without storage nothing is kept', async () => {
    const mem = memory();
    mem.map.set(SERIAL_MARKS_KEY, '{not json');
    const p = page(mem);
    expect(await p.marks.restore([port('serial:0403:6001:1')])).toBe(false);
    const none = new SerialMarks(undefined, {
      ra: { raMarkPort: async () => undefined },
      rl78: { rl78Configure: async () => undefined },
    });
    none.remember('serial:0403:6001:1', { kind: 'ra' }, []);
    expect(await none.restore([port('serial:0403:6001:2')])).toBe(false);
  });
});
