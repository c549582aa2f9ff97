/**
 * Stand-ins for the browser in state tests: a browser with WebUSB and Web Serial in which the
 * person never picks a device, and a storage held in memory (localStorage's get and set).
 */
import type { DeviceBrowser } from '../devices-browser';

/** A browser with WebUSB and Web Serial on Linux whose choosers pick nothing and which reports no plugging. */
export const quietBrowser: DeviceBrowser = {
  hasUsb: true,
  hasSerial: true,
  platform: 'linux',
  requestUsbDevice: async () => undefined,
  requestSerialPort: async () => undefined,
  onDeviceChange: () => () => undefined,
};

/** A storage in memory, starting with `initial`; `items` shows what was stored. */
export function memoryStorage(initial: Iterable<[string, string]> = []) {
  const items = new Map<string, string>(initial);
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}
