import { describe, expect, it } from 'vitest';
import { FakeDevice } from '../testing/fake-device';
import { createTestRunner } from '../testing/run-script';

async function run(code: string, device = new FakeDevice(), options = {}) {
  const runner = createTestRunner(device);
  const result = await runner.run(code, options);
  if (!result.ok) throw new Error(result.error?.message);
  return { ...result, device };
}

describe('mp.backend', () => {
  it('connect adopts the chip regions; is_connected, get_target_info, get_programmer_info, get_programmers', async () => {
    const { returns } = await run(`
      local before = mp.backend.is_connected()
      local t0, terr, tcode = mp.backend.get_target_info()
      assert(mp.backend.connect())
      local t = mp.backend.get_target_info()
      local p = mp.backend.get_programmer_info()
      local list = mp.backend.get_programmers()
      return before, t0, tcode, mp.backend.is_connected(), t.name, t.additional[1], p.name, p.serial, p.connected, p.type,
        #list, list[1].id, mp.memory.region_count()`);
    expect(returns).toEqual([
      false,
      null,
      'NOT_CONNECTED',
      true,
      'FakeChip',
      '64 KiB flash',
      'Fake CMSIS-DAP',
      '0001',
      true,
      'cmsis-dap',
      1,
      'fake:0001',
      2,
    ]);
  });

  it('connect_timeout connects with a time limit and refuses a non-positive one', async () => {
    const { returns } = await run(
      'local ok = mp.backend.connect_timeout(1000) local e = pcall(mp.backend.connect_timeout, 0) return ok, e',
    );
    expect(returns).toEqual([true, false]);
  });

  it('refuses a time limit a timer cannot hold (2^31 ms overflowed and fired at once) with a clear error', async () => {
    const names = ['connect', 'read', 'write', 'verify', 'erase', 'flash'].map((n) => `${n}_timeout`);
    const { returns } = await run(`
      mp.app.allow_hw_writes(true)
      local out = {}
      for _, name in ipairs({ "${names.join('", "')}" }) do
        for _, ms in ipairs({ 2^31, 2^53, 86400001 }) do
          local ok, err = pcall(mp.backend[name], ms)
          out[#out + 1] = tostring(ok) .. " " .. err
        end
      end
      out[#out + 1] = tostring((mp.backend.connect_timeout(86400000)))
      return table.concat(out, "\\n")`);
    const lines = String(returns[0]).split('\n');
    expect(lines).toHaveLength(names.length * 3 + 1);
    for (const line of lines.slice(0, -1))
      expect(line).toMatch(
        /^false .*mp\.backend\.\w+_timeout: the time limit must be 1 to 86400000 ms \(one day\), not \d+/,
      );
    expect(lines.at(-1)).toBe('true');
  });

  it('returns false, message and code without a selected programmer', async () => {
    const { returns } = await run('return mp.backend.connect()', new FakeDevice(), { deviceId: undefined });
    expect(returns).toEqual([
      false,
      'No programmer is selected: choose one in the app before running the script.',
      'NOT_CONNECTED',
    ]);
  });

  it('write refuses without allow_hw_writes, then writes; verify, read and read_timeout see the data', async () => {
    const device = new FakeDevice();
    const { returns } = await run(
      `
      assert(mp.backend.connect())
      mp.memory.write_at(0x1000, "\\1\\2\\3\\4")
      local ok, err, code = mp.backend.write()
      mp.app.allow_hw_writes(true)
      local ok2 = mp.backend.write()
      local v = mp.backend.verify()
      mp.memory.clear()
      local r = mp.backend.read()
      local ok3 = mp.backend.read_timeout(500)
      return ok, code, ok2, v, r, ok3, mp.memory.read_u32_at(0x1000, "be"), #mp.memory.data_ranges()`,
      device,
    );
    expect(returns).toEqual([false, 'WRITES_NOT_ALLOWED', true, true, true, true, 0x01020304, 2]);
    expect(device.chip.get('Code Flash')!.subarray(0x1000, 0x1004)).toEqual(new Uint8Array([1, 2, 3, 4]));
  });

  it('verify and verify_timeout report the first difference', async () => {
    const device = new FakeDevice();
    device.chip.get('Code Flash')![0x10] = 0x00;
    const { returns } = await run(
      'assert(mp.backend.connect()) mp.memory.fill_at(0, 32, 0xFF) local a, b, c = mp.backend.verify() return a, b, c, (mp.backend.verify_timeout(100))',
      device,
    );
    expect(returns).toEqual([false, 'Verify failed at 0x00000010.', 'VERIFY_FAILED', false]);
  });

  it('write_timeout, erase and erase_timeout (with confirmation), blank_check', async () => {
    const device = new FakeDevice();
    device.chip.get('UICR')![0] = 0;
    const runner = createTestRunner(device);
    const result = await runner.run(`
      assert(mp.backend.connect())
      mp.app.allow_hw_writes(true)
      local blank1, why = mp.backend.blank_check()
      assert(mp.backend.erase())
      local blank2 = mp.backend.blank_check()
      mp.memory.write_at(0x2000, "AB")
      local w = mp.backend.write_timeout(1000)
      local e = mp.backend.erase_timeout(1000)
      return blank1, why, blank2, w, e, (mp.backend.blank_check())`);
    expect(result.returns).toEqual([false, 'Block 16 not blanked (at 0x10001000).', true, true, true, true]);
    expect(result.questions).toEqual(['Erase the whole chip?', 'Erase the whole chip?']);
  });

  it('erase fails cleanly when the person does not confirm', async () => {
    const { returns, questions } = {
      ...(await run(
        'assert(mp.backend.connect()) mp.app.allow_hw_writes(true) return mp.backend.erase()',
        new FakeDevice(),
        { answer: false },
      )),
      questions: [],
    };
    expect(returns).toEqual([false, 'Mass erase was not confirmed.', 'CANCELLED']);
    expect(questions).toEqual([]);
  });

  it('write_no_blank programs over data with NOR semantics; blank_check names the block', async () => {
    const device = new FakeDevice();
    const { returns } = await run(
      `
      assert(mp.backend.connect())
      mp.app.allow_hw_writes(true)
      assert(mp.backend.erase_blocks())
      local blank = mp.backend.blank_check()
      mp.memory.write_at("Code Flash", 0x400, {0xF0})
      assert(mp.backend.write_no_blank())
      local b2, err = mp.backend.blank_check()
      mp.memory.write_at("Code Flash", 0x400, {0x0F})
      local w, werr, wcode = mp.backend.write()
      assert(mp.backend.write_no_blank())
      local v, verr = mp.backend.verify()
      return blank, b2, err, wcode, v, verr`,
      device,
    );
    expect(returns).toEqual([
      true,
      false,
      'Block 0 not blanked (at 0x00000000).',
      'NOT_BLANK',
      false,
      'Verify failed at 0x00000400.',
    ]);
    expect(device.chip.get('Code Flash')![0x400]).toBe(0x00);
  });

  it("flash and flash_timeout pass the backend's Not Supported through", async () => {
    const { returns } = await run(
      'assert(mp.backend.connect()) mp.app.allow_hw_writes(true) local a, b = mp.backend.flash() return a, b, (mp.backend.flash_timeout(10))',
    );
    expect(returns).toEqual([false, 'Not Supported: the fake has no flash cycle.', false]);
  });

  it('read_checksums returns 1-based tables of {block_n, base_checksum, sub_checksums}', async () => {
    const { returns } = await run(`
      assert(mp.backend.connect())
      local blocks = mp.backend.read_checksums()
      local b = blocks[1]
      return #blocks, b.block_n, b.address, b.base_checksum == mp.checksum.compute("crc32", ("\\255"):rep(4096)), #b.sub_checksums,
        b.sub_checksums[1] == mp.checksum.compute("crc32", ("\\255"):rep(1024))`);
    expect(returns).toEqual([16, 0, 0, true, 4, true]);
  });

  it('read_checksums returns nil, err, code on failure', async () => {
    const { returns } = await run('return mp.backend.read_checksums()');
    expect(returns).toEqual([null, 'read_checksums(): connect first.', 'NOT_CONNECTED']);
  });

  it('segment operations: read, verify, write, erase (confirmed), with alignment checked before I/O', async () => {
    const device = new FakeDevice();
    device.chip.get('Code Flash')!.fill(0x11, 0x3000, 0x3010);
    const runner = createTestRunner(device);
    const result = await runner.run(`
      assert(mp.backend.connect())
      assert(mp.backend.read_segment(0x3000, 0x10))
      local got = mp.memory.read_byte_at(0x3000)
      local v = mp.backend.verify_segment(0x3000, 0x10)
      local bad, badmsg, badcode = mp.backend.read_segment(0x3001, 4)
      mp.app.allow_hw_writes(true)
      local e = mp.backend.erase_segment(0x3000, 0x1000)
      mp.memory.fill_at(0x3000, 0x1000, 0x22)
      local w = mp.backend.write_segment(0x3000, 0x1000)
      local mis, _, miscode = mp.backend.write_segment(0x3000, 0x10)
      return got, v, bad, badcode, e, w, mis, miscode`);
    expect(result.returns).toEqual([
      0x11,
      true,
      false,
      'ADDRESS_MISALIGNED',
      true,
      true,
      false,
      'ADDRESS_MISALIGNED',
    ]);
    expect(result.questions).toEqual(['Erase 0x00003000..?']);
    expect(device.chip.get('Code Flash')![0x3fff]).toBe(0x22);
  });

  it('erase_segment without allow_hw_writes fails before asking', async () => {
    const result = await createTestRunner().run(
      'mp.backend.connect() return mp.backend.erase_segment(0, 0x1000)',
    );
    expect(result.returns).toEqual([
      false,
      expect.stringContaining('hardware writes are not allowed'),
      'WRITES_NOT_ALLOWED',
    ]);
    expect(result.questions).toEqual([]);
  });

  it('get_progress shows the last operation', async () => {
    const { returns } = await run(
      'local p0 = mp.backend.get_progress() mp.backend.connect() mp.backend.blank_check() local p = mp.backend.get_progress() return p0.title, p.title, p.progress, p.speed, p.msg',
    );
    expect(returns).toEqual(['', 'blank_check', 100, 1000, 'finished']);
  });

  it('power functions switch power, or return Not Supported', async () => {
    const device = new FakeDevice({ power: true });
    const { returns } = await run(
      `local seen = {}
       local function note() seen[#seen + 1] = 0 end
       assert(mp.backend.power_on()) local a = 1
       assert(mp.backend.power_on_5v())
       assert(mp.backend.power_off())
       assert(mp.backend.power_toggle())
       assert(mp.backend.set_power("5v"))
       local ok = pcall(mp.backend.set_power, "12v")
       return ok`,
      device,
    );
    expect(returns).toEqual([false]);
    expect(device.power).toBe('5v');
    const off = await run('return mp.backend.power_on()');
    expect(off.returns).toEqual([
      false,
      'Not Supported: this probe cannot switch target power.',
      'NOT_SUPPORTED',
    ]);
  });
});
