/**
 * The probe's packet buffers between USB and the CMSIS-DAP firmware. Up to `packetCount`
 * commands may be in flight; a further OUT transfer waits (the endpoint NAKs) until the host
 * reads a response. Requests land in a ring of packet-size buffers that keep the bytes of the
 * packet before (a short request reads stale bytes, as on a real probe). Responses come back
 * in order. Time: a command reaches the device half a USB round trip after the host sent it,
 * the firmware takes its SWD time, and the response reaches the host half a round trip later.
 * Every few responses the pipe lets the event loop run, at the same points on every run, so
 * modeled times do not depend on how fast or busy the host machine is.
 */
import type { VirtualClock } from '../clock';
import type { DapFirmware } from '../cmsis-dap/dap-firmware';
import { transferError } from './usb-errors';

const DAP_TRANSFER_ABORT = 0x07;
/** Responses between two turns of the event loop (a count, not wall time: runs repeat exactly). */
const RESPONSES_PER_YIELD = 64;
/** Wall-clock pacing starts over when the simulation is this far behind (or the host was idle). */
const PACE_SLACK_MS = 100;
/**
 * Paced only: a host quiet for longer than this (wall clock) let the target run meanwhile, as
 * real hardware does (a program printing between two polls of its serial output)...
 */
const IDLE_CATCH_UP_MIN_US = 10_000;
/** ...for at most this much modeled time per command (the simulation falls behind after that). */
const IDLE_CATCH_UP_MAX_US = 100_000;

/** Resolves on a later macrotask without a timer's clamping (setImmediate, else MessageChannel). */
function nextTask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (immediate !== undefined) return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

interface Response {
  data: Uint8Array;
  readyAtUs: number;
  /** Left over from before (not an answer to a command of this pipe). */
  stale?: boolean;
}

/** Options for {@link CommandPipe}. */
export interface CommandPipeOptions {
  firmware: DapFirmware;
  clock: VirtualClock;
  /** Lets target time pass while the probe waits for the next command. */
  idle: (us: number) => void;
  usbRoundTripUs: number;
  packetCount: number;
  packetSize: number;
  /**
   * Resolve transfers no faster than modeled time passes (for demos): a response reaches the
   * host no earlier on the wall clock than modeled time says, counted from when pacing last
   * started over (the pipe's creation, or a moment the simulation was behind or idle).
   */
  paceWallClock?: boolean;
}

/** Queue of commands and responses. */
export class CommandPipe {
  private readonly slots: Uint8Array[];
  private sent = 0;
  private readonly responses: Response[] = [];
  private inFlight = 0;
  private readonly slotWaiters: (() => void)[] = [];
  private readonly responseWaiters: { resolve: (r: Response) => void; reject: (e: Error) => void }[] = [];
  private broken: Error | undefined;
  private paceWallMs = Date.now();
  private paceHostUs: number;
  private lastResponse: Uint8Array | undefined;
  private responsesSinceYield = 0;

  constructor(
    private readonly options: CommandPipeOptions,
    /** Responses nobody read before the previous session ended: they are still in the probe. */
    leftovers: readonly Uint8Array[] = [],
  ) {
    this.paceHostUs = options.clock.hostUs;
    this.slots = Array.from({ length: options.packetCount }, () => new Uint8Array(options.packetSize));
    for (const data of leftovers) this.responses.push({ data, readyAtUs: options.clock.nowUs, stale: true });
  }

  /** Responses produced but not yet read (they stay in the probe when the host goes away). */
  unread(): Uint8Array[] {
    return this.responses.map((r) => r.data);
  }

  /** Accepts one OUT packet (waits while all packet buffers are busy) and runs the command. */
  async send(packet: Uint8Array): Promise<void> {
    while (this.inFlight >= this.options.packetCount && this.broken === undefined) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    if (this.broken) throw this.broken;
    const { clock, firmware } = this.options;
    // DAP_TransferAbort is taken by the USB layer and never answered (CMSIS-DAP / DAPLink).
    if (packet[0] === DAP_TRANSFER_ABORT) return;
    const slot = this.slots[this.sent++ % this.slots.length];
    slot.set(packet.subarray(0, slot.length));
    this.inFlight++;
    if (this.options.paceWallClock) this.catchUpIdleHost();
    const arrival = clock.hostUs + this.options.usbRoundTripUs / 2;
    if (arrival > clock.nowUs) this.options.idle(arrival - clock.nowUs);
    const data = firmware.process(slot);
    if (this.broken) return; // unplugged while the command ran
    this.push({ data, readyAtUs: clock.nowUs });
  }

  /** Resolves with the next response (waits until there is one). */
  async receive(): Promise<Uint8Array> {
    if (this.broken) throw this.broken;
    const response =
      this.responses.shift() ??
      (await new Promise<Response>((resolve, reject) => this.responseWaiters.push({ resolve, reject })));
    const clock = this.options.clock;
    clock.hostUs = Math.max(clock.hostUs, response.readyAtUs + this.options.usbRoundTripUs / 2);
    if (!response.stale) {
      this.inFlight--;
      this.slotWaiters.shift()?.();
    }
    if (this.options.paceWallClock) await this.pace(clock.hostUs);
    if (++this.responsesSinceYield >= RESPONSES_PER_YIELD) {
      this.responsesSinceYield = 0;
      await nextTask();
    }
    if (this.broken) throw this.broken;
    this.lastResponse = response.data;
    return response.data;
  }

  /** Paced: moves host time over a wall-clock pause, so the target runs through it too. */
  private catchUpIdleHost(): void {
    const clock = this.options.clock;
    const wallHostUs = this.paceHostUs + (Date.now() - this.paceWallMs) * 1000;
    const gap = wallHostUs - clock.hostUs;
    if (gap > IDLE_CATCH_UP_MIN_US) clock.hostUs += Math.min(gap, IDLE_CATCH_UP_MAX_US);
  }

  /** Waits until the wall clock has caught up with modeled host time `hostUs`. */
  private async pace(hostUs: number): Promise<void> {
    const now = Date.now();
    const due = this.paceWallMs + (hostUs - this.paceHostUs) / 1000 - now;
    if (due < -PACE_SLACK_MS) {
      this.paceWallMs = now;
      this.paceHostUs = hostUs;
    } else if (due > 0) {
      await new Promise((resolve) => setTimeout(resolve, due));
    }
  }

  /**
   * Leaves a stale response in the pipe, as DAPLink does after an interrupted transfer
   * (DAPLink issue #1089): the next read returns it, and every later response is one late.
   */
  injectStaleResponse(): void {
    const data = this.lastResponse ?? Uint8Array.of(0x00, 0x01, 0x05);
    const stale: Response = { data: data.slice(), readyAtUs: this.options.clock.nowUs, stale: true };
    const waiter = this.responseWaiters.shift();
    if (waiter) waiter.resolve(stale);
    else this.responses.unshift(stale);
  }

  /** Fails every pending and future transfer with `error` (device unplugged or closed). */
  break(error: Error = transferError()): void {
    this.broken = error;
    for (const waiter of this.responseWaiters.splice(0)) waiter.reject(error);
    for (const wake of this.slotWaiters.splice(0)) wake();
  }

  private push(response: Response): void {
    const waiter = this.responseWaiters.shift();
    if (waiter) waiter.resolve(response);
    else this.responses.push(response);
  }
}
