/**
 * `mp.config.*` in MultiProg's form (`ok, err` setters) over WebProg's own catalogue of targets
 * (`src/core/targets`) and backends (CMSIS-DAP probes over WebUSB; ESP boards, Renesas RA and RL78
 * chips over Web Serial).
 */
import { TARGETS, programmerOf, type TargetDescription } from '../../../src/core/targets';
import type { LuaCall } from '../vm/lua-call';
import { Blocking, type NativeEntry, type NativeResult } from '../vm/native-bridge';
import { adoptRegions } from './backend';
import type { ScriptContext } from './context';
import { resolveFileName } from './file-paths';
import { natives } from './natives';

/** WebProg's backend kinds, as `mp.config` names them. */
type ProgrammerKind = 'cmsis-dap' | 'esp' | 'ra' | 'rl78';

/** MultiProg's (and WebProg's) programmer names → the backend that fits. */
const PROGRAMMERS: Record<string, ProgrammerKind> = {
  esp: 'esp',
  esp32: 'esp',
  'cmsis-dap': 'cmsis-dap',
  cmsisdap: 'cmsis-dap',
  daplink: 'cmsis-dap',
  ra: 'ra',
  'renesas-ra': 'ra',
  rl78: 'rl78',
  // MultiProg's USB-UART programmer: a USB-UART wired to a Renesas chip's serial boot mode.
  'usb-uart': 'rl78',
};

/** MultiProg programmers with no WebProg backend, and why. */
const UNSUPPORTED: Record<string, string> = {
  stlink: 'ST-Link probes speak their own USB protocol, which WebProg does not drive (use a CMSIS-DAP probe)',
  'st-link':
    'ST-Link probes speak their own USB protocol, which WebProg does not drive (use a CMSIS-DAP probe)',
  usbdm: 'USBDM pods are not driven by WebProg',
  tgsn: 'the TGSN programmer is not driven by WebProg',
};

const POWER = new Set(['3v3', '5v', 'off']);

/** The family of a catalogue target, e.g. "nRF52" for the nRF52833, "STM32F4" for the STM32F411. */
export function familyOf(target: TargetDescription): string {
  if (target.family) return target.family;
  const nrf = /^nrf(5\d)/i.exec(target.id);
  if (nrf) return `nRF${nrf[1]}`;
  const stm = /^stm32([a-z]\d)/i.exec(target.id);
  if (stm) return `STM32${stm[1]!.toUpperCase()}`;
  return target.name.split(/\s/)[0]!;
}

/** The names a target answers to: its id, its name, its name before " (" and its aliases (lower case). */
function namesOf(target: TargetDescription): string[] {
  return [target.id, target.name, shortName(target), ...(target.aliases ?? [])].map((n) => n.toLowerCase());
}

/** The target `name` means: its id, its name, its name before " (" or an alias (ignoring case). */
function findTarget(name: string, family?: string): TargetDescription | undefined {
  const key = name.trim().toLowerCase();
  return TARGETS.find(
    (t) =>
      (family === undefined || familyOf(t).toLowerCase() === family.trim().toLowerCase()) &&
      namesOf(t).includes(key),
  );
}

/** The backend that programs the targets of `family` (the first target's; one per family). */
function familyProgrammer(family: string): ProgrammerKind | undefined {
  const target = TARGETS.find((t) => familyOf(t) === family);
  return target ? programmerOf(target) : undefined;
}

/**
 * Completes what the page said about the connected chip: the page knows the name the chip's
 * support script reports ("Nordic nRF52833"), the catalogue its short name and family. A
 * `target` naming a catalogue target exactly or as one of its words becomes that target's
 * short name with its family, and so does a word that begins with a part number of 8 characters
 * or more (an RL78 named with its order-code suffix, "R5F100LEA", is the R5F100LE); an unknown
 * target is kept with an empty family.
 */
export function withFamily(
  config: Record<string, string | number | boolean>,
): Record<string, string | number | boolean> {
  if (typeof config.target !== 'string' || config.target === '' || config.family) return config;
  const words = config.target.toLowerCase().split(/[\s()/,]+/);
  const target =
    findTarget(config.target) ??
    TARGETS.find((t) => namesOf(t).some((n) => words.includes(n))) ??
    TARGETS.find((t) => namesOf(t).some((n) => n.length >= 8 && words.some((w) => w.startsWith(n))));
  return target ? { ...config, target: shortName(target), family: familyOf(target) } : config;
}

/** A catalogue target's name without its board in brackets ("nRF52833"). */
function shortName(target: TargetDescription): string {
  return target.name.split(' (')[0]!;
}

function families(): string[] {
  return [...new Set(TARGETS.map(familyOf))];
}

/** The `mp.config` natives of a run; `ctx.config` holds the selection they change. */
export function configNatives(ctx: ScriptContext): Record<string, NativeEntry> {
  const config = ctx.config;
  const fail = (err: string): unknown[] => [false, err];
  const ok = (): unknown[] => [true, ''];

  /**
   * Makes `kind` the selected programmer and picks a device of that kind the page can reach
   * (the current one when it fits); nothing to pick without a device worker.
   */
  const useProgrammer = (kind: ProgrammerKind): NativeResult => {
    config.programmer = kind;
    const device = ctx.device;
    if (!device) return ok();
    return new Blocking(
      device.listDevices().then((list) => {
        const same = list.find((d) => d.id === ctx.deviceId && d.type === kind);
        const chosen = same ?? list.find((d) => d.type === kind);
        ctx.deviceId = chosen?.id;
        config.device_id = chosen?.id ?? '';
        return ok();
      }),
    );
  };

  /**
   * Selects a catalogue target: its family, its regions for the buffer, and (MultiProg's "smart"
   * lookup) the programmer that drives it when the selected one does not; `strict` (select)
   * refuses a programmer that does not fit instead.
   */
  const setTarget = (name: string, family?: string, strict = false): NativeResult => {
    const target = findTarget(name, family);
    if (!target) {
      const known = TARGETS.filter((t) => family === undefined || familyOf(t) === family)
        .map((t) => `"${shortName(t)}"`)
        .join(', ');
      return fail(
        `Target not found: "${name}"${family ? ` in family "${family}"` : ''} (known: ${known || 'none'}).`,
      );
    }
    const programmer = programmerOf(target);
    if (strict && config.programmer && config.programmer !== programmer)
      return fail(
        `The ${shortName(target)} (${familyOf(target)}) is programmed with "${programmer}", not "${String(config.programmer)}".`,
      );
    config.target = shortName(target);
    config.family = familyOf(target);
    adoptRegions(ctx, target.regions);
    config.region_index = 0;
    ctx.selectedRegion = undefined;
    return config.programmer === programmer ? ok() : useProgrammer(programmer);
  };

  const setProgrammer = (c: LuaCall, index: number): NativeResult => {
    const asked = c.string(index, 'programmer');
    const key = asked.trim().toLowerCase();
    const why = UNSUPPORTED[key];
    if (why) return fail(`Not Supported: ${why}.`);
    const kind = PROGRAMMERS[key];
    if (!kind)
      return fail(
        `Unknown programmer "${asked}" (WebProg has "cmsis-dap" (also "daplink"), "esp", "ra" and "rl78" (also "usb-uart")).`,
      );
    return useProgrammer(kind);
  };

  /**
   * MultiProg's `set` validates the whole table before applying it: the reason the first value
   * that would fail gives, or undefined when every one is acceptable.
   */
  const checkAll = (o: {
    programmer?: string;
    family?: string;
    target?: string;
    power?: string;
    file?: string;
    region?: number;
  }): string | undefined => {
    let programmer = typeof config.programmer === 'string' ? config.programmer : '';
    if (o.programmer !== undefined) {
      const key = o.programmer.trim().toLowerCase();
      const why = UNSUPPORTED[key];
      if (why) return `Not Supported: ${why}.`;
      const kind = PROGRAMMERS[key];
      if (!kind) return `Unknown programmer "${o.programmer}".`;
      programmer = kind;
    }
    let regions = ctx.image.regions.length;
    if (o.target !== undefined) {
      const target = findTarget(o.target, o.family);
      if (!target)
        return `Target not found: "${o.target}"${o.family !== undefined ? ` in family "${o.family}"` : ''}.`;
      if (o.programmer !== undefined && programmer !== programmerOf(target))
        return `The ${shortName(target)} (${familyOf(target)}) is programmed with "${programmerOf(target)}", not "${programmer}".`;
      regions = target.regions.length;
    } else if (
      o.family !== undefined &&
      !families().some((f) => f.toLowerCase() === o.family!.trim().toLowerCase())
    ) {
      return `Unknown family "${o.family}".`;
    }
    if (o.power !== undefined && !POWER.has(o.power)) return `"${o.power}" is not one of "3v3", "5v", "off".`;
    if (o.file !== undefined && resolveFileName(ctx.files, o.file) === undefined)
      return `No file named "${o.file}" is open.`;
    if (o.region !== undefined && (o.region < 0 || o.region >= regions))
      return `No region with index ${o.region} (${regions} regions; indexes start at 0).`;
    return undefined;
  };

  return natives('mp.config', {
    get: () => [{ ...config }],
    set_target: (c) =>
      c.isNil(2) ? setTarget(c.string(1, 'name')) : setTarget(c.string(2, 'name'), c.string(1, 'family')),
    set_family: (c) => {
      const name = c.string(1, 'family');
      const family = families().find((f) => f.toLowerCase() === name.trim().toLowerCase());
      if (!family)
        return fail(
          `Unknown family "${name}" (known: ${families()
            .map((f) => `"${f}"`)
            .join(', ')}).`,
        );
      config.family = family;
      const current = typeof config.target === 'string' ? findTarget(config.target) : undefined;
      if (current && familyOf(current) !== family) config.target = '';
      // MultiProg switches the programmer when the selected one does not drive the family.
      const programmer = familyProgrammer(family);
      return programmer && config.programmer !== programmer ? useProgrammer(programmer) : ok();
    },
    set_programmer: (c) => setProgrammer(c, 1),
    set_power: (c) => {
      const v = c.string(1, 'power');
      if (!POWER.has(v)) return fail(`"${v}" is not one of "3v3", "5v", "off".`);
      config.power = v;
      return ok();
    },
    set_file: (c) => {
      const path = c.string(1, 'path');
      if (resolveFileName(ctx.files, path) === undefined) return fail(`No file named "${path}" is open.`);
      config.file_path = path;
      return ok();
    },
    set_region_index: (c) => {
      const i = c.integer(1, 'index');
      const region = ctx.image.regions[i];
      if (!region)
        return fail(
          `No region with index ${i} (the buffer has ${ctx.image.regions.length}; indexes start at 0).`,
        );
      ctx.selectedRegion = region.name;
      config.region_index = i;
      return ok();
    },
    _check_set: (c) => {
      const why = checkAll({
        programmer: c.optString(1, 'programmer'),
        family: c.optString(2, 'family'),
        target: c.optString(3, 'target'),
        power: c.optString(4, 'power'),
        file: c.optString(5, 'file_path'),
        region: c.optInteger(6, 'region_index'),
      });
      return why === undefined ? ok() : fail(why);
    },
    _select_target: (c) => setTarget(c.string(2, 'target'), c.string(1, 'family'), true),
  });
}
