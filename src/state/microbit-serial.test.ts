import { describe, expect, it } from 'vitest';
import { WebProgError } from '../core/errors';
import type { SerialState } from '../../workers/device/device-api';
import { MicrobitSerialState, REPL_KEYS, type SerialDeviceClient } from './microbit-serial.svelte';

/** A device worker double that records calls and lets the test feed the console. */
function fakeDevice(options: { connected?: boolean } = {}) {
  const calls: string[] = [];
  const written: string[] = [];
  let onData: ((bytes: Uint8Array) => void) | undefined;
  let onState: ((state: SerialState, message?: string) => void) | undefined;
  let connected = options.connected ?? true;
  const device: SerialDeviceClient = {
    serialOpen: async (id, o) => {
      calls.push(`open ${id} ${o.baud}`);
      onData = o.onData;
      onState = o.onState;
    },
    serialWrite: async (_id, bytes) => {
      written.push(new TextDecoder().decode(bytes));
    },
    serialClose: async (id) => {
      calls.push(`close ${id}`);
    },
    connectDevice: async (id) => {
      calls.push(`connect ${id}`);
      connected = true;
      return {} as never;
    },
    debug: async (id, request) => {
      if (!connected) throw new WebProgError('NOT_CONNECTED', 'The probe is not attached.');
      calls.push(`debug ${id} ${request.op}`);
      return {};
    },
  };
  return {
    device,
    calls,
    written,
    feed: (text: string) => onData?.(new TextEncoder().encode(text)),
    feedBytes: (...bytes: number[]) => onData?.(Uint8Array.from(bytes)),
    state: (state: SerialState, message?: string) => onState?.(state, message),
  };
}

describe('micro:bit serial console state', () => {
  it('opens at the chosen baud and shows what the board prints as lines', async () => {
    const fake = fakeDevice();
    const serial = new MicrobitSerialState(fake.device);
    serial.baud = 9600;
    expect(await serial.open('mb1')).toBe(true);
    expect(fake.calls).toEqual(['open mb1 9600']);
    expect(serial.state).toBe('open');
    fake.feed('MicroPython v1.18\r\n>>> ');
    fake.feedBytes(0xc3); // nothing shown for half a character
    expect(serial.text).toBe('MicroPython v1.18\n>>> ');
    fake.feedBytes(0xa9);
    expect(serial.text).toBe('MicroPython v1.18\n>>> é');
  });

  it('sends lines with CR, the REPL keys, and code through paste mode', async () => {
    const fake = fakeDevice();
    const serial = new MicrobitSerialState(fake.device);
    await serial.open('mb1');
    await serial.sendLine('print(1)');
    await serial.write(REPL_KEYS.interrupt);
    await serial.paste('a = 1\nprint(a)\n');
    expect(fake.written).toEqual(['print(1)\r', '\x03', '\x05a = 1\rprint(a)\r\x04']);
  });

  it('says when it waits for the probe, and clears the message when it is back', async () => {
    const fake = fakeDevice();
    const serial = new MicrobitSerialState(fake.device);
    await serial.open('mb1');
    fake.state('waiting', 'The device is not plugged in.');
    expect(serial.state).toBe('waiting');
    expect(serial.message).toContain('The device is not plugged in.');
    fake.state('open');
    expect(serial.message).toBeUndefined();
  });

  it('after a send: opens the console and resets the board, connecting first when needed', async () => {
    const fake = fakeDevice({ connected: false });
    const serial = new MicrobitSerialState(fake.device);
    await serial.follow('mb1');
    expect(fake.calls).toEqual(['open mb1 115200', 'connect mb1', 'debug mb1 reset']);
    await serial.follow('mb1');
    expect(fake.calls.slice(3)).toEqual(['debug mb1 reset']);
  });

  it('switching boards closes the other console and clears the pane', async () => {
    const fake = fakeDevice();
    const serial = new MicrobitSerialState(fake.device);
    await serial.open('mb1');
    fake.feed('one\n');
    await serial.open('mb2');
    expect(fake.calls).toEqual(['open mb1 115200', 'close mb1', 'open mb2 115200']);
    expect(serial.text).toBe('');
  });

  it('without a device worker it says so', async () => {
    const serial = new MicrobitSerialState(undefined);
    expect(await serial.open('mb1')).toBe(false);
    expect(serial.message).toMatch(/not available/);
  });
});
