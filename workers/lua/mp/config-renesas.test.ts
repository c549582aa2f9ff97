/**
 * `mp.config` over the Renesas chips of the target catalogue (RL78/G13 and G14 parts, RA4M1,
 * RA4M2): known by part number, with their family and programmer ("rl78", "ra"), and laid out
 * as the RL78 and RA backends lay them out when the chip is connected.
 */
import { describe, expect, it } from 'vitest';
import { TARGETS, targetById } from '../../../src/core/targets';
import { RA_CHIPS } from '../../../src/sim/ra';
import { RL78_CHIPS, createSimulatedRl78Board } from '../../../src/sim/rl78';
import { createSimulatedMicrobit } from '../../../src/sim';
import { imageFromDto } from '../../device/image-dto';
import type { RaArea, RaAreaKind } from '../../device/ra/ra-commands';
import { layoutOf } from '../../device/ra/ra-layout';
import { rl78PartInfo, rl78Regions, RL78_DATA_FLASH_BASE } from '../../device/rl78/rl78-families';
import { createTestRunner } from '../testing/run-script';
import { simRig } from '../testing/sim-rig';

const runner = createTestRunner();

async function run(code: string, extra = {}) {
  const result = await runner.run(code, extra);
  if (!result.ok) throw new Error(result.error?.message);
  return result;
}

describe('mp.config with the Renesas targets', () => {
  it('set_target("R5F100LE") selects an RL78/G13 with programmer "rl78" and its code and data flash', async () => {
    const result = await run(`
      local ok, err = mp.config.set_target("R5F100LE")
      local c = mp.config.get()
      return ok, err, c.target, c.family, c.programmer, c.device_id, mp.memory.get_regions()`);
    // The fake rig has no RL78 cable: the selection says rl78 and no device is chosen.
    expect(result.returns).toEqual([
      true,
      '',
      'R5F100LE',
      'RL78/G13',
      'rl78',
      '',
      ['Code Flash', 'Data Flash'],
    ]);
    const regions = imageFromDto(result.image).regions;
    expect(regions.map((r) => [r.name, r.base, r.size, r.eraseSize])).toEqual([
      ['Code Flash', 0, 0x10000, 0x400],
      ['Data Flash', 0xf1000, 0x1000, 0x400],
    ]);
  });

  it('knows RL78/G13 and G14 parts in the two-argument form and refuses a part outside the family', async () => {
    const { returns } = await run(`
      local a = mp.config.set_target("RL78/G14", "R5F104LE")
      local fa = mp.config.get().family
      local b = mp.config.set_target("rl78/g13", "r5f100gj")
      local c = mp.config.get()
      local x, ex = mp.config.set_target("RL78/G13", "R5F104LE")
      return a, fa, b, c.target, c.family, mp.memory.region_size("Code Flash"), x, ex`);
    expect(returns.slice(0, 7)).toEqual([true, 'RL78/G14', true, 'R5F100GJ', 'RL78/G13', 256 * 1024, false]);
    expect(returns[7]).toMatch(
      /^Target not found: "R5F104LE" in family "RL78\/G13" \(known: "R5F100LE", "R5F100LG", "R5F100GJ"\)/,
    );
  });

  it('set_target("RA4M1") and by part number: family "RA4", programmer "ra", the areas as regions', async () => {
    const { returns } = await run(`
      local a = mp.config.set_target("RA4M1")
      local c = mp.config.get()
      local names = mp.memory.get_regions()
      local b = mp.config.set_target("RA4", "R7FA4M2AD3CFP")
      local d = mp.config.get()
      local info = mp.memory.get_region_info("Data Flash")
      return a, c.target, c.family, c.programmer, names, b, d.target, d.family, info.start_address`);
    expect(returns).toEqual([
      true,
      'RA4M1',
      'RA4',
      'ra',
      ['Code Flash', 'Config', 'Data Flash'],
      true,
      'RA4M2',
      'RA4',
      0x0800_0000,
    ]);
  });

  it("set_family switches to the family's programmer (as MultiProg does) and clears a target of another family", async () => {
    const { returns } = await run(`
      mp.config.set_target("nRF52833")
      local p0 = mp.config.get().programmer
      local a, ea = mp.config.set_family("RL78/G13")
      local c = mp.config.get()
      local b = mp.config.set_family("RA4")
      local p2 = mp.config.get().programmer
      local d = mp.config.set_family("nRF52")
      return p0, a, ea, c.family, c.target, c.programmer, b, p2, d, mp.config.get().programmer`);
    expect(returns).toEqual(['cmsis-dap', true, '', 'RL78/G13', '', 'rl78', true, 'ra', true, 'cmsis-dap']);
  });

  it('select checks the programmer against the target; set takes MultiProg\'s "usb-uart" for an RL78', async () => {
    const { returns } = await run(`
      local a, ea = mp.config.select("cmsis-dap", "RL78/G13", "R5F100LE")
      local b, eb = mp.config.select("rl78", "RL78/G13", "R5F100LE")
      local c, ec = mp.config.set({ programmer = "usb-uart", family = "RL78/G14", target = "R5F104LG" })
      local cfg = mp.config.get()
      return a, ea, b, eb, c, ec, cfg.programmer, cfg.family, cfg.target`);
    expect(returns[0]).toBe(false);
    expect(returns[1]).toBe('The R5F100LE (RL78/G13) is programmed with "rl78", not "cmsis-dap".');
    expect(returns.slice(2)).toEqual([true, '', true, '', 'rl78', 'RL78/G14', 'R5F104LG']);
  });

  it('get completes the family of a Renesas chip the page names', async () => {
    const a = await run('return mp.config.get()', { config: { target: 'R5F100LE' } });
    expect(a.returns[0]).toMatchObject({ target: 'R5F100LE', family: 'RL78/G13' });
    const b = await run('return mp.config.get()', { config: { target: 'Renesas R7FA4M1AB3CFM' } });
    expect(b.returns[0]).toMatchObject({ target: 'RA4M1', family: 'RA4' });
    // A part number with its order-code suffix ("R5F100LEA") is the R5F100LE; the RA4M2 by its product name.
    const c = await run('return mp.config.get()', { config: { target: 'R5F100LEA', programmer: 'rl78' } });
    expect(c.returns[0]).toMatchObject({ target: 'R5F100LE', family: 'RL78/G13', programmer: 'rl78' });
    const d = await run('return mp.config.get()', { config: { target: 'R7FA4M2AD3CFP' } });
    expect(d.returns[0]).toMatchObject({ target: 'RA4M2', family: 'RA4' });
    const e = await run('return mp.config.get()', { config: { target: 'R5F10' } });
    expect(e.returns[0]).toMatchObject({ target: 'R5F10', family: '' });
  });

  it('picks the RL78 cable the page can reach when set_target names an RL78, and the chip connects', async () => {
    const board = createSimulatedRl78Board({ chip: 'R5F100LE' });
    const rig = await simRig({
      probes: [createSimulatedMicrobit('v2', { latency: 'zero' })],
      rl78Boards: [board],
    });
    const result = await rig.run(`
      local before = mp.config.get().device_id
      assert(mp.config.set_target("R5F100LE"))
      local c = mp.config.get()
      local ok, err = mp.backend.connect()
      return before, c.device_id, c.programmer, ok, err, mp.backend.get_programmer_info().type`);
    expect(result.error).toBeUndefined();
    expect(result.returns).toEqual([rig.ids[0], rig.ids[1], 'rl78', true, '', 'rl78']);
    rig.close();
  }, 120_000);
});

describe('the catalogue agrees with the Renesas backends', () => {
  it('RL78 parts: the sizes the part number gives the backend and the regions it builds', () => {
    const rl78 = TARGETS.filter((t) => t.programmer === 'rl78');
    expect(rl78.map((t) => t.id)).toEqual(['r5f100le', 'r5f100lg', 'r5f100gj', 'r5f104le', 'r5f104lg']);
    for (const t of rl78) {
      const part = t.name.split(' (')[0]!;
      const info = rl78PartInfo(part);
      expect(info.family?.family).toBe(t.family);
      const code = info.codeKiB! * 1024;
      const data = info.dataKiB! * 1024;
      expect(t.regions).toEqual(rl78Regions(code - 1, RL78_DATA_FLASH_BASE + data - 1));
    }
    // And the simulated parts.
    for (const chip of Object.values(RL78_CHIPS)) {
      const t = targetById(chip.name.toLowerCase())!;
      expect(t.family).toBe(chip.family);
      expect(t.regions).toEqual(
        rl78Regions(chip.codeFlashSize - 1, RL78_DATA_FLASH_BASE + chip.dataFlashSize - 1),
      );
    }
  });

  it('RA4M1 and RA4M2: the regions the RA backend builds from the areas the chip reports', () => {
    const kinds: RaAreaKind[] = ['code', 'data', 'config'];
    for (const [name, chip] of Object.entries(RA_CHIPS)) {
      const areas: RaArea[] = chip.areas.map((a, number) => ({
        number,
        koa: a.koa,
        kind: kinds[a.koa >> 4] ?? 'other',
        start: a.start,
        end: a.end,
        eau: a.eau,
        wau: a.wau,
        rau: a.rau,
        cau: a.cau,
      }));
      const t = targetById(name.toLowerCase())!;
      expect(t.regions).toEqual(layoutOf(areas).regions);
      expect([t.family, t.programmer]).toEqual(['RA4', 'ra']);
    }
  });
});

describe('mp.config.set validates the whole table before applying it (MultiProg)', () => {
  it('a bad value anywhere leaves the selection as it was', async () => {
    const { returns } = await run(`
      assert(mp.config.set_target("nRF52833"))
      local a, ea = mp.config.set({ target = "R5F100LE", power = "9v" })
      local c1 = mp.config.get()
      local b, eb = mp.config.set({ programmer = "cmsis-dap", target = "RA4M1" })
      local c, ec = mp.config.set({ target = "R5F100LE", region_index = 2 })
      local d, ed = mp.config.set({ target = "R5F100LE", region_index = 1, power = "5v" })
      local c2 = mp.config.get()
      return a, ea, c1.target, c1.programmer, c1.power, b, eb, c, ec, d, ed, c2.target, c2.programmer, c2.region_index, c2.power`);
    expect(returns).toEqual([
      false,
      '"9v" is not one of "3v3", "5v", "off".',
      'nRF52833',
      'cmsis-dap',
      '',
      false,
      'The RA4M1 (RA4) is programmed with "ra", not "cmsis-dap".',
      false,
      'No region with index 2 (2 regions; indexes start at 0).',
      true,
      '',
      'R5F100LE',
      'rl78',
      1,
      '5v',
    ]);
  });
});
