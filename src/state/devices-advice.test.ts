import { describe, expect, it } from 'vitest';
import { WebProgError } from '../core/errors';
import type { DeviceSummary } from '../../workers/device/device-api';
import { UDEV_RULE, chooserProblem, deviceProblem, firmwareProblem, isChooserCancel } from './devices-advice';

const dom = (name: string, message: string) => new DOMException(message, name);

describe('device advice', () => {
  it('treats a closed chooser as no choice and explains the other chooser failures', () => {
    expect(isChooserCancel(dom('NotFoundError', 'No device selected.'))).toBe(true);
    expect(chooserProblem(dom('NotFoundError', 'No device selected.'), 'usb')).toBeUndefined();
    expect(chooserProblem(dom('SecurityError', 'Must be handling a user gesture.'), 'usb')?.title).toBe(
      'The browser did not open the WebUSB chooser',
    );
    expect(chooserProblem(dom('NotSupportedError', 'x'), 'serial')?.title).toBe(
      'This browser has no Web Serial',
    );
  });

  it('gives Linux users the udev rule when the browser may not open the probe', () => {
    const denied = new WebProgError('DEVICE_BUSY', 'The probe is in use (Access denied.)');
    const linux = deviceProblem(denied, 'linux');
    expect(linux.title).toBe('This computer does not let the browser open the device');
    expect(linux.advice[0].code).toBe(UDEV_RULE);
    expect(linux.advice.map((a) => a.code)).toContain('snap connect chromium:raw-usb');
    const windows = deviceProblem(denied, 'windows');
    expect(windows.title).toBe('The device is in use by another tab or program');
    expect(windows.advice.some((a) => a.code === UDEV_RULE)).toBe(false);
  });

  it('recognises a claimed interface whatever code it arrived with', () => {
    const claimed = new WebProgError(
      'DEVICE_LOST',
      'The probe went away while opening it (Unable to claim interface.).',
    );
    expect(deviceProblem(claimed, 'mac').title).toBe('The device is in use by another tab or program');
    expect(deviceProblem(claimed, 'mac').advice[0].text).toMatch(/MakeCode, the micro:bit Python Editor/);
  });

  it('explains old DAPLink firmware, an unplugged board and falls back to the code words', () => {
    const old = new WebProgError(
      'NOT_SUPPORTED',
      'This probe has no CMSIS-DAP interface WebUSB can use: update its DAPLink firmware.',
    );
    expect(deviceProblem(old, 'windows').title).toBe('The probe firmware is too old for WebUSB');
    expect(deviceProblem(old, 'windows').advice[0].text).toMatch(/microbit\.org/);
    const lost = deviceProblem(new WebProgError('DEVICE_LOST', 'The probe went away.'), 'linux');
    expect(lost).toMatchObject({ code: 'DEVICE_LOST', title: 'The board was unplugged' });
    expect(lost.advice[0].text).toMatch(/Plug it back in/);
    const other = deviceProblem(new WebProgError('FLASH_WRITE_FAILED', 'Write failed at 0x1000.'), 'linux');
    expect(other).toEqual({
      code: 'FLASH_WRITE_FAILED',
      title: 'Writing flash failed',
      detail: 'Write failed at 0x1000.',
      advice: [],
    });
  });

  it('warns about micro:bit V1 DAPLink firmware older than 0249', () => {
    const v1: DeviceSummary = {
      id: 'usb:0d28:0204:9900',
      type: 'cmsis-dap',
      name: 'BBC micro:bit CMSIS-DAP',
      serial: '9900',
      simulated: false,
      microbit: { boardId: 0x9900, version: 'V1', name: 'micro:bit V1.3' },
      connected: true,
    };
    expect(firmwareProblem(v1, '0234')?.title).toBe('The DAPLink firmware of this micro:bit is too old');
    expect(firmwareProblem(v1, '0249')).toBeUndefined();
    expect(firmwareProblem(v1, undefined)).toBeUndefined();
    expect(
      firmwareProblem(
        { ...v1, microbit: { boardId: 0x9903, version: 'V2', name: 'micro:bit V2.00' } },
        '0234',
      ),
    ).toBeUndefined();
  });
});
