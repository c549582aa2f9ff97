/**
 * The errors WebUSB raises, as `DOMException`s with the names and messages Chromium uses, so
 * code that handles real devices handles the simulator the same way.
 */

/** Creates a DOMException (or an Error with the same name where DOMException is missing). */
export function usbError(name: string, message: string): Error {
  if (typeof DOMException === 'function') return new DOMException(message, name);
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The device was unplugged. */
export const disconnectedError = (): Error => usbError('NotFoundError', 'The device was disconnected.');
/** A transfer failed because the device went away mid-transfer. */
export const transferError = (): Error => usbError('NetworkError', 'A transfer error has occurred.');
/** The device is not open. */
export const notOpenError = (): Error => usbError('InvalidStateError', 'The device must be opened first.');
