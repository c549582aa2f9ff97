/** CortexProg special scripts through real Lua, the device worker's DeviceManager and the simulators. */
import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe } from '../../../src/sim';
import { exampleScript, simRig } from '../testing/sim-rig';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { imageToDto } from '../../device/image-dto';

describe('CortexProg special scripts', () => {
  it('nrf52 unlock: finds the CTRL-AP, mass-erases a locked micro:bit V2 and leaves it programmable', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero', locked: true });
    const rig = await simRig({ probes: [probe] });
    const before = await rig.run('return (mp.backend.connect())');
    expect(before.returns).toEqual([false]);

    const result = await rig.run(exampleScript('cortexprog_nrf52_unlock.lua'), {
      chunkName: 'cortexprog_nrf52_unlock.lua',
    });
    expect(result.error).toBeUndefined();
    expect(result.questions).toEqual([
      'Erase the whole nRF52 (flash, UICR and RAM) to remove its read-out protection?',
      "Write to the chip's memory and access ports directly? Such writes can erase or program its flash.",
    ]);
    expect(result.logs[0]).toBe('info: Nordic CTRL-AP is access port 1; the chip is read-protected.');
    expect(result.logs.at(-1)).toBe('info: Unlocked: the chip is blank and can be programmed again.');
    expect(probe.target.chip.locked).toBe(false);
    expect(probe.target.flash.every((b) => b === 0xff)).toBe(true);

    const after = await rig.run('return mp.backend.connect(), mp.backend.get_target_info().name');
    expect(after.returns[0]).toBe(true);
    expect(after.returns[1]).toMatch(/nRF52833/);
  });

  it('nrf52 unlock: refusing the confirmation ends at PRE_CPUID with nothing erased', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero', locked: true });
    const rig = await simRig({ probes: [probe] });
    const result = await rig.run(exampleScript('cortexprog_nrf52_unlock.lua'), { answer: false });
    expect(result.ok).toBe(false);
    expect(result.error?.message).toBe(
      'special script: main() returned false at step 2 (TOOL_OP_STEP_PRE_CPUID)',
    );
    expect(result.logs).toContain('warn: Unlock cancelled: nothing was erased.');
    expect(probe.target.chip.locked).toBe(true);
  });

  it('nrf52 unlock: reports a chip without a CTRL-AP', async () => {
    const rig = await simRig({ probes: [createSimulatedStm32f411Probe({ latency: 'zero' })] });
    const result = await rig.run(exampleScript('cortexprog_nrf52_unlock.lua'));
    expect(result.ok).toBe(false);
    expect(result.logs).toEqual(['error: No Nordic CTRL-AP found: this is not an nRF52.']);
  });

  it.each([
    [false, 'Read-out protection: level 0 (no protection)', 'Level 0'],
    [true, 'Read-out protection: level 1 (read-out protected, RDP byte 0x55)', 'Level 1'],
  ])('stm32f4 option bytes (locked %s)', async (locked, rdpLine, status) => {
    const rig = await simRig({ probes: [createSimulatedStm32f411Probe({ latency: 'zero', locked })] });
    const result = await rig.run(exampleScript('cortexprog_stm32f4_option_bytes.lua'));
    expect(result.error).toBeUndefined();
    expect(result.logs[0]).toBe('info: STM32 device id 0x431 rev 0x1000, 512 KiB flash, ARMv7-M core');
    expect(result.logs).toContain(`info: ${rdpLine}`);
    expect(result.logs).toContain('info: Brown-out reset: BOR off');
    expect(result.logs).toContain('info: Write-protected sectors: none');
    expect(result.statuses).toEqual([{ label: 'RDP', value: status }]);
  });

  it('calls main at every step with what is up, and every CortexProg function works on the nRF52833', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const rig = await simRig({ probes: [probe] });
    const result = await rig.run(
      `
      local seen, out = {}, {}
      function init(params)
        out.params = params
        return TOOL_OP_NEEDS_SCRIPT | TOOL_OP_NEEDS_SCPT_WRITE | TOOL_OP_NEEDS_SCPT_ERASEBLOCK
      end
      function main(step, dbg, cpu, scpt)
        seen[#seen + 1] = string.format("%d:%s:%s:%s", step, dbg, cpu, scpt)
        if step ~= TOOL_OP_STEP_MAIN then return true end
        out.dpidr = dbgSwdRead(0, 0)
        out.clock = { dbgSetClock(1000000) }
        out.v7, out.fpu = cpuIsV7(), cpuHasFpu()
        out.stop = cpuStop()
        out.regset = cpuRegSet(3, 0xCAFE)
        out.r3 = cpuRegGet(3)
        out.xpsr_t = (cpuRegGet(16) >> 24) & 1
        out.refused_ww = { cpuWordWrite(0x2001F100, 0xE7FEE7FE) }
        out.refused = { scriptEraseBlock(0x70000) }
        mp.app.allow_hw_writes(true)
        cpuWordWrite(0x2001F100, 0xE7FEE7FE) -- b . ; b .
        cpuRegSet(15, 0x2001F100)
        out.step = cpuStep()
        out.pc = cpuRegGet(15)
        out.go = cpuGo()
        out.running = cpuIsStoppedAndWhy()
        out.halted = cpuStop()
        out.ww = cpuWordWrite(0x2001F000, 0x12345678)
        out.wr = cpuWordRead(0x2001F000)
        out.staging = scriptGetFlashWriteStageAreaAddr()
        out.ops = scriptGetSupportedOps()
        out.erase_size = scriptGetFlashBlockSize(0, false)
        out.write_size = scriptGetFlashBlockSize(0, true)
        out.outside = scriptGetFlashBlockSize(0x30000000, false)
        out.erased = scriptEraseBlock(0x70000)
        for i = 0, out.write_size - 4, 4 do cpuWordWrite(out.staging + i, 0xA5000000 + i) end
        out.written = { scriptWriteBlock(0x70000) }
        out.reset = cpuReset()
        local function dump(v)
          if type(v) ~= "table" then return type(v) == "number" and string.format("%d", v) or tostring(v) end
          local parts = {}
          for i = 1, 3 do parts[i] = dump(v[i]) end
          return table.concat(parts, "|")
        end
        mp.log.info("seen " .. table.concat(seen, " "))
        for key, value in pairs(out) do mp.log.info(key .. "=" .. dump(value)) end
        return true
      end`,
      { specialParams: 'read all' },
    );
    expect(result.error).toBeUndefined();
    expect(result.logs[0]).toBe(
      'info: seen 0:false:false:false 1:true:false:false 2:true:false:false 3:true:true:false 4:true:true:true 5:true:true:true 6:true:true:true',
    );
    const out = Object.fromEntries(
      result.logs.slice(1).map((line) => line.slice(6).split('=') as [string, string]),
    );
    expect(out).toMatchObject({
      params: 'read all',
      dpidr: String(0x2ba01477),
      clock:
        'nil|Not Supported: setting the SWD clock from a script is not available on CMSIS-DAP probes.|NOT_SUPPORTED',
      v7: 'true',
      fpu: 'true',
      stop: String(2), // halted on the device script's bkpt
      pc: String(0x2001f100),
      halted: '1', // go cleared the sticky reasons
      regset: 'true',
      r3: String(0xcafe),
      xpsr_t: '1',
      step: '3', // DFSR keeps BKPT until cleared; HALT_OR_STEP added
      go: 'true',
      running: '0',
      ww: 'true',
      wr: String(0x12345678),
      ops: '7',
      erase_size: '4096',
      erased: 'true',
      written: 'true|nil|nil',
      reset: 'true',
    });
    expect(out.refused).toMatch(/^nil\|.*not allowed.*\|WRITES_NOT_ALLOWED$/);
    expect(out.refused_ww).toMatch(/^nil\|A direct memory write .*not allowed.*\|WRITES_NOT_ALLOWED$/);
    // Asked once per run for direct writes, for running the code the script set up and for
    // block erases, not at every call.
    expect(result.questions).toEqual([
      "Write to the Nordic nRF52833's memory and access ports directly? Such writes can erase or program its flash.",
      "Run the Nordic nRF52833's core from the registers the script set? Such code can erase or program its flash.",
      'Erase flash blocks of the Nordic nRF52833 through its device script?',
    ]);
    expect(out.outside).toBeUndefined();
    const writeSize = Number(out.write_size);
    const block = probe.target.readMemory(0x70000, writeSize);
    const view = new DataView(block.buffer, block.byteOffset);
    for (let i = 0; i < writeSize; i += 4) expect(view.getUint32(i, true)).toBe((0xa5000000 + i) >>> 0);
  });

  it('raises an error with the line when a function is used before its step', async () => {
    const rig = await simRig({ probes: [createSimulatedMicrobit('v2', { latency: 'zero' })] });
    const result = await rig.run(
      'function init() return TOOL_OP_NEEDS_CPU end\nfunction main(step)\n  if step == TOOL_OP_STEP_PRE_CPUID then cpuWordRead(0) end\n  return true\nend',
    );
    expect(result.error).toMatchObject({ code: 'SCRIPT_ERROR', line: 3 });
    expect(result.error?.message).toContain('cpu not available');
  });

  it('fails when init returns nil, and leaves ordinary scripts alone', async () => {
    const rig = await simRig({ probes: [createSimulatedMicrobit('v2', { latency: 'zero' })] });
    const failed = await rig.run('function init() return nil end function main() return true end');
    expect(failed.error?.message).toBe('special script: init() failed (it returned nil)');
    const plain = await rig.run('function main() return 1 end return main()');
    expect(plain).toMatchObject({ ok: true, returns: [1] });
  });

  it('fails a script that needs a device script operation the loaded one lacks', async () => {
    const rig = await simRig({ probes: [createSimulatedMicrobit('v1', { latency: 'zero' })] });
    const result = await rig.run(`
      function init() return TOOL_OP_NEEDS_SCPT_ERASEALL end
      function main(step) return true end`);
    // The nRF51 device script has a mass erase: the check passes and every step runs.
    expect(result.error).toBeUndefined();
  });
});

describe('special scripts and the hardware-write gate', () => {
  const firmware = Uint8Array.from({ length: 0x1000 }, (_, i) => (i * 13 + 1) & 0xff);
  const programmed = () =>
    createSimulatedMicrobit('v2', { latency: 'zero', flash: [{ address: 0x1000, data: firmware }] });
  /** NVMC CONFIG = EEN, then ERASEALL: a mass erase of the nRF52 through its flash controller. */
  const massEraseByNvmc = `
    function init() return TOOL_OP_NEEDS_CPU end
    function main(step)
      if step ~= TOOL_OP_STEP_MAIN then return true end
      local results = {}
      for _, w in ipairs({ { 0x4001E504, 2 }, { 0x4001E50C, 1 } }) do
        local ok, message, code = cpuWordWrite(w[1], w[2])
        results[#results + 1] = tostring(ok) .. "|" .. tostring(code)
      end
      local ok, message, code = dbgSwdWrite(1, 1, 0x4001E50C)
      results[#results + 1] = tostring(ok) .. "|" .. tostring(code)
      mp.log.info(table.concat(results, " "))
      return true
    end`;

  it('cpuWordWrite and AP writes to the flash controller are refused while writes are not allowed', async () => {
    const probe = programmed();
    const rig = await simRig({ probes: [probe] });
    const result = await rig.run(massEraseByNvmc);
    expect(result.error).toBeUndefined();
    expect(result.logs).toEqual([
      'info: nil|WRITES_NOT_ALLOWED nil|WRITES_NOT_ALLOWED nil|WRITES_NOT_ALLOWED',
    ]);
    expect(result.questions).toEqual([]);
    expect(probe.target.readMemory(0x1000, firmware.length)).toEqual(firmware);
  });

  it('with writes allowed, direct writes are confirmed once per run; a refusal erases nothing', async () => {
    const probe = programmed();
    const rig = await simRig({ probes: [probe] });
    const allowed = `mp.app.allow_hw_writes(true)\n${massEraseByNvmc}`;
    const refused = await rig.run(allowed, { answer: false });
    expect(refused.logs).toEqual(['info: nil|CANCELLED nil|CANCELLED nil|CANCELLED']);
    expect(refused.questions).toEqual([
      "Write to the chip's memory and access ports directly? Such writes can erase or program its flash.",
    ]);
    expect(probe.target.readMemory(0x1000, firmware.length)).toEqual(firmware);

    const accepted = await rig.run(allowed);
    expect(accepted.questions).toHaveLength(1);
    expect(accepted.logs[0]).toMatch(/^info: true\|nil true\|nil /);
    expect(probe.target.readMemory(0x1000, firmware.length).every((b) => b === 0xff)).toBe(true);
  });

  it('script block erases and mass erase ask as mp.backend does, and need writes allowed', async () => {
    const probe = programmed();
    const rig = await simRig({ probes: [probe] });
    const script = (allow: boolean) => `
      mp.app.allow_hw_writes(${allow})
      function init() return TOOL_OP_NEEDS_SCRIPT | TOOL_OP_NEEDS_SCPT_ERASEBLOCK end
      function main(step)
        if step ~= TOOL_OP_STEP_MAIN then return true end
        local a = { scriptEraseBlock(0x1000) }
        local b = { scriptEraseBlock(0x2000) }
        local c = { scriptEraseAll() }
        mp.log.info(tostring(a[1]) .. "|" .. tostring(a[3]) .. " " .. tostring(b[1]) .. " " .. tostring(c[1]) .. "|" .. tostring(c[3]))
        return true
      end`;
    const refused = await rig.run(script(false));
    expect(refused.logs).toEqual(['info: nil|WRITES_NOT_ALLOWED nil nil|WRITES_NOT_ALLOWED']);
    expect(probe.target.readMemory(0x1000, firmware.length)).toEqual(firmware);
    const declined = await rig.run(script(true), { answer: false });
    expect(declined.logs).toEqual(['info: nil|CANCELLED nil nil|CANCELLED']);
    expect(declined.questions).toEqual([
      'Erase flash blocks of the Nordic nRF52833 through its device script?',
      'Erase the whole Nordic nRF52833? Everything on the chip is lost.',
    ]);
    expect(probe.target.readMemory(0x1000, firmware.length)).toEqual(firmware);
    const accepted = await rig.run(script(true));
    expect(accepted.logs).toEqual(['info: true|nil true true|nil']);
    expect(accepted.questions).toHaveLength(2);
    expect(probe.target.readMemory(0x1000, firmware.length).every((b) => b === 0xff)).toBe(true);
  });

  /**
   * Firmware whose first instructions store R1 at [R0] and then loop (str r1, [r0]; b .): with
   * R0, R1 and PC set from a script, cpuGo makes the core write the NVMC registers itself.
   */
  const storeLoop = Uint8Array.from([0x01, 0x60, 0xfe, 0xe7, ...firmware.subarray(4)]);
  const runStoreLoop = `
    function init() return TOOL_OP_NEEDS_CPU end
    function main(step)
      if step ~= TOOL_OP_STEP_MAIN then return true end
      local out = {}
      local function note(ok, message, code) out[#out + 1] = tostring(ok) .. "|" .. tostring(code) end
      cpuStop()
      note(cpuGo()) -- the chip's own program: allowed
      cpuStop()
      cpuRegSet(3, 7)
      cpuReset() -- a reset ends what the registers were set up for
      note(cpuGo())
      local function store(address, value)
        cpuStop()
        cpuRegSet(0, address)
        cpuRegSet(1, value)
        cpuRegSet(15, 0x1000)
        note(cpuGo())
        for _ = 1, 20 do cpuIsStoppedAndWhy() end
      end
      store(0x4001E504, 2) -- NVMC CONFIG = EEN
      cpuStop()
      note(cpuStep())
      store(0x4001E50C, 1) -- NVMC ERASEALL
      mp.log.info(table.concat(out, " "))
      return true
    end`;

  it('cpuRegSet then cpuGo or cpuStep (code the script chose) is refused while writes are not allowed', async () => {
    const probe = createSimulatedMicrobit('v2', {
      latency: 'zero',
      flash: [{ address: 0x1000, data: storeLoop }],
    });
    const rig = await simRig({ probes: [probe] });
    const result = await rig.run(runStoreLoop);
    expect(result.error).toBeUndefined();
    expect(result.logs).toEqual([
      'info: true|nil true|nil nil|WRITES_NOT_ALLOWED nil|WRITES_NOT_ALLOWED nil|WRITES_NOT_ALLOWED',
    ]);
    expect(result.questions).toEqual([]);
    expect(probe.target.readMemory(0x1000, storeLoop.length)).toEqual(storeLoop);
  });

  it('with writes allowed, running the code the script set up is confirmed once per run', async () => {
    const probe = createSimulatedMicrobit('v2', {
      latency: 'zero',
      flash: [{ address: 0x1000, data: storeLoop }],
    });
    const rig = await simRig({ probes: [probe] });
    const allowed = `mp.app.allow_hw_writes(true)\n${runStoreLoop}`;
    const declined = await rig.run(allowed, { answer: false });
    expect(declined.logs).toEqual(['info: true|nil true|nil nil|CANCELLED nil|CANCELLED nil|CANCELLED']);
    expect(declined.questions).toEqual([
      "Run the chip's core from the registers the script set? Such code can erase or program its flash.",
    ]);
    expect(probe.target.readMemory(0x1000, storeLoop.length)).toEqual(storeLoop);

    const accepted = await rig.run(allowed);
    expect(accepted.logs).toEqual(['info: true|nil true|nil true|nil 1|nil true|nil']); // the step halts: HALT_OR_STEP
    expect(accepted.questions).toHaveLength(1);
    expect(probe.target.readMemory(0x1000, storeLoop.length).every((b) => b === 0xff)).toBe(true);
  });

  it("after a script's raw DP SELECT write the page's next flash works on the untouched chip", async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const rig = await simRig({ probes: [probe] });
    const result = await rig.run(`
      function init() return TOOL_OP_NEEDS_SCRIPT end
      function main(step)
        if step == TOOL_OP_STEP_MAIN then assert(dbgSwdWrite(0, 2, 0xF0)) end
        return true
      end`);
    expect(result.error).toBeUndefined();
    const { regions } = await rig.manager.connectDevice(rig.ids[0]);
    const image = new MemoryImage(regions);
    image.writeAt(0x1000, firmware);
    const flashed = await rig.manager.backendCall(
      rig.ids[0],
      'flash',
      { image: imageToDto(image) },
      { allowWrites: true },
    );
    expect(flashed.report?.verified).toBe(true);
    expect(probe.target.readMemory(0x1000, firmware.length)).toEqual(firmware);
  });
});
