import { describe, expect, it } from 'vitest';
import { createSimulatedRl78Board, type Rl78BoardOptions } from './board';
import { Command, Status } from './protocol';
import { TestHost } from './test-host';

async function programmingMode(options: Rl78BoardOptions = {}) {
  const board = createSimulatedRl78Board(options);
  const host = new TestHost(board);
  await host.open();
  await host.enter(options.wiring === 'two-wire' ? 0x00 : 0x3a, options.reset ?? 'dtr');
  if (options.wiring !== 'two-wire') host.skip(1);
  return { board, host };
}

/** Sends a command and skips its echo on a single-wire board. */
async function send(host: TestHost, code: number, data: number[] = [], echo = true) {
  await host.command(code, data);
  if (echo) host.skip(data.length + 5);
}

const addr = (a: number) => [a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff];

describe('simulated RL78 boot firmware (R01AN0815 Protocol A)', () => {
  it('enters programming mode with TOOL0 low at RESET release, echoes, and answers Reset', async () => {
    const { board, host } = await programmingMode();
    expect(board.mode).toBe('programming');
    await host.command(Command.reset);
    // The echo of the whole command frame comes first, then the status frame.
    expect(host.pending.slice(0, 5)).toEqual([0x01, 0x01, 0x00, 0xff, 0x03]);
    host.skip(5);
    expect(host.frame()).toEqual([Status.ack]);
  });

  it('stays in the user program when TOOL0 is high at RESET release', async () => {
    const board = createSimulatedRl78Board();
    const host = new TestHost(board);
    await host.open();
    await board.port.setSignals({ dataTerminalReady: true });
    await board.port.setSignals({ dataTerminalReady: false });
    await host.write([0x3a]);
    expect(board.mode).toBe('user-program');
    expect(host.pending).toEqual([0x3a]); // only the echo
  });

  it('drives RESET from RTS when wired so, and works two-wire without echo', async () => {
    const { board, host } = await programmingMode({ wiring: 'two-wire', reset: 'rts' });
    expect(board.mode).toBe('programming');
    await send(host, Command.reset, [], false);
    expect(host.frame()).toEqual([Status.ack]);
  });

  it('answers nothing when the mode byte does not match the wiring', async () => {
    const board = createSimulatedRl78Board({ wiring: 'two-wire' });
    const host = new TestHost(board);
    await host.open();
    await host.enter(0x3a);
    await host.command(Command.reset);
    expect(host.pending).toEqual([]);
  });

  it('reports the silicon signature: name, code and data flash ends', async () => {
    const { host } = await programmingMode();
    await send(host, Command.siliconSignature);
    expect(host.frame()).toEqual([Status.ack]);
    const sig = host.frame();
    expect(sig).toHaveLength(22);
    // The part number padded with spaces to 10 characters, as in the user manuals' signature
    // examples (RL78/G13 Table 25-10 "R5F100LE" 20H 20H; RL78/L12 Table 26-9 "R5F10RLC" 20H 20H).
    expect(String.fromCharCode(...sig.slice(3, 13))).toBe('R5F100LE  ');
    expect(sig.slice(13, 16)).toEqual([0xff, 0xff, 0x00]);
    expect(sig.slice(16, 19)).toEqual([0xff, 0x1f, 0x0f]);
  });

  it.each([
    ['R5F104LE', 'R5F104LE  '],
    ['R5F100GJ', 'R5F100GJ  '],
  ] as const)('names the %s in its signature without an order-code suffix', async (chip, name) => {
    const { host } = await programmingMode({ chip });
    await send(host, Command.siliconSignature);
    expect(host.frame()).toEqual([Status.ack]);
    expect(String.fromCharCode(...host.frame().slice(3, 13))).toBe(name);
  });

  it('changes the baud rate after Baud Rate Set; bytes at the old rate are garbage', async () => {
    const { board, host } = await programmingMode({ chip: 'R5F104LE' });
    await send(host, Command.baudRateSet, [3, 33]);
    expect(host.frame()).toEqual([Status.ack, 32, 0]);
    expect(board.baudRate).toBe(1_000_000);
    // The host still at 115200: the chip hears garbage and says nothing sensible.
    await send(host, Command.reset);
    expect(host.pending.slice(0, 1)).not.toEqual([0x02]);
    const { host: h2 } = await programmingMode();
    await send(h2, Command.baudRateSet, [4, 33]);
    expect(h2.frame()).toEqual([Status.parameterError]);
    await send(h2, Command.baudRateSet, [0, 18]);
    expect(h2.frame()).toEqual([Status.ack, 8, 1]); // wide-voltage mode
  });

  it.each(['dtr', 'rts'] as const)(
    'closing and reopening the port at the new rate (RESET on %s) resets the chip out of programming mode',
    async (reset) => {
      const { board, host } = await programmingMode({ reset });
      await send(host, Command.baudRateSet, [3, 33]);
      expect(host.frame()).toEqual([Status.ack, 32, 0]);
      expect(board.baudRate).toBe(1_000_000);
      // Web Serial has no rate change in place: close, reopen at 1,000,000 Bd. The OS raises
      // DTR and RTS on open (Windows DCB DTR/RTS_CONTROL_ENABLE, Linux tty open), which pulls
      // RESET low before the host can call setSignals (not allowed on a closed port).
      await host.close();
      expect(board.mode).toBe('programming'); // close drops both lines: RESET stays released
      await host.open(1_000_000);
      expect(board.mode).toBe('reset');
      await board.port.setSignals({ dataTerminalReady: false, requestToSend: false });
      // RESET released with TOOL0 idle high: the user program runs, the chip is back at 115200.
      expect(board.mode).toBe('user-program');
      expect(board.baudRate).toBe(115_200);
      await send(host, Command.reset);
      expect(host.pending).toEqual([]); // the echo (skipped) and no answer
    },
  );

  it('answers a bad sum with 0x07 and an unknown command with 0x04', async () => {
    const { host } = await programmingMode();
    await host.write([0x01, 0x01, 0x00, 0x00, 0x03]);
    host.skip(5);
    expect(host.frame()).toEqual([Status.checksumError]);
    await send(host, 0x77);
    expect(host.frame()).toEqual([Status.commandNumberError]);
  });

  it('erases, blank-checks, programs (NOR), verifies and sums a block', async () => {
    const { board, host } = await programmingMode();
    board.flash.load(0x400, new Uint8Array(1024).fill(0x12));
    await send(host, Command.blockBlankCheck, [...addr(0x400), ...addr(0x7ff), 0]);
    expect(host.frame()).toEqual([Status.blankError]);
    await send(host, Command.blockErase, addr(0x401));
    expect(host.frame()).toEqual([Status.parameterError]);
    const t0 = board.clock.now();
    await send(host, Command.blockErase, addr(0x400));
    expect(host.frame()).toEqual([Status.ack]);
    expect(board.clock.now() - t0).toBeGreaterThanOrEqual(0.005);
    await send(host, Command.blockBlankCheck, [...addr(0x400), ...addr(0x7ff), 0]);
    expect(host.frame()).toEqual([Status.ack]);

    const data = new Uint8Array(512).map((_, i) => i & 0xff);
    await send(host, Command.programming, [...addr(0x400), ...addr(0x5ff)]);
    expect(host.frame()).toEqual([Status.ack]);
    await host.data(data.subarray(0, 256), false);
    host.skip(260);
    expect(host.frame()).toEqual([Status.ack, Status.ack]);
    await host.data(data.subarray(256), true);
    host.skip(260);
    expect(host.frame()).toEqual([Status.ack, Status.ack]);
    expect(host.frame()).toEqual([Status.ack]); // completion
    expect(board.flash.read(0x400, 0x5ff)).toEqual(data);

    // NOR: writing 0xFF over programmed bytes changes nothing; Verify against 0xFF shows it.
    await send(host, Command.verify, [...addr(0x400), ...addr(0x4ff)]);
    expect(host.frame()).toEqual([Status.ack]);
    await host.data(new Uint8Array(256).fill(0xff), true);
    host.skip(260);
    expect(host.frame()).toEqual([Status.ack, Status.verifyError]);

    await send(host, Command.checksum, [...addr(0x400), ...addr(0x7ff)]);
    expect(host.frame()).toEqual([Status.ack]);
    const [lo, hi] = host.frame();
    let sum = 0;
    for (const b of board.flash.read(0x400, 0x7ff)) sum = (sum - b) & 0xffff;
    expect(lo | (hi << 8)).toBe(sum);
  });

  it('reports, sets and releases security; protected commands answer 0x10', async () => {
    const { board, host } = await programmingMode();
    await send(host, Command.securityGet);
    expect(host.frame()).toEqual([Status.ack]);
    expect(host.frame()).toEqual([0xff, 3, 0, 0, 63, 0, 3, 3]);
    await send(host, Command.securitySet);
    expect(host.frame()).toEqual([Status.ack]);
    await host.data(Uint8Array.from([0xef, 3, 0, 0, 63, 0, 3, 3]), true); // programming prohibited (bit 4)
    host.skip(12);
    expect(host.frame()).toEqual([Status.ack]);
    await send(host, Command.programming, [...addr(0x1000), ...addr(0x10ff)]);
    expect(host.frame()).toEqual([Status.protectError]);
    await send(host, Command.blockErase, addr(0x1000));
    expect(host.frame()).toEqual([Status.protectError]);
    await send(host, Command.securityRelease);
    expect(host.frame()).toEqual([Status.ack]);
    expect(board.flash.security.flags).toBe(0xff);
    // Boot cluster protection is permanent.
    await send(host, Command.securitySet);
    host.frame();
    await host.data(Uint8Array.from([0xfd, 3, 0, 0, 63, 0, 3, 3]), true); // boot cluster 0 (bit 1)
    host.skip(12);
    expect(host.frame()).toEqual([Status.ack]);
    await send(host, Command.blockErase, addr(0x0000));
    expect(host.frame()).toEqual([Status.protectError]);
    await send(host, Command.blockErase, addr(0x1000));
    expect(host.frame()).toEqual([Status.ack]);
    await send(host, Command.securityRelease);
    expect(host.frame()).toEqual([Status.protectError]);
  });

  it('answers a whole-block session frame by frame as rl78flash reads it (blank check, erase, 4-frame program, 4-frame verify)', async () => {
    // rl78flash's rl78_program / rl78_verify: per 1 KiB block, Block Blank Check (D01 = 0), Block
    // Erase if not blank, Programming of the block in four 256-byte data frames (ETB, ETB, ETB,
    // ETX) each answered by one status frame (ST1, ST2) and a completion frame after the last;
    // then Verify of the block in four frames, each answered (ST1, ST2).
    const { board, host } = await programmingMode();
    board.flash.load(0x800, new Uint8Array(1024).fill(0x5a));
    const block = new Uint8Array(1024).map((_, i) => (i * 7 + 3) & 0xff);
    await send(host, Command.blockBlankCheck, [...addr(0x800), ...addr(0xbff), 0]);
    expect(host.frame()).toEqual([Status.blankError]);
    await send(host, Command.blockErase, addr(0x800));
    expect(host.frame()).toEqual([Status.ack]);
    for (const code of [Command.programming, Command.verify]) {
      await send(host, code, [...addr(0x800), ...addr(0xbff)]);
      expect(host.frame()).toEqual([Status.ack]);
      for (let f = 0; f < 4; f++) {
        await host.data(block.subarray(f * 256, f * 256 + 256), f === 3);
        host.skip(260);
        expect(host.frame()).toEqual([Status.ack, Status.ack]);
      }
      if (code === Command.programming) expect(host.frame()).toEqual([Status.ack]); // completion
      expect(host.pending).toEqual([]);
    }
    expect(board.flash.read(0x800, 0xbff)).toEqual(block);
  });

  it('loses the echo and injects noise on demand', async () => {
    const { board, host } = await programmingMode();
    board.faults.noEcho = true;
    await host.command(Command.reset);
    expect(host.frame()).toEqual([Status.ack]);
    board.faults.noEcho = false;
    board.faults.noiseByte();
    await send(host, Command.reset);
    expect(host.pending[0]).toBe(0x55);
  });
});
