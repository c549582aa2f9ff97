/**
 * Which serial ports lead to an RL78 rather than an ESP board. A USB-UART looks the same either
 * way (CP210x, CH340), so the person says so (or the simulation does for its RL78 boards); the
 * backend registry then makes an `rl78` backend for the port, with these settings.
 */
import type { Rl78BackendOptions } from './rl78-backend';

const rl78Ports = new WeakMap<SerialPort, Rl78BackendOptions>();

/** Marks `port` as an RL78 programming cable with its settings (null: an ESP board again). */
export function markRl78Port(port: SerialPort, options: Rl78BackendOptions | null): void {
  if (options === null) rl78Ports.delete(port);
  else rl78Ports.set(port, { ...rl78Ports.get(port), ...options });
}

/** The RL78 settings of `port`, or undefined when it is not marked as an RL78 cable. */
export function rl78OptionsFor(port: SerialPort): Rl78BackendOptions | undefined {
  return rl78Ports.get(port);
}
