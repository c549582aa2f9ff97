import { describe, expect, it } from 'vitest';
import { imageFromDto } from '../../device/image-dto';
import { createTestRunner } from '../testing/run-script';

const runner = createTestRunner();

async function run(code: string, extra = {}) {
  const result = await runner.run(code, extra);
  if (!result.ok) throw new Error(result.error?.message);
  return result;
}

describe("mp.config (MultiProg's forms over WebProg's catalogue)", () => {
  it('get has MultiProg fields, filled from the page, plus the device id', async () => {
    const { returns } = await run('return mp.config.get()', {
      config: { target: 'nRF52833', family: 'nRF52' },
    });
    expect(returns[0]).toEqual({
      target: 'nRF52833',
      family: 'nRF52',
      programmer: '',
      power: '',
      file_path: '',
      region_index: 0,
      device_id: 'fake:0001',
    });
  });

  it('get fills the family from the catalogue when the page names only the connected target', async () => {
    const { returns } = await run('return mp.config.get()', {
      config: { target: 'STM32F411', programmer: 'cmsis-dap', file_path: 'fw.hex' },
    });
    expect(returns[0]).toMatchObject({
      target: 'STM32F411',
      family: 'STM32F4',
      programmer: 'cmsis-dap',
      file_path: 'fw.hex',
    });
    const named = await run('return mp.config.get()', { config: { target: 'Nordic nRF52833' } });
    expect(named.returns[0]).toMatchObject({ target: 'nRF52833', family: 'nRF52' });
    const unknown = await run('return mp.config.get()', { config: { target: 'Z80' } });
    expect(unknown.returns[0]).toMatchObject({ target: 'Z80', family: '' });
  });

  it('set_target (one or two arguments) selects a catalogue target and gives the buffer its regions', async () => {
    const result = await run(`
      local a, ea = mp.config.set_target("nRF52", "nRF52833")
      local c = mp.config.get()
      local b, eb = mp.config.set_target("stm32f411")
      local names = mp.memory.get_regions()
      local x, ex = mp.config.set_target("nRF51", "nRF52833")
      local y, ey = mp.config.set_target("RL78/G13")
      return a, ea, c.target, c.family, b, eb, mp.config.get().family, names, x, ex, y, ey`);
    const r = result.returns;
    expect(r.slice(0, 8)).toEqual([
      true,
      '',
      'nRF52833',
      'nRF52',
      true,
      '',
      'STM32F4',
      ['Code Flash', 'RAM'],
    ]);
    expect(r[8]).toBe(false);
    expect(r[9]).toMatch(/^Target not found: "nRF52833" in family "nRF51" \(known: "nRF51822"\)/);
    expect(r[10]).toBe(false);
    expect(r[11]).toMatch(/^Target not found: "RL78\/G13" \(known: .*"STM32F411"/);
    expect(imageFromDto(result.image).regions[0]).toMatchObject({ name: 'Code Flash', base: 0x0800_0000 });
  });

  it('set_family accepts catalogue families and clears a target of another family', async () => {
    const { returns } = await run(`
      mp.config.set_target("nRF52833")
      local a, ea = mp.config.set_family("nrf51")
      local c = mp.config.get()
      local b, eb = mp.config.set_family("RL78")
      return a, ea, c.family, c.target, b, eb`);
    expect(returns.slice(0, 5)).toEqual([true, '', 'nRF51', '', false]);
    expect(returns[5]).toMatch(
      /^Unknown family "RL78" \(known: "nRF51", "nRF52", "STM32F1", "STM32F4", "STM32G0", "SAMD21", "RL78\/G13", "RL78\/G14", "RA4"\)/,
    );
  });

  it('set_programmer maps MultiProg names to our backends; others are Not Supported', async () => {
    const { returns } = await run(`
      local a, ea = mp.config.set_programmer("daplink")
      local c = mp.config.get()
      local b, eb = mp.config.set_programmer("stlink")
      local d, ed = mp.config.set_programmer("usbdm")
      local e, ee = mp.config.set_programmer("tgsn")
      local f, ef = mp.config.set_programmer("jlink")
      local g, eg = mp.config.set_programmer("esp")
      local id, prog = mp.config.get().device_id, mp.config.get().programmer
      local h = mp.config.set_programmer("usb-uart")
      local h2 = mp.config.get().programmer
      local i = mp.config.set_programmer("RA")
      return a, ea, c.programmer, c.device_id, b, eb, d, ed, e, ee, f, ef, g, eg, id, prog, h, h2, i, mp.config.get().programmer`);
    expect(returns.slice(0, 4)).toEqual([true, '', 'cmsis-dap', 'fake:0001']);
    for (const i of [4, 6, 8]) {
      expect(returns[i]).toBe(false);
      expect(returns[i + 1]).toMatch(/^Not Supported: /);
    }
    expect(returns[10]).toBe(false);
    expect(returns[11]).toMatch(/^Unknown programmer "jlink"/);
    // No ESP board is reachable in this rig: the selection says esp and no device is chosen.
    expect(returns.slice(12, 16)).toEqual([true, '', '', 'esp']);
    // The Renesas backends: MultiProg's USB-UART programmer is an RL78 on a USB-UART.
    expect(returns.slice(16)).toEqual([true, 'rl78', true, 'ra']);
  });

  it('set_power, set_file and set_region_index: ok, err', async () => {
    const { returns } = await run(
      `
      local a = mp.config.set_power("5v")
      local b, eb = mp.config.set_power("12v")
      local c = mp.config.set_file("C:/fw/app.hex")
      local d, ed = mp.config.set_file("C:/fw/none.hex")
      local e = mp.config.set_region_index(1)
      local f, ef = mp.config.set_region_index(99)
      local cfg = mp.config.get()
      return a, b, eb, c, d, ed, e, f, ef, cfg.power, cfg.file_path, cfg.region_index, mp.memory.current_region()`,
      { files: [{ name: 'app.hex', bytes: new Uint8Array() }] },
    );
    expect(returns).toEqual([
      true,
      false,
      '"12v" is not one of "3v3", "5v", "off".',
      true,
      false,
      'No file named "C:/fw/none.hex" is open.',
      true,
      false,
      expect.stringMatching(/^No region with index 99/),
      '5v',
      'C:/fw/app.hex',
      1,
      expect.any(String),
    ]);
  });

  it('select and set apply several settings and stop at the first failure', async () => {
    const { returns } = await run(`
      local a, ea = mp.config.select("cmsis-dap", "nRF51", "nRF51822")
      local t1 = mp.config.get().target
      local b, eb = mp.config.select("tgsn", "nRF52", "nRF52833")
      local c, ec = mp.config.set({ target = "nRF52833", power = "3v3", region_index = 1 })
      local cfg = mp.config.get()
      local d, ed = mp.config.set({ power = "9v" })
      local e, ee = mp.config.set({ colour = "red" })
      return a, ea, t1, b, eb, c, ec, cfg.target, cfg.power, cfg.region_index, d, ed, e, ee, pcall(mp.config.set, 1)`);
    expect(returns.slice(0, 4)).toEqual([true, '', 'nRF51822', false]);
    expect(returns[4]).toMatch(/^Not Supported: /);
    expect(returns.slice(5, 12)).toEqual([
      true,
      '',
      'nRF52833',
      '3v3',
      1,
      false,
      '"9v" is not one of "3v3", "5v", "off".',
    ]);
    expect(returns[12]).toBe(false);
    expect(returns[13]).toMatch(/^Unknown option "colour"/);
    expect(returns[14]).toBe(false);
    expect(returns[15]).toMatch(/table expected, got number/);
  });
});
