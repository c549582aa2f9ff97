import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit, type MicrobitVersion } from '../boards';
import { VirtualClock } from '../clock';
import { nrfUartEcho } from '../chips/test-programs/programs';
import { DaplinkUart, UART_COMMAND } from './daplink-uart';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function board(version: MicrobitVersion) {
  const probe = createSimulatedMicrobit(version, {
    latency: 'zero',
    flash: [{ address: 0, data: nrfUartEcho }],
  });
  const command = (...bytes: number[]) => probe.firmware.process(Uint8Array.from(bytes));
  /** Reads everything the bridge holds now. */
  const read = (): string => {
    let out = '';
    for (;;) {
      const r = command(UART_COMMAND.Read);
      expect(r[0]).toBe(UART_COMMAND.Read);
      if (r[1] === 0) return out;
      out += text(r.subarray(2, 2 + r[1]));
    }
  };
  const write = (s: string) => {
    const bytes = new TextEncoder().encode(s);
    const r = command(UART_COMMAND.Write, bytes.length, ...bytes);
    expect(Array.from(r)).toEqual([UART_COMMAND.Write, 1]);
  };
  const elapse = (us: number) => probe.target.chip.system.elapse(us);
  return { probe, command, read, write, elapse };
}

describe('the simulated micro:bit UART through DAPLink vendor commands', () => {
  it.each(['v1', 'v2'] as const)(
    '%s: the test program prints its banner at 115200 baud, in wire time',
    (v) => {
      const b = board(v);
      // 10 bits per byte at 115200 baud: 86.8 µs a byte. After 1 ms at most 11 bytes are out.
      b.elapse(1000);
      const early = b.read();
      expect(early.length).toBeGreaterThan(5);
      expect(early.length).toBeLessThanOrEqual(11);
      b.elapse(5000);
      expect(early + b.read()).toBe('WebProg UART echo\r\n');
    },
  );

  it.each(['v1', 'v2'] as const)('%s: bytes written to the bridge are echoed by the target', (v) => {
    const b = board(v);
    b.elapse(5000);
    b.read();
    b.write('hello');
    b.elapse(400); // 5 bytes need 434 µs on the wire to arrive, more to come back
    expect(b.read().length).toBeLessThan(5);
    b.elapse(2000);
    b.write('!');
    b.elapse(1000);
    expect(b.read()).toMatch(/o!$/);
  });

  it('echoes the whole text in order', () => {
    const b = board('v2');
    b.elapse(5000);
    b.read();
    b.write('print(1)\r');
    b.elapse(5000);
    expect(b.read()).toBe('print(1)\r');
  });

  it('skipping the poll loops gives the same bytes at the same modeled times as running them', () => {
    const run = (fastForward: boolean) => {
      const probe = createSimulatedMicrobit('v2', {
        latency: 'zero',
        fastForward,
        flash: [{ address: 0, data: nrfUartEcho }],
      });
      const out: string[] = [];
      for (let t = 0; t < 40; t++) {
        if (t === 25) probe.firmware.process(Uint8Array.of(UART_COMMAND.Write, 3, 0x61, 0x62, 0x63));
        probe.target.chip.system.elapse(100);
        const r = probe.firmware.process(Uint8Array.of(UART_COMMAND.Read));
        out.push(text(r.subarray(2, 2 + r[1])));
      }
      return { out, skips: probe.target.chip.system.runner.fastForwardStats.skips };
    };
    const fast = run(true);
    const slow = run(false);
    expect(fast.out).toEqual(slow.out);
    expect(fast.out.join('')).toBe('WebProg UART echo\r\nabc');
    expect(fast.skips).toBeGreaterThan(0);
  });

  it('reports the line coding, and a baud the target does not use gives no echo', () => {
    const b = board('v2');
    const coding = b.command(UART_COMMAND.GetLineCoding);
    expect(new DataView(coding.buffer, coding.byteOffset).getUint32(1, true)).toBe(115200);
    expect(coding[7]).toBe(8);
    b.elapse(5000);
    expect(Array.from(b.command(UART_COMMAND.SetConfiguration, 0x80, 0x25, 0, 0))).toEqual([0x82, 1]); // 9600
    expect(b.read()).toBe(''); // the configuration cleared the buffers
    b.write('x');
    b.elapse(5000);
    expect(b.read()).toBe('');
    expect(b.probe.target.readMemory(0x40002480, 4)[0] & 4).toBe(4); // ERRORSRC.FRAMING
  });

  it('a micro:bit without the program answers no bytes; vendor ids DAPLink leaves empty echo the id', () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    expect(Array.from(probe.firmware.process(Uint8Array.of(UART_COMMAND.Read)))).toEqual([0x83, 0]);
    expect(Array.from(probe.firmware.process(Uint8Array.of(0x9f)))).toEqual([0x9f]); // DAP_vendor.c: case ID_DAP_Vendor31: break;
    expect(Array.from(probe.firmware.process(Uint8Array.of(0xa0)))).toEqual([0xff]);
  });
});

describe('DAPLink UART buffer', () => {
  it('keeps 512 bytes and then writes the overflow message, as DAPLink uart.c does', () => {
    const clock = new VirtualClock();
    const bridge = new DaplinkUart(clock, 6, 40);
    for (let i = 0; i < 600; i++) bridge.fromTarget(0x41, i * 87, 115200);
    clock.advance(600 * 87);
    let got = '';
    for (;;) {
      const out = new Uint8Array(64);
      const n = bridge.execute(Uint8Array.of(UART_COMMAND.Read), out)!;
      expect(n).toBeLessThanOrEqual(64);
      if (out[1] === 0) break;
      got += text(out.subarray(2, n));
    }
    expect(got.length).toBe(512);
    expect(got).toBe('A'.repeat(512 - 19) + '<DAPLink:Overflow>\n');
    expect(bridge.dropped).toBe(600 - 493 - 1);
  });

  it('bytes not yet arrived on the wire are not read', () => {
    const clock = new VirtualClock();
    const bridge = new DaplinkUart(clock, 6, 40);
    bridge.fromTarget(0x42, 100, 115200);
    const out = new Uint8Array(64);
    bridge.execute(Uint8Array.of(UART_COMMAND.Read), out);
    expect(out[1]).toBe(0);
    clock.advance(100);
    bridge.execute(Uint8Array.of(UART_COMMAND.Read), out);
    expect(Array.from(out.subarray(0, 3))).toEqual([0x83, 1, 0x42]);
  });
});
