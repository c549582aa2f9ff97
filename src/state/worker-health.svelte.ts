/**
 * Health of the two workers, each checked with a round trip: `hello()` to the device worker at
 * start-up, `return 1+1` to the Lua worker when scripts are first used (the Lua worker and its
 * wasm are not loaded before: most visits never run a script).
 */
import { WebProgError } from '../core/errors';
import type { Clock, DeviceClient, LuaClient } from './clients';
import { describeError } from './error-text';
import type { LogState } from './log.svelte';
import { duration } from './text';

/** What the status bar shows for one worker. */
export interface WorkerStatus {
  /** `idle` until first needed (Lua), `pending` until the first answer. */
  state: 'idle' | 'pending' | 'ready' | 'error';
  /** Short text for the status bar. */
  text: string;
  /** Longer text for a tooltip. */
  detail: string;
}

/** The workers' health, for the status bar. */
export class WorkerHealthState {
  /** The device worker. */
  device = $state.raw<WorkerStatus>({ state: 'pending', text: 'Device worker starting…', detail: '' });
  /** The Lua worker. */
  lua = $state.raw<WorkerStatus>({
    state: 'idle',
    text: 'Lua loads when scripts are used',
    detail: 'The Lua worker starts the first time the scripts view opens.',
  });

  private luaCheck: Promise<void> | undefined;

  constructor(
    private readonly deviceClient: Pick<DeviceClient, 'hello'>,
    private readonly luaClient: Pick<LuaClient, 'evaluate'>,
    private readonly log: LogState,
    private readonly clock: Clock,
    private readonly timeoutMs = 15_000,
  ) {}

  /** Checks the device worker (start-up); resolves when it has answered or failed. */
  async check(): Promise<void> {
    await this.checkDevice();
  }

  /**
   * Starts the Lua worker (and its wasm) with a round trip, the first time scripts are used;
   * later calls share the first check.
   */
  startLua(): Promise<void> {
    this.luaCheck ??= this.checkLua();
    return this.luaCheck;
  }

  private async checkDevice(): Promise<void> {
    const started = this.clock();
    try {
      const hello = await this.answer('The device worker', this.deviceClient.hello());
      const ms = this.clock() - started;
      const detail = `Device worker ${hello.version} answered in ${duration(ms)}.`;
      this.device = { state: 'ready', text: 'Device worker ready', detail };
      this.log.info(detail);
    } catch (error) {
      this.device = this.failed('Device worker failed', error);
    }
  }

  private async checkLua(): Promise<void> {
    this.lua = { state: 'pending', text: 'Lua starting…', detail: '' };
    const started = this.clock();
    try {
      const values = await this.answer(
        'The Lua worker',
        this.luaClient.evaluate('return 1+1', 'health-check'),
      );
      if (values.length !== 1 || values[0] !== 2) {
        throw new Error(`"return 1+1" gave ${JSON.stringify(values)} instead of [2].`);
      }
      const detail = `Lua 5.4 answered "return 1+1" with 2 in ${duration(this.clock() - started)}.`;
      this.lua = { state: 'ready', text: 'Lua 5.4 ready', detail };
      this.log.info(detail);
    } catch (error) {
      this.lua = this.failed('Lua failed', error);
    }
  }

  /** `reply`, or a `TIMEOUT` error when a worker that failed to start never answers. */
  private answer<T>(who: string, reply: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new WebProgError('TIMEOUT', `${who} did not answer within ${duration(this.timeoutMs)}.`)),
        this.timeoutMs,
      );
    });
    return Promise.race([reply, timeout]).finally(() => clearTimeout(timer));
  }

  private failed(text: string, error: unknown): WorkerStatus {
    const detail = describeError(error).text;
    this.log.error(`${text}. ${detail}`);
    return { state: 'error', text, detail };
  }
}
