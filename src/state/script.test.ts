import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebProgError } from '../core/errors';
import type { ScriptCallbacks, ScriptRunOptions, ScriptRunResult } from '../../workers/lua/api';
import { LogState } from './log.svelte';
import { SCRIPT_EXAMPLES, exampleUrl } from './script-examples';
import type { ScriptRunner } from './script-runtime';
import { ScriptState } from './script.svelte';

type Behaviour = (callbacks: ScriptCallbacks, options: ScriptRunOptions) => Promise<Partial<ScriptRunResult>>;

function fakeRunner(behaviour: Behaviour) {
  const seen: { code: string; options: ScriptRunOptions }[] = [];
  let stopRun: (() => void) | undefined;
  const runner: ScriptRunner & { seen: typeof seen } = {
    seen,
    running: false,
    async run(code, options, callbacks) {
      seen.push({ code, options: options as ScriptRunOptions });
      const stopped = new Promise<Partial<ScriptRunResult>>((resolve) => {
        stopRun = () =>
          resolve({ ok: false, error: new WebProgError('CANCELLED', 'Script stopped.').toRecord() });
      });
      const result = await Promise.race([behaviour(callbacks, options as ScriptRunOptions), stopped]);
      return { ok: true, returns: [], image: options.image, savedFiles: [], ...result } as ScriptRunResult;
    },
    async stop() {
      stopRun?.();
      return { terminated: false, ms: 1 };
    },
  };
  return runner;
}

function state(
  runner: ScriptRunner | undefined,
  downloads: string[] = [],
  extra: Partial<ConstructorParameters<typeof ScriptState>[0]> = {},
) {
  const log = new LogState(() => 0);
  let t = 0;
  const script = new ScriptState({
    runner,
    deviceId: () => 'usb:0d28:0204:9904',
    log,
    fetchText: async (url) => {
      if (url.endsWith('missing.lua')) throw new Error('HTTP 404');
      return `-- ${url}`;
    },
    download: (name) => void downloads.push(name),
    now: () => 1_700_000_000_000,
    clock: () => (t += 5),
    ...extra,
  });
  return { script, log };
}

describe('ScriptState', () => {
  it('runs the code against the selected device and shows log lines, status and the result', async () => {
    const runner = fakeRunner(async (callbacks) => {
      await callbacks.onLog('info', 'connected', 1_700_000_000_123);
      await callbacks.onLog('error', 'bad block', 1_700_000_000_124);
      await callbacks.onLog('success', 'flashed', 1_700_000_000_125);
      await callbacks.onLog('notify', 'next board', 1_700_000_000_126);
      await callbacks.onStatus({ label: 'Serial', value: '0042' });
      return { ok: true };
    });
    const { script, log } = state(runner);
    script.specialParams = ' read ';
    await script.run();
    expect(runner.seen[0]!.options).toMatchObject({
      chunkName: 'script.lua',
      deviceId: 'usb:0d28:0204:9904',
      specialParams: 'read',
    });
    expect(script.lines.map((l) => `${l.level}: ${l.text}`)).toEqual([
      'info: Running script.lua…',
      'info: connected',
      'error: bad block',
      'success: flashed',
      'notify: next board',
      'error: script.lua ended with an error after 5.00 ms.',
    ]);
    expect(script.lines[1]!.time).toBe(1_700_000_000_123);
    expect(script.status).toEqual({ label: 'Serial', value: '0042' });
    expect(script.running).toBe(false);
    expect(log.entries.at(-1)).toMatchObject({
      level: 'error',
      text: 'Script script.lua ended with an error: bad block',
    });
  });

  it('ends a clean run with "finished"', async () => {
    const { script } = state(fakeRunner(async (callbacks) => (await callbacks.onLog('warn', 'slow', 1), {})));
    await script.run();
    expect(script.lines.at(-1)).toMatchObject({ level: 'info', text: 'script.lua finished in 5.00 ms.' });
  });

  it('takes in log lines that arrive after the result, in order, before the closing line', async () => {
    // The worker's log lines and its result travel on different MessagePorts: lines posted
    // before the result can be handled after it.
    const runner = fakeRunner(async (callbacks) => {
      for (let i = 1; i <= 3; i++) setTimeout(() => void callbacks.onLog('info', `late ${i}`, i), 0);
      return { ok: true };
    });
    const { script } = state(runner);
    await script.run();
    expect(script.lines.map((l) => l.text)).toEqual([
      'Running script.lua…',
      'late 1',
      'late 2',
      'late 3',
      'script.lua finished in 5.00 ms.',
    ]);
  });

  it('"No programmer is selected" is an error, and no success line follows it', async () => {
    const runner = fakeRunner(async (callbacks) => {
      await callbacks.onLog(
        'error',
        'No programmer is selected: choose one in the app before running the script.',
        1,
      );
      return { ok: true };
    });
    const { script } = state(runner);
    await script.run();
    expect(script.lines.map((l) => l.level)).toEqual(['info', 'error', 'error']);
    expect(script.lines.some((l) => l.text.includes('finished'))).toBe(false);
  });

  it('marks the line a failed run stopped at, and forgets it on the next run or another script', async () => {
    const error = new WebProgError('SCRIPT_ERROR', 'script.lua:3: boom', { file: 'script.lua', line: 3 });
    let fail = true;
    const { script } = state(fakeRunner(async () => (fail ? { ok: false, error: error.toRecord() } : {})));
    await script.run();
    expect(script.errorMark).toEqual({ line: 3, message: 'script.lua:3: boom' });
    fail = false;
    await script.run();
    expect(script.errorMark).toBeUndefined();
    fail = true;
    await script.run();
    script.open('other.lua', 'print(1)');
    expect(script.errorMark).toBeUndefined();
  });

  it('does not mark a line of another chunk', async () => {
    const error = new WebProgError('SCRIPT_ERROR', 'lib.lua:9: boom', { file: 'lib.lua', line: 9 });
    const { script } = state(fakeRunner(async () => ({ ok: false, error: error.toRecord() })));
    await script.run();
    expect(script.errorMark).toBeUndefined();
  });

  it('shows a failure with its message', async () => {
    const { script } = state(
      fakeRunner(async () => ({
        ok: false,
        error: new WebProgError('SCRIPT_ERROR', 'script.lua:3: boom', { line: 3 }).toRecord(),
      })),
    );
    await script.run();
    expect(script.lines.at(-1)).toMatchObject({ level: 'error', text: 'script.lua:3: boom' });
  });

  it('asks confirmations and passes the answer back; Stop answers Cancel and ends the run', async () => {
    const answers: boolean[] = [];
    const runner = fakeRunner(async (callbacks) => {
      answers.push(await callbacks.confirm('Erase?'));
      answers.push(await callbacks.confirm('Really?'));
      return new Promise(() => undefined); // then waits forever
    });
    const { script } = state(runner);
    const running = script.run();
    await Promise.resolve();
    await Promise.resolve();
    expect(script.question).toEqual({ message: 'Erase?' });
    script.respond(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(script.question).toEqual({ message: 'Really?' });
    await script.stop();
    await running;
    expect(answers).toEqual([true, false]);
    expect(script.question).toBeUndefined();
    expect(script.lines.at(-1)).toMatchObject({
      level: 'warn',
      text: 'script.lua was stopped after 5.00 ms.',
    });
  });

  it('opens examples and files, saves .lua, keeps and downloads files scripts save', async () => {
    const downloads: string[] = [];
    const runner = fakeRunner(async (callbacks) => {
      await callbacks.onFileSaved?.({ name: 'log.csv', bytes: new Uint8Array([0x31]) });
      return {};
    });
    const { script } = state(runner, downloads);
    await script.loadExample('read_checksums.lua');
    expect(script.code).toBe('-- scripts/examples/read_checksums.lua');
    expect(script.fileName).toBe('read_checksums.lua');
    await script.loadExample('missing.lua');
    expect(script.error).toBe(
      'Open the example missing.lua failed. Something went wrong inside WebProg: HTTP 404',
    );
    script.open('mine', 'return 1');
    script.save();
    script.addFiles([{ name: 'fw.hex', bytes: new Uint8Array(1) }]);
    await script.run();
    expect(runner.seen[0]!.options.files!.map((f) => f.name)).toEqual(['fw.hex']);
    expect(script.files.map((f) => f.name)).toEqual(['fw.hex', 'log.csv']);
    expect(downloads).toEqual(['mine.lua', 'log.csv']);
  });

  it('passes the page selection as mp.config and keeps the shortcuts a run hands back', async () => {
    let saved = [{ name: 'Flash', path: 'flash.lua' }];
    const runner = fakeRunner(async (_callbacks, options) => ({
      scriptShortcuts: [...options.scriptShortcuts!, { name: 'Test', path: 'test.lua' }],
    }));
    const { script } = state(runner, [], {
      runContext: () => ({
        deviceName: 'micro:bit V2.00 · tupog',
        config: { target: 'nRF52833', programmer: 'cmsis-dap' },
      }),
      shortcuts: { load: () => saved, save: (list) => void (saved = [...list]) },
    });
    await script.run();
    expect(runner.seen[0]!.options).toMatchObject({
      allowHwWrites: false,
      config: { target: 'nRF52833', programmer: 'cmsis-dap' },
      scriptShortcuts: [{ name: 'Flash', path: 'flash.lua' }],
    });
    expect(saved).toEqual([
      { name: 'Flash', path: 'flash.lua' },
      { name: 'Test', path: 'test.lua' },
    ]);
  });

  it('"Allow writes" asks once per run naming the device, then starts the run with writes allowed', async () => {
    const runner = fakeRunner(async () => ({}));
    const { script } = state(runner, [], {
      runContext: () => ({ deviceName: 'micro:bit V2.00 · tupog', config: {} }),
    });
    script.allowWrites = true;
    const first = script.run();
    await Promise.resolve();
    expect(script.question?.message).toMatch(
      /^Allow script\.lua to erase and program micro:bit V2\.00 · tupog/,
    );
    script.respond(true);
    await first;
    expect(runner.seen[0]!.options.allowHwWrites).toBe(true);
    expect(script.lines.map((l) => l.text)).toContain(
      'This run may erase and program micro:bit V2.00 · tupog.',
    );

    // The next run asks again; "Cancel" does not start it.
    const second = script.run();
    await Promise.resolve();
    expect(script.question).toBeDefined();
    script.respond(false);
    await second;
    expect(runner.seen).toHaveLength(1);
    expect(script.running).toBe(false);
    expect(script.lines.at(-1)).toMatchObject({
      level: 'warn',
      text: 'script.lua was not started: writing to the device was not allowed.',
    });
  });

  it('"Allow writes" without a selected device does not start the run', async () => {
    const runner = fakeRunner(async () => ({}));
    const { script } = state(runner, [], {});
    const noDevice = new ScriptState({
      runner,
      deviceId: () => undefined,
      log: new LogState(() => 0),
      fetchText: async () => '',
      download: () => undefined,
    });
    noDevice.allowWrites = true;
    await noDevice.run();
    expect(runner.seen).toHaveLength(0);
    expect(noDevice.question).toBeUndefined();
    expect(noDevice.lines.at(-1)?.text).toBe(
      'script.lua was not started: "Allow writes" needs a selected device.',
    );
    // Without the option a run never asks and never allows writes.
    await script.run();
    expect(runner.seen[0]!.options.allowHwWrites).toBe(false);
  });

  it('asks the person for a file the script named, once: it joins the files under that name', async () => {
    const got: (string | null)[] = [];
    const runner = fakeRunner(async (callbacks) => {
      const file = await callbacks.pickFile!('.hex', 'C:\\fw\\app.hex');
      got.push(file ? `${file.name}:${file.bytes.length}` : null);
      got.push((await callbacks.pickFile!('.bin')) === null ? null : 'picked');
      return {};
    });
    const { script } = state(runner);
    const running = script.run();
    await new Promise((r) => setTimeout(r, 0));
    expect(script.fileRequest).toEqual({ accept: '.hex', wanted: 'C:\\fw\\app.hex', keepAs: 'app.hex' });
    script.provideFile({ name: 'build-42.hex', bytes: new Uint8Array(5) });
    await new Promise((r) => setTimeout(r, 0));
    expect(script.fileRequest).toEqual({ accept: '.bin', wanted: undefined, keepAs: undefined });
    script.provideFile(null);
    await running;
    expect(got).toEqual(['app.hex:5', null]);
    expect(script.files.map((f) => f.name)).toEqual(['app.hex']);
    expect(script.fileRequest).toBeUndefined();
  });

  it('is unavailable without a runner', async () => {
    const { script } = state(undefined);
    expect(script.available).toBe(false);
    await script.run();
    expect(script.lines).toEqual([]);
  });

  it('offers only examples that exist in public/scripts/examples', () => {
    for (const { file } of SCRIPT_EXAMPLES) {
      expect(existsSync(resolve(process.cwd(), 'public', exampleUrl(file))), file).toBe(true);
    }
  });
});
