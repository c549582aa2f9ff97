/**
 * Lua on the simulated RL78 (backend `rl78` over a simulated USB-UART): MultiProg's seed example
 * for the extended operations, every `mp.backend` operation, and the bundled RL78 examples.
 */
import { describe, expect, it } from 'vitest';
import { checksum } from '../../../src/core/checksum';
import { saveFile } from '../../../src/core/formats';
import { SparseData } from '../../../src/core/memory/sparse-data';
import { createSimulatedRl78Board } from '../../../src/sim/rl78';
import { rl78Regions } from '../../device/rl78/rl78-families';
import { exampleScript, simRig } from '../testing/sim-rig';
import { lcgBytes } from '../../device/testing';

const pattern = (size: number, seed = 5): Uint8Array => lcgBytes(size, seed);

async function rl78Rig(chip: 'R5F100LE' | 'R5F104LE' = 'R5F100LE') {
  const board = createSimulatedRl78Board({ chip });
  board.flash.load(0x2000, pattern(3000)); // something to erase
  return { board, rig: await simRig({ rl78Boards: [board] }) };
}

/** MultiProg's seed example (000_…: erase_blocks() section), with its results logged. */
const SEED = `
local ok, err = mp.backend.connect() if not ok then mp.log.error(err); return end
mp.app.allow_hw_writes(true)
local r = {}
ok, err = mp.backend.erase_blocks() if not ok then mp.log.error(err); return end
ok, err = mp.backend.blank_check() -- ok=true, region is blank
r[#r + 1] = tostring(ok)
ok, err = mp.backend.write_no_blank() if not ok then mp.log.error(err); return end
ok, err = mp.backend.blank_check() -- ok=false, err contains "Block N not blanked"
r[#r + 1] = tostring(ok) .. " " .. tostring(err)
mp.memory.write_at("Code Flash", 0x400, {0x00})
ok, err = mp.backend.write_no_blank() -- 0xFF → 0x00 is a valid 1→0 transition
r[#r + 1] = tostring(ok)
ok, err = mp.backend.verify()
r[#r + 1] = tostring(ok)
return table.unpack(r)
`;

describe('RL78 and Lua (simulated R5F100LE)', { timeout: 120_000 }, () => {
  it('runs the seed example with the results the seed describes', async () => {
    const { board, rig } = await rl78Rig();
    // The person's buffer: 2 KiB at 0x400 in the R5F100LE's regions.
    const image = {
      regions: rl78Regions(0xffff, 0xf1fff),
      segments: [{ address: 0x400, data: pattern(2048) }],
    };
    const run = await rig.run(SEED, { image });
    expect(run.error).toBeUndefined();
    expect(run.returns).toEqual([
      'true',
      'false Block 1 not blanked (Code Flash at 0x00000400).',
      'true',
      'true',
    ]);
    expect(board.flash.code[0x400]).toBe(0x00);
    expect(board.flash.code.subarray(0x401, 0xc00)).toEqual(pattern(2048).subarray(1));
    expect(board.flash.code.subarray(0x2000, 0x2bb8).every((b) => b === 0xff)).toBe(true);
  });

  it('every mp.backend operation on RL78', async () => {
    const { board, rig } = await rl78Rig('R5F104LE');
    const code = `
      local out = {}
      local function rec(name, ok, err) out[#out + 1] = name .. "=" .. tostring(ok) .. (ok and "" or (" " .. tostring(err))) end
      rec("connect", mp.backend.connect())
      rec("is_connected", mp.backend.is_connected())
      local t = mp.backend.get_target_info()
      out[#out + 1] = "target=" .. t.name
      out[#out + 1] = "programmer=" .. mp.backend.get_programmer_info().name
      mp.app.allow_hw_writes(true)
      rec("erase", mp.backend.erase())
      rec("blank_check", mp.backend.blank_check())
      mp.memory.write_at(0x1000, "RL78 WebProg")
      rec("write", mp.backend.write())
      rec("write again", mp.backend.write())
      rec("verify", mp.backend.verify())
      rec("flash", mp.backend.flash())
      rec("read", mp.backend.read())
      rec("read_segment", mp.backend.read_segment(0x1000, 256))
      rec("verify_segment", mp.backend.verify_segment(0x1000, 256))
      mp.memory.write_at(0xF1000, {0x12, 0x34})
      rec("write_segment", mp.backend.write_segment(0xF1000, 256))
      rec("verify_segment data", mp.backend.verify_segment(0xF1000, 256))
      rec("erase_segment", mp.backend.erase_segment(0xF1000, 1024))
      rec("verify_segment erased", mp.backend.verify_segment(0xF1000, 256))
      local blocks = mp.backend.read_checksums()
      out[#out + 1] = "blocks=" .. #blocks .. " subs=" .. #blocks[5].sub_checksums
      out[#out + 1] = string.format("block4=%04X buffer=%04X", blocks[5].base_checksum,
        mp.checksum.sum_rl78(mp.memory.read_raw_at(0x1000, 1024)))
      rec("write_no_blank", mp.backend.write_no_blank())
      rec("erase_blocks", mp.backend.erase_blocks())
      rec("set_power", mp.backend.power_on())
      return table.concat(out, "\\n")
    `;
    const run = await rig.run(code, { image: { regions: [], segments: [] } });
    expect(run.error).toBeUndefined();
    const lines = String(run.returns[0]).split('\n');
    const sum = checksum(
      'sum16-rl78',
      Uint8Array.from([...new TextEncoder().encode('RL78 WebProg'), ...new Uint8Array(1012).fill(0xff)]),
    ).value!;
    expect(lines).toEqual([
      'connect=true',
      'is_connected=true',
      'target=R5F104LE',
      'programmer=CP210x USB-UART (RL78 serial programming)',
      'erase=true',
      'blank_check=true',
      'write=true',
      'write again=false Block 4 not blanked (Code Flash at 0x00001000).',
      'verify=true',
      'flash=true',
      expect.stringMatching(/^read=false Not Supported: the RL78 boot firmware has no command to read flash/),
      expect.stringMatching(/^read_segment=false Not Supported/),
      'verify_segment=true',
      'write_segment=true',
      'verify_segment data=true',
      'erase_segment=true',
      expect.stringMatching(/^verify_segment erased=false Verify failed at 0x000F1000/),
      'blocks=68 subs=4',
      `block4=${sum.toString(16).toUpperCase().padStart(4, '0')} buffer=${sum.toString(16).toUpperCase().padStart(4, '0')}`,
      'write_no_blank=true',
      'erase_blocks=true',
      expect.stringMatching(/^set_power=false Not Supported/),
    ]);
    expect(board.flash.code.every((b) => b === 0xff)).toBe(true);
    // write_no_blank put the buffer's Data Flash bytes back; erase_blocks erased only Code Flash.
    expect(board.flash.dataFlash.subarray(0, 2)).toEqual(Uint8Array.of(0x12, 0x34));
  });

  it('the bundled erase_blocks_blank_check.lua works on RL78', async () => {
    const { rig } = await rl78Rig();
    const run = await rig.run(exampleScript('erase_blocks_blank_check.lua'), {
      image: { regions: [], segments: [] },
    });
    expect(run.error).toBeUndefined();
    expect(run.logs).toEqual([
      'info: Region Code Flash: 0x00000000, 64 KiB in 1024-byte blocks',
      'info: erase_blocks: done',
      'info: blank_check after erase: blank',
      'info: blank_check after write: Block 1 not blanked (Code Flash at 0x00000400).',
      'info: verify after 0x57 -> 0x00: ok',
      expect.stringMatching(
        /^info: verify after 0x00 -> 0xFF: Verify failed in Block 1 \(Code Flash\) at 0x00000400/,
      ),
    ]);
  });

  it('rl78_production_line.lua flashes, checks chip checksums, numbers boards in Data Flash, logs CSV', async () => {
    const firmwareData = new SparseData();
    firmwareData.write(0, pattern(20 * 1024, 11));
    const firmware = { name: 'firmware.hex', bytes: saveFile(firmwareData, 'intel-hex') };
    const { board, rig } = await rl78Rig();
    const run1 = await rig.run(exampleScript('rl78_production_line.lua'), { files: [firmware] });
    expect(run1.error).toBeUndefined();
    expect(run1.returns).toEqual([true, 5000, expect.any(Number)]);
    expect(run1.logs.at(-1)).toMatch(
      /^success: Board 5000 flashed; chip checksum of Code Flash [0-9A-F]{4}\.$/,
    );
    expect(new DataView(board.flash.dataFlash.buffer).getUint32(0, true)).toBe(5000);
    expect(board.flash.code.subarray(0, 20 * 1024)).toEqual(pattern(20 * 1024, 11));
    const csv1 = run1.savedFiles.filter((f) => f.name === 'rl78-production-log.csv').at(-1)!;
    const rows = new TextDecoder().decode(csv1.bytes).trim().split('\n');
    expect(rows[0]).toBe('time,target,firmware,code_sum,serial,result');
    expect(rows[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,R5F100LE,firmware\.hex,[0-9A-F]{4},5000,ok$/);

    const run2 = await rig.run(exampleScript('rl78_production_line.lua'), { files: [firmware, csv1] });
    expect(run2.returns).toEqual([true, 5001, run1.returns[2]]);
    expect(new DataView(board.flash.dataFlash.buffer).getUint32(0, true)).toBe(5001);
  });
});
