/**
 * `mp.backend.*`: device operations through the device worker (reached over a MessagePort,
 * so stopping the Lua worker never cuts a USB transfer). Every call is blocking for the
 * script; failures come back as `false, message, code` (nil for the table-returning calls).
 * The buffer travels with each call; reads replace the script's buffer with the result.
 */
import { WebProgError } from '../../../src/core/errors';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import type { ProgressEvent } from '../../../src/core/progress';
import type { PowerSetting } from '../../device/backend';
import type { BackendCallOptions, BackendOperation, DeviceOperationsApi } from '../../device/device-api';
import { imageFromDto, imageToDto } from '../../device/image-dto';
import type { LuaCall } from '../vm/lua-call';
import { Blocking, type NativeEntry } from '../vm/native-bridge';
import { countBuffer, notify, type ScriptContext } from './context';
import { describeError, natives } from './natives';

/** Operations that may erase: the device worker asks the page to confirm through these. */
const CONFIRMING: ReadonlySet<BackendOperation> = new Set([
  'erase',
  'erase_blocks',
  'erase_segment',
  'flash',
]);
/**
 * Longest time limit of the `*_timeout` calls: one day, as `mp.app.sleep` (timers overflow
 * above 2^31-1 ms and would fire at once).
 */
export const MAX_TIMEOUT_MS = 24 * 3600 * 1000;

/** Operations that send the buffer. */
const SENDS_IMAGE: ReadonlySet<BackendOperation> = new Set([
  'read',
  'write',
  'write_no_blank',
  'verify',
  'flash',
  'read_segment',
  'verify_segment',
  'write_segment',
]);
/** Operations that bring back the buffer. */
const RETURNS_IMAGE: ReadonlySet<BackendOperation> = new Set(['read', 'read_segment']);

/** The `mp.backend` natives of a run. */
export function backendNatives(ctx: ScriptContext): Record<string, NativeEntry> {
  const withDevice = <T>(work: (device: DeviceOperationsApi, deviceId: string) => Promise<T>): Promise<T> => {
    if (!ctx.device) {
      return Promise.reject(
        new WebProgError('NOT_CONNECTED', 'The Lua worker has no connection to the device worker.'),
      );
    }
    if (!ctx.deviceId) {
      return Promise.reject(
        new WebProgError(
          'NOT_CONNECTED',
          'No programmer is selected: choose one in the app before running the script.',
        ),
      );
    }
    return work(ctx.device, ctx.deviceId);
  };

  const onProgress = (event: ProgressEvent) => {
    ctx.lastProgress = event;
    if (ctx.callbacks.onProgress) notify(() => ctx.callbacks.onProgress?.(event));
  };
  // Functions inside the options cross to the device worker as comlink proxies
  // (workers/shared/comlink-functions.ts).
  const confirm = (message: string) => Promise.resolve(ctx.callbacks.confirm(message));

  const options = (operation: BackendOperation | 'connect', timeoutMs?: number): BackendCallOptions => {
    const o: BackendCallOptions = { callId: ctx.deviceCallId, allowWrites: ctx.allowHwWrites, onProgress };
    if (timeoutMs !== undefined) o.timeoutMs = timeoutMs;
    if (operation === 'connect' && ctx.idCode !== undefined) o.idCode = ctx.idCode;
    if (operation !== 'connect' && CONFIRMING.has(operation)) o.confirm = confirm;
    return o;
  };

  /** Runs `work`; resolves to `true, ""` (MultiProg's `ok, err`) or `false, message, code` (or `nil, message, code`). */
  const okErr = (work: () => Promise<unknown>, failValue: false | null = false): Blocking =>
    new Blocking(
      work().then(
        (value) => (value === undefined ? [true, ''] : [value]),
        (error: unknown) => {
          const { message, code } = describeError(error);
          return [failValue, message, code];
        },
      ),
    );

  const connect = (timeoutMs?: number) =>
    okErr(() =>
      withDevice(async (device, id) => {
        const connection = await device.connectDevice(id, options('connect', timeoutMs));
        adoptRegions(ctx, connection.regions);
      }),
    );

  const call = (operation: BackendOperation, timeoutMs?: number, range?: [number, number]) =>
    okErr(() =>
      withDevice(async (device, id) => {
        const args = SENDS_IMAGE.has(operation) ? { image: imageToDto(ctx.image) } : {};
        const result = await device.backendCall(
          id,
          operation,
          range ? { ...args, address: range[0], size: range[1] } : args,
          options(operation, timeoutMs),
        );
        if (RETURNS_IMAGE.has(operation) && result.image) {
          ctx.image = imageFromDto(result.image);
          countBuffer(ctx);
        }
      }),
    );

  const timeout = (c: LuaCall) => {
    const ms = c.integer(1, 'ms');
    if (ms <= 0 || ms > MAX_TIMEOUT_MS) {
      throw new WebProgError(
        'INVALID_ARGUMENT',
        `${c.name}: the time limit must be 1 to ${MAX_TIMEOUT_MS} ms (one day), not ${ms}.`,
      );
    }
    return ms;
  };
  const range = (c: LuaCall): [number, number] => [c.integer(1, 'addr'), c.integer(2, 'size')];
  const power = (setting: PowerSetting | 'toggle') =>
    okErr(() => withDevice((device, id) => device.setPower(id, setting)));

  return natives('mp.backend', {
    connect: () => connect(),
    read: () => call('read'),
    write: () => call('write'),
    verify: () => call('verify'),
    erase: () => call('erase'),
    flash: () => call('flash'),
    connect_timeout: (c) => connect(timeout(c)),
    read_timeout: (c) => call('read', timeout(c)),
    write_timeout: (c) => call('write', timeout(c)),
    verify_timeout: (c) => call('verify', timeout(c)),
    erase_timeout: (c) => call('erase', timeout(c)),
    flash_timeout: (c) => call('flash', timeout(c)),
    write_no_blank: () => call('write_no_blank'),
    blank_check: () => call('blank_check'),
    erase_blocks: () => call('erase_blocks'),
    read_segment: (c) => call('read_segment', undefined, range(c)),
    verify_segment: (c) => call('verify_segment', undefined, range(c)),
    write_segment: (c) => call('write_segment', undefined, range(c)),
    erase_segment: (c) => call('erase_segment', undefined, range(c)),
    read_checksums: () =>
      okErr(
        () =>
          withDevice(async (device, id) => {
            const result = await device.backendCall(id, 'read_checksums', {}, options('read_checksums'));
            return (result.checksums ?? []).map((b) => ({
              block_n: b.blockN,
              address: b.address,
              base_checksum: b.baseChecksum,
              sub_checksums: b.subChecksums,
            }));
          }),
        null,
      ),
    is_connected: () =>
      new Blocking(
        withDevice(async (device, id) => {
          const found = (await device.listDevices()).find((d) => d.id === id);
          return [Boolean(found?.connected)];
        }).catch(() => [false]),
      ),
    get_target_info: () =>
      okErr(
        () =>
          withDevice(async (device, id) => {
            const info = await device.targetInfo(id);
            return { name: info.name, additional: [...info.additional] };
          }),
        null,
      ),
    get_programmer_info: () =>
      okErr(
        () =>
          withDevice(async (device, id) => {
            const p = await device.programmerInfo(id);
            return { name: p.name, serial: p.serial, connected: p.connected, type: p.type };
          }),
        null,
      ),
    get_programmers: () =>
      new Blocking(
        (ctx.device ? ctx.device.listDevices() : Promise.resolve([])).then((list) => [
          list.map((d) => ({
            id: d.id,
            name: d.name,
            serial: d.serial,
            connected: d.connected,
            type: d.type,
            simulated: d.simulated,
          })),
        ]),
      ),
    get_progress: () => [progressSnapshot(ctx.lastProgress)],
    power_on: () => power('3v3'),
    power_on_5v: () => power('5v'),
    power_off: () => power('off'),
    power_toggle: () => power('toggle'),
    set_power: (c) => {
      const v = c.string(1, 'v');
      if (v !== '3v3' && v !== '5v' && v !== 'off') {
        throw new WebProgError(
          'INVALID_ARGUMENT',
          `mp.backend.set_power: "${v}" is not one of "3v3", "5v", "off".`,
        );
      }
      return power(v);
    },
    set_id_code: (c) => {
      const code = c.optString(1, 'code');
      if (code !== undefined && !/^[0-9a-fA-F]{32}$/.test(code.replace(/\s/g, ''))) {
        throw new WebProgError(
          'INVALID_ARGUMENT',
          'mp.backend.set_id_code: the ID code must be 16 bytes written as 32 hex digits.',
        );
      }
      if (code === undefined) delete ctx.idCode;
      else ctx.idCode = code.replace(/\s/g, '');
      return [];
    },
  });
}

/** `get_progress()`'s table for the last event. */
function progressSnapshot(event: ProgressEvent | undefined) {
  if (!event) return { progress: 0, speed: 0, title: '', msg: '' };
  const progress = event.total > 0 ? (100 * event.done) / event.total : event.kind === 'finished' ? 100 : 0;
  const msg = event.kind === 'failed' ? event.error.message : event.kind;
  return { progress, speed: event.rate, title: event.operation, msg };
}

/**
 * After connect the buffer takes the chip's regions. Data that still fits is kept; when the
 * regions are the same nothing changes.
 */
export function adoptRegions(ctx: ScriptContext, regions: MemoryImage['regions']): void {
  const same =
    regions.length === ctx.image.regions.length &&
    regions.every((r, i) => {
      const o = ctx.image.regions[i]!;
      return o.name === r.name && o.base === r.base && o.size === r.size;
    });
  if (same) return;
  const next = new MemoryImage(regions);
  for (const s of ctx.image.data.segments()) {
    for (const r of next.regions) {
      const start = Math.max(s.address, r.base);
      const end = Math.min(s.address + s.data.length, r.base + r.size);
      if (start < end) next.data.write(start, s.data.subarray(start - s.address, end - s.address));
    }
  }
  ctx.image = next;
  if (ctx.selectedRegion && !regions.some((r) => r.name === ctx.selectedRegion))
    ctx.selectedRegion = undefined;
}
