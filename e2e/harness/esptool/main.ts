/**
 * Browser harness for `e2e/esptool-chromium.spec.ts`: runs esptool-js 0.7.0 (the npm package,
 * unmodified) against a simulated ESP board inside Chromium and exposes the whole flow as
 * `window.runEsptoolFlow(chip)`. The port comes from the simulated `navigator.serial`
 * (`requestPort()`), as the app gets it; every comparison happens in the page and the result
 * is plain JSON for the spec to assert on.
 */
import { ESPLoader, Transport } from 'esptool-js';
import { createSimulatedEspBoard, installSimulatedSerial, USB_IDS } from '../../../src/sim/esp';
import type { EspChipName } from '../../../src/sim/esp';
import { md5Hex, randomBytes, readPortText, writeFlashOptions } from '../../../src/sim/esp/test-helpers';

/** Post-stub baud rate esptool-js is asked to switch to. */
const FLOW_BAUD = 921600;
/** Where the compressed image is written. */
const COMPRESSED_ADDRESS = 0x10000;
/** Where the uncompressed image is written. */
const PLAIN_ADDRESS = 0x60000;

/** Outcome of one `writeFlash` call followed by `readFlash` and `flashMd5sum` of the range. */
export interface WriteCheck {
  address: number;
  size: number;
  /** esptool-js printed "Hash of data verified." during this `writeFlash`. */
  hashVerified: boolean;
  /** MD5 of the image computed in the page. */
  md5Image: string;
  /** MD5 the stub computed over the flash range (`flashMd5sum`). */
  md5Flash: string;
  /** `readFlash` returned exactly the written bytes. */
  readBackEqual: boolean;
  /** Length `readFlash` returned. */
  readBackLength: number;
  /** First offset where read-back and image differ (-1 when equal). */
  firstMismatch: number;
}

/** Flash state after `eraseFlash`, seen through esptool-js and inside the simulator. */
export interface EraseCheck {
  /** esptool-js reported "Chip erase completed successfully". */
  reported: boolean;
  /** Every byte `readFlash` returned over both written ranges is 0xFF. */
  readBackErased: boolean;
  /** First offset (relative to the compressed range) holding something else (-1 if none). */
  firstNotErased: number;
  /** `flashMd5sum` of the compressed range after the erase. */
  md5Flash: string;
  /** MD5 of the same number of 0xFF bytes. */
  md5Erased: string;
  /** The simulated flash chip holds 0xFF everywhere. */
  simFlashErased: boolean;
}

/** JSON-serialisable outcome of {@link runEsptoolFlow}. */
export interface EsptoolFlowResult {
  userAgent: string;
  /** `navigator.serial.requestPort()` returned the simulated board's port. */
  portFromNavigatorSerial: boolean;
  /** What `loader.main()` returned (chip description). */
  description: string;
  /** esptool-js's detected chip (`loader.chip.CHIP_NAME`). */
  chipName: string;
  isStub: boolean;
  /** Baud rate of the simulated chip's UART and of the host port after `main()`. */
  chipBaud: number;
  portBaud: number;
  compressed: WriteCheck;
  plain: WriteCheck;
  erase: EraseCheck;
  /** The application image written after the erase so the reset has something to boot. */
  appImage: WriteCheck;
  /** Text read from the port (115200 baud) after the EN pulse. */
  appOutput: string;
  /** The text the simulated application was told to print. */
  expectedAppText: string;
  /** Board mode after the EN pulse ('app' when the application runs). */
  modeAfterReset: string;
  /** Everything esptool-js printed to its terminal. */
  log: string[];
  elapsedMs: number;
}

declare global {
  interface Window {
    /** Runs the whole esptool-js flow against a fresh simulated board of the given chip. */
    runEsptoolFlow: (chip: EspChipName) => Promise<EsptoolFlowResult>;
  }
}

/** First index where `a` and `b` differ, or -1 when they are byte for byte equal. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** 64 KiB of random bytes then text, so deflate has something to do and something it cannot. */
function mixedImage(length: number, seed: number): Uint8Array {
  const image = randomBytes(length, seed);
  const text = new TextEncoder().encode('WebProg esptool-js Chromium e2e pattern. ');
  for (let i = Math.min(0x10000, length); i < length; i++) image[i] = text[i % text.length];
  return image;
}

/** A minimal "image" at the bootloader offset: the simulated ROM boots anything starting 0xE9. */
function appImage(): Uint8Array {
  const image = randomBytes(0x800, 0xa99);
  image.fill(0, 0, 24);
  image[0] = 0xe9;
  return image;
}

/**
 * Resets the board back to the application the way a serial monitor does with esptool-js
 * 0.7.0 (whose own `after('hard_reset')` does not pulse EN on UART bridges): open at the
 * application's 115200 baud, DTR off + RTS on (EN low), 100 ms, both off (EN high, IO0 high).
 */
async function resetToApplication(port: SerialPort, marker: string): Promise<string> {
  await port.open({ baudRate: 115200 });
  try {
    await port.setSignals({ dataTerminalReady: false, requestToSend: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await port.setSignals({ dataTerminalReady: false, requestToSend: false });
    return await readPortText(port, marker, 5000);
  } finally {
    await port.close();
  }
}

/** The whole esptool-js flow against a new simulated board of `chip` in zero-latency mode. */
export async function runEsptoolFlow(chip: EspChipName): Promise<EsptoolFlowResult> {
  const started = performance.now();
  const expectedAppText = `Hello from the simulated ${chip} application\r\n`;
  const board = createSimulatedEspBoard({ chip, latency: 'zero', appOutput: expectedAppText });
  const { uninstall } = installSimulatedSerial(window, [board.port]);
  try {
    const port = await navigator.serial.requestPort({
      filters: [{ usbVendorId: USB_IDS.cp2102.usbVendorId, usbProductId: USB_IDS.cp2102.usbProductId }],
    });
    const log: string[] = [];
    const terminal = {
      clean: () => undefined,
      writeLine: (line: string) => void log.push(line),
      write: (text: string) => void log.push(text),
    };
    const transport = new Transport(port, false);
    const loader = new ESPLoader({ transport, baudrate: FLOW_BAUD, romBaudrate: 115200, terminal });
    const description = await loader.main();
    const afterMain = { chipBaud: board.baudRate, portBaud: board.port.baudRate };

    const write = async (address: number, data: Uint8Array, compress: boolean): Promise<WriteCheck> => {
      const logStart = log.length;
      await loader.writeFlash(writeFlashOptions(data, address, compress));
      const hashVerified = log.slice(logStart).includes('Hash of data verified.');
      const back = await loader.readFlash(address, data.length);
      return {
        address,
        size: data.length,
        hashVerified,
        md5Image: md5Hex(data),
        md5Flash: await loader.flashMd5sum(address, data.length),
        readBackEqual: firstDifference(back, data) === -1,
        readBackLength: back.length,
        firstMismatch: firstDifference(back, data),
      };
    };

    const compressedData = mixedImage(0x30000, 0x5eed);
    const compressed = await write(COMPRESSED_ADDRESS, compressedData, true);
    // Odd size: esptool-js pads to 4 bytes with 0xFF; read-back covers only the image.
    const plainData = randomBytes(0x10003, 0xbeef);
    const plain = await write(PLAIN_ADDRESS, plainData, false);

    const eraseLogStart = log.length;
    await loader.eraseFlash();
    const erasedA = await loader.readFlash(COMPRESSED_ADDRESS, compressedData.length);
    const erasedB = await loader.readFlash(PLAIN_ADDRESS, plainData.length);
    const erasedBoth = new Uint8Array(erasedA.length + erasedB.length);
    erasedBoth.set(erasedA);
    erasedBoth.set(erasedB, erasedA.length);
    const notErased = erasedBoth.findIndex((b) => b !== 0xff);
    const erase: EraseCheck = {
      reported: log.slice(eraseLogStart).some((line) => line.startsWith('Chip erase completed successfully')),
      readBackErased: notErased === -1 && erasedBoth.length === compressedData.length + plainData.length,
      firstNotErased: notErased,
      md5Flash: await loader.flashMd5sum(COMPRESSED_ADDRESS, compressedData.length),
      md5Erased: md5Hex(new Uint8Array(compressedData.length).fill(0xff)),
      simFlashErased: board.flash.read(0, board.flash.size).every((b) => b === 0xff),
    };

    const app = await write(loader.chip.BOOTLOADER_FLASH_OFFSET, appImage(), true);
    await transport.disconnect();
    const appOutput = await resetToApplication(port, expectedAppText);

    return {
      userAgent: navigator.userAgent,
      portFromNavigatorSerial: port === board.port,
      description,
      chipName: loader.chip.CHIP_NAME,
      isStub: loader.IS_STUB,
      ...afterMain,
      compressed,
      plain,
      erase,
      appImage: app,
      appOutput,
      expectedAppText,
      modeAfterReset: board.mode,
      log,
      elapsedMs: performance.now() - started,
    };
  } finally {
    uninstall();
  }
}

window.runEsptoolFlow = runEsptoolFlow;
