/**
 * What a script run is told about the page's selection: MultiProg's `mp.config.get()` keys
 * (target, programmer, file, region) from the selected device and the file shown.
 */
import type { DeviceView } from './devices.svelte';
import type { ScriptRunContext } from './script.svelte';

/** The parts of the page a run's context is read from. */
export interface RunContextSource {
  /** The selected device, when one is. */
  device: DeviceView | undefined;
  /** The name of the file shown, when one is open. */
  fileName: string | undefined;
}

/**
 * The run context of the page's selection: `target` is the connected chip's name without its
 * board in brackets ("nRF52833"), `programmer` the backend kind of the device ("cmsis-dap",
 * "esp", …), `file_path` the file shown; keys with nothing selected are left out, so the
 * run keeps its empty defaults.
 */
export function runContextOf(source: RunContextSource): ScriptRunContext {
  const config: Record<string, string | number | boolean> = {};
  const device = source.device;
  const target = device?.session.connection?.target.name;
  if (target) config.target = target.split(' (')[0]!.trim();
  if (device) config.programmer = device.summary.type;
  if (source.fileName) config.file_path = source.fileName;
  if (target) config.region_index = 0;
  return { deviceName: device?.title, config };
}
