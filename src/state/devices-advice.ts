/**
 * Plain-language help for the device failures people actually hit (landscape notes §2): the
 * chooser cancelled, a device claimed by another tab or program, Linux permissions, DAPLink
 * firmware too old, a board unplugged, no WebUSB in this browser. Error codes become words in
 * `error-text.ts`; this file adds what to do about them.
 */
import { WebProgError } from '../core/errors';
import type { DeviceSummary } from '../../workers/device/device-api';
import type { Platform } from './devices-browser';
import { describeError } from './error-text';

/** One thing a person can try; `code` is text to copy (a command or a file's contents). */
export interface AdviceStep {
  /** What to do. */
  text: string;
  /** A command or file contents to copy, shown in monospace. */
  code?: string;
}

/** A device problem ready to show. */
export interface DeviceProblem {
  /** Error code when the problem came from an error. */
  code?: string;
  /** One line saying what went wrong. */
  title: string;
  /** The detail (the error's own message). */
  detail: string;
  /** What to try, in order. */
  advice: AdviceStep[];
}

/** The udev rule that lets Chrome on Linux open DAPLink probes (vendor 0x0D28). */
export const UDEV_RULE = 'SUBSYSTEM=="usb", ATTR{idVendor}=="0d28", MODE="0664", GROUP="plugdev"';

/** Oldest micro:bit V1 DAPLink firmware that works with WebUSB. */
export const MIN_V1_DAPLINK = 249;

/** Where micro:bit owners update their DAPLink firmware. */
export const FIRMWARE_URL = 'https://microbit.org/get-started/user-guide/firmware/';

/** Steps for Linux permissions: the udev rule and snap's raw-usb plug. */
function linuxPermissionSteps(): AdviceStep[] {
  return [
    {
      text: 'Let your user open the probe: save this rule as /etc/udev/rules.d/50-daplink.rules',
      code: UDEV_RULE,
    },
    {
      text: 'Reload the rules, make sure you are in the plugdev group, then unplug and re-plug the board',
      code: 'sudo udevadm control --reload-rules && sudo udevadm trigger && sudo usermod -aG plugdev $USER',
    },
    {
      text: 'Chromium installed as a snap (Ubuntu) also needs USB access',
      code: 'snap connect chromium:raw-usb',
    },
  ];
}

/** What to do when a board went away. */
const UNPLUGGED_ADVICE: readonly AdviceStep[] = [
  { text: 'Plug it back in: WebProg finds it again and reconnects.' },
  { text: 'If it keeps dropping out, try another cable (some only charge) or a port without a hub.' },
];

/** The notice shown when a connected device vanished from the device list. */
export function unpluggedProblem(title: string): DeviceProblem {
  return {
    code: 'DEVICE_LOST',
    title: `${title} was unplugged`,
    detail: 'The device is no longer connected to this computer.',
    advice: [...UNPLUGGED_ADVICE],
  };
}

/** The error thrown when a device chooser is closed without a choice. */
export function isChooserCancel(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'NotFoundError';
}

/** Advice for a failed chooser (`requestDevice` / `requestPort`); undefined when the person simply cancelled. */
export function chooserProblem(error: unknown, kind: 'usb' | 'serial'): DeviceProblem | undefined {
  if (isChooserCancel(error)) return undefined;
  const name = (error as { name?: unknown } | null)?.name;
  const detail = error instanceof Error ? error.message : String(error);
  const api = kind === 'usb' ? 'WebUSB' : 'Web Serial';
  if (name === 'NotSupportedError') return noApiProblem(kind);
  if (name === 'SecurityError') {
    return {
      title: `The browser did not open the ${api} chooser`,
      detail,
      advice: [
        { text: 'Open the chooser with a click on this page (not from a script or another frame).' },
        { text: `${api} works only on https:// pages and on localhost.` },
      ],
    };
  }
  return { title: `The ${api} chooser failed`, detail, advice: [] };
}

/** The problem shown when the browser has no WebUSB or no Web Serial. */
export function noApiProblem(kind: 'usb' | 'serial'): DeviceProblem {
  const api = kind === 'usb' ? 'WebUSB' : 'Web Serial';
  const what = kind === 'usb' ? 'CMSIS-DAP probes and micro:bits' : 'ESP boards';
  return {
    title: `This browser has no ${api}`,
    detail: `Without ${api} the page cannot reach ${what}.`,
    advice: [
      { text: 'Use Chrome, Edge or Opera on a computer; Firefox and Safari do not offer it.' },
      { text: `${api} works only on https:// pages and on localhost.` },
    ],
  };
}

/** Advice for an error from connecting to or operating a device. */
export function deviceProblem(error: unknown, platform: Platform): DeviceProblem {
  const d = describeError(error);
  const message = error instanceof WebProgError ? error.message : d.detail;
  const problem: DeviceProblem = { code: d.code, title: d.heading, detail: d.detail, advice: [] };
  // Chromium reports a claimed device as NetworkError "Unable to claim interface", which reads
  // like an unplug; the message tells them apart.
  const claimed = /unable to claim|access denied/i.test(message);
  switch (claimed ? 'DEVICE_BUSY' : d.code) {
    case 'DEVICE_BUSY':
      if (/access denied/i.test(message) && platform === 'linux') {
        problem.title = 'This computer does not let the browser open the device';
        problem.advice = linuxPermissionSteps();
      } else {
        problem.title = 'The device is in use by another tab or program';
        problem.advice = [
          {
            text: 'Close other tabs that use the board (MakeCode, the micro:bit Python Editor, another WebProg tab) and programs such as pyOCD, OpenOCD or Mu.',
          },
          { text: 'Unplug the board, plug it back in, then connect again.' },
        ];
        if (platform === 'linux') problem.advice.push(...linuxPermissionSteps());
      }
      break;
    case 'NOT_SUPPORTED':
      if (/firmware|interface/i.test(message)) {
        problem.title = 'The probe firmware is too old for WebUSB';
        problem.advice = [
          {
            text: `Update the DAPLink firmware of the board (micro:bit V1 needs 0249 or later): ${FIRMWARE_URL}`,
          },
        ];
      }
      break;
    case 'DEVICE_LOST':
      problem.title = 'The board was unplugged';
      problem.advice = [...UNPLUGGED_ADVICE];
      break;
    case 'DEVICE_PROTOCOL':
      problem.advice = [
        {
          text: 'Connect again. If it happens again, unplug the board (and its battery pack) and plug it back in.',
        },
      ];
      break;
    case 'DEVICE_LOCKED':
      problem.advice = [{ text: 'The chip is read-protected: unlocking it erases everything on it.' }];
      break;
    case 'CHIP_UNKNOWN':
      problem.advice = [
        { text: 'Check that the target is powered and wired to the probe (SWDIO, SWCLK, GND).' },
      ];
      break;
    case 'TIMEOUT':
      problem.advice = [{ text: 'Unplug the board, plug it back in and try again.' }];
      break;
  }
  return problem;
}

/**
 * A warning about the probe's firmware, when it is known to be too old: micro:bit V1 DAPLink
 * before 0249 cannot be used over WebUSB.
 */
export function firmwareProblem(
  device: DeviceSummary,
  firmware: string | undefined,
): DeviceProblem | undefined {
  const version = firmware === undefined ? NaN : parseInt(firmware, 10);
  if (device.microbit?.version !== 'V1' || !Number.isFinite(version) || version >= MIN_V1_DAPLINK)
    return undefined;
  return {
    title: 'The DAPLink firmware of this micro:bit is too old',
    detail: `It runs DAPLink ${firmware}; WebUSB needs 0${MIN_V1_DAPLINK} or later.`,
    advice: [{ text: `Update the DAPLink firmware: ${FIRMWARE_URL}` }],
  };
}
