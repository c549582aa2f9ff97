import { describe, expect, test } from 'vitest';
import { ResetCircuit } from './reset-circuit';
import type { ResetWiring } from './reset-circuit';

function circuit(wiring: ResetWiring) {
  const events: string[] = [];
  const c = new ResetCircuit(wiring, {
    enterReset: () => events.push('reset'),
    releaseReset: (download) => events.push(download ? 'download' : 'flash'),
  });
  return { c, events };
}

describe('two-transistor auto-reset circuit', () => {
  test.each([
    [false, false, true, true],
    [true, true, true, true],
    [false, true, false, true],
    [true, false, true, false],
  ])('DTR=%s RTS=%s gives EN=%s IO0=%s', (dtr, rts, en, io0) => {
    const { c } = circuit('auto');
    c.setSignals(dtr, rts);
    expect([c.en, c.io0]).toEqual([en, io0]);
  });

  test("esptool's classic reset boots into download mode; an RTS pulse alone boots from flash", () => {
    const { c, events } = circuit('auto');
    c.setSignals(false, true);
    c.setSignals(true, false);
    c.setSignals(false, false);
    c.setSignals(false, true);
    c.setSignals(false, false);
    expect(events).toEqual(['reset', 'download', 'reset', 'flash']);
  });
});

describe('buttons and other wirings', () => {
  test('without the circuit only BOOT + RESET enter download mode', () => {
    const { c, events } = circuit('none');
    c.setSignals(false, true);
    c.setSignals(true, false);
    expect(events).toEqual([]);
    c.setBootButton(true);
    c.setResetButton(true);
    c.setResetButton(false);
    expect(events).toEqual(['reset', 'download']);
  });

  test("USB-Serial/JTAG: esptool's USB reset sequence enters download mode, a plain RTS pulse does not", () => {
    const { c, events } = circuit('usb-serial-jtag');
    // UsbJtagSerialReset as esptool-js performs it (setRTS also re-sends the stored DTR).
    c.setSignals(undefined, false);
    c.setSignals(false, undefined);
    c.setSignals(true, undefined);
    c.setSignals(undefined, false);
    c.setSignals(undefined, true);
    c.setSignals(false, undefined);
    c.setSignals(undefined, true);
    c.setSignals(undefined, false);
    expect(events).toEqual(['reset', 'download']);
    c.setSignals(false, true);
    c.setSignals(false, false);
    expect(events).toEqual(['reset', 'download', 'reset', 'flash']);
  });
});
