import { describe, expect, it } from 'vitest';
import { createTestRunner } from '../testing/run-script';

const runner = createTestRunner();

describe('mp.log', () => {
  it('debug, info, warn, error and their formatted forms; print writes info', async () => {
    const result = await runner.run(`
      mp.log.debug("d", 1) mp.log.info("i", nil, true) mp.log.warn("w") mp.log.error("e")
      mp.log.debugf("%d", 1) mp.log.infof("%s=%04X", "x", 0xAB) mp.log.warnf("%.1f", 0.25) mp.log.errorf("%q", "q")
      print("p", 2)`);
    expect(result.logs).toEqual([
      'debug: d 1',
      'info: i nil true',
      'warn: w',
      'error: e',
      'debug: 1',
      'info: x=00AB',
      'warn: 0.2',
      'error: "q"',
      'info: p 2',
    ]);
  });

  it('success and notify (MultiProg) write their own levels, joined with spaces', async () => {
    const result = await runner.run('mp.log.success("done", 3) mp.log.notify("next", true)');
    expect(result.logs).toEqual(['success: done 3', 'notify: next true']);
  });

  it('reports a bad format at the script line', async () => {
    const result = await runner.run('\nmp.log.infof("%d", "x")');
    expect(result.error).toMatchObject({ code: 'SCRIPT_ERROR', line: 2 });
  });
});

describe('mp.ui and mp.config', () => {
  it('set_statusbar and reset_statusbar reach the page', async () => {
    const result = await runner.run('mp.ui.set_statusbar("Serial", 42) mp.ui.reset_statusbar()');
    expect(result.statuses).toEqual([{ label: 'Serial', value: '42' }, null]);
  });

  it("config.get returns the page's selection and the device id", async () => {
    const result = await runner.run('local c = mp.config.get() return c.target, c.family, c.device_id', {
      config: { target: 'nRF52833', family: 'nRF52' },
    });
    expect(result.returns).toEqual(['nRF52833', 'nRF52', 'fake:0001']);
  });
});

describe('mp.app', () => {
  it('allow_hw_writes and hw_writes_allowed (off by default)', async () => {
    const result = await runner.run(`
      local a = mp.app.hw_writes_allowed() mp.app.allow_hw_writes(true) local b = mp.app.hw_writes_allowed()
      mp.app.allow_hw_writes(false) return a, b, mp.app.hw_writes_allowed(), pcall(mp.app.allow_hw_writes, 1)`);
    expect(result.returns).toEqual([false, true, false, false, expect.stringContaining('boolean expected')]);
    expect((await runner.run('return mp.app.hw_writes_allowed()', { allowHwWrites: true })).returns).toEqual([
      true,
    ]);
  });

  it('confirm asks the page and returns the answer', async () => {
    const yes = await runner.run('return mp.app.confirm("Go?")');
    expect(yes.returns).toEqual([true]);
    expect(yes.questions).toEqual(['Go?']);
    expect((await runner.run('return mp.app.confirm("Go?")', { answer: false })).returns).toEqual([false]);
  });

  it('sleep waits about as long as asked and refuses nonsense', async () => {
    const started = performance.now();
    const result = await runner.run('mp.app.sleep(30) return pcall(mp.app.sleep, -1)');
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(result.returns[0]).toBe(false);
  });

  it('version and script_api_version', async () => {
    const result = await runner.run('return mp.app.version(), mp.app.script_api_version()');
    expect(result.returns).toEqual(['9.9.9-test', '1.0.0']);
  });
});
