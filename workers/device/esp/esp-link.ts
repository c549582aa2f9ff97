/**
 * A connection to an ESP chip's flasher stub over a Web Serial port, made with esptool-js
 * 0.7.0: reset into the ROM loader (esptool-js's ClassicReset / USB-Serial/JTAG sequences),
 * sync, chip detection, stub upload, baud change (esptool-js falls back to the ROM baud when
 * the bridge or chip cannot follow), flash id. Also the reset into the application, done with
 * our own modem-line sequence because esptool-js 0.7.0's `HardReset` never pulses EN
 * (/work/shared/reference/dapjs-esptool-wasmoon-gotchas.md §2).
 */
import { ESPLoader, Transport } from 'esptool-js';
import { WebProgError } from '../../../src/core/errors';
import { toEspError } from './esp-protocol';
import { LossAwareTransport } from './loss-aware-transport';
import { BRIDGE_RESETS } from './reset-sequences';
import { StubChannel } from './stub-channel';
import type { EspChipInfo } from './esp-api';

export type { EspChipInfo } from './esp-api';
export { resetIntoApp, sleep } from './app-reset';

/** Options of {@link EspLink.open}. */
export interface EspLinkOptions {
  /** Baud rate after the stub runs (default 921600). */
  baud?: number;
  /** Baud rate of the ROM loader (default 115200). */
  romBaud?: number;
  /**
   * Reset+sync attempts (default 4: UnixTightReset and ClassicReset, each with esptool's 50 ms
   * and 550 ms IO0 delays; esptool-js tries 7; each takes about half a second).
   */
  attempts?: number;
  /** Receives esptool-js's progress lines. */
  log?: (line: string) => void;
}

/** USB vendor id of Espressif's on-chip USB ports. */
const ESPRESSIF_VID = 0x303a;

/** A connected ESP loader session on one port. */
export class EspLink {
  private constructor(
    readonly port: SerialPort,
    readonly transport: Transport,
    readonly loader: ESPLoader,
    readonly channel: StubChannel,
    readonly info: EspChipInfo,
  ) {}

  /** Resets the board into its ROM loader, identifies the chip and starts the flasher stub. */
  static async open(port: SerialPort, options: EspLinkOptions = {}): Promise<EspLink> {
    const baud = options.baud ?? 921600;
    const romBaud = options.romBaud ?? 115200;
    const log = options.log ?? (() => undefined);
    const terminal = { clean: () => undefined, writeLine: log, write: log };
    const transport = new LossAwareTransport(port, false);
    const loader = new ESPLoader({
      transport,
      baudrate: baud,
      romBaudrate: romBaud,
      terminal,
      // Espressif's own USB ports (USB-Serial/JTAG, USB-OTG) keep esptool-js's sequences.
      ...(port.getInfo().usbVendorId === ESPRESSIF_VID ? {} : { resetConstructors: BRIDGE_RESETS }),
    });
    try {
      try {
        await loader.detectChip('default_reset', options.attempts ?? 4);
      } catch (error) {
        if (error instanceof Error && /Failed to connect/i.test(error.message)) {
          throw new WebProgError(
            'BOOT_MODE_REQUIRED',
            'The board did not enter its download mode (no answer to SYNC after resetting it). ' +
              'If it has no auto-reset circuit: hold BOOT (IO0), press and release RESET (EN), ' +
              'release BOOT, then press Retry.',
            { cause: error },
          );
        }
        throw error;
      }
      const chip = loader.chip;
      const description = await chip.getChipDescription(loader);
      const revision = chip.getChipRevision ? await chip.getChipRevision(loader) : undefined;
      const features = await chip.getChipFeatures(loader);
      const crystalMHz = await chip.getCrystalFreq(loader);
      const mac = await chip.readMac(loader);
      if (chip.postConnect) await chip.postConnect(loader);
      await loader.runStub();
      if (!loader.IS_STUB) {
        throw new WebProgError(
          'NOT_SUPPORTED',
          `Not Supported: the flasher stub could not run on this ${chip.CHIP_NAME} (Secure Download Mode?); flashing through the ROM alone is not supported.`,
        );
      }
      if (baud !== romBaud) await loader.changeBaud();
      const flashId = await loader.readFlashId();
      const sizeCode = (flashId >> 16) & 0xff;
      if (flashId === 0 || flashId === 0xffffff || sizeCode < 0x10 || sizeCode > 0x1a) {
        throw new WebProgError(
          'DEVICE_FAULT',
          `The ${chip.CHIP_NAME} cannot talk to its flash chip (flash id 0x${flashId.toString(16)}). Check the board's flash connections.`,
        );
      }
      const info: EspChipInfo = {
        chip: chip.CHIP_NAME,
        description,
        revision,
        features,
        crystalMHz,
        mac,
        flashId,
        flashSize: 2 ** sizeCode,
        baud: transport.baudrate,
        imageChipId: chip.IMAGE_CHIP_ID,
        bootloaderOffset: chip.BOOTLOADER_FLASH_OFFSET,
        blockSize: loader.FLASH_WRITE_SIZE,
      };
      return new EspLink(port, transport, loader, new StubChannel(transport), info);
    } catch (error) {
      await closeQuietly(transport);
      throw toEspError(error, 'Connect');
    }
  }

  /** Closes the port (the chip stays in the stub until reset). */
  async close(): Promise<void> {
    await closeQuietly(this.transport);
  }
}

/** Closes an esptool-js transport, ignoring a port that is already gone or closed. */
export async function closeQuietly(transport: Transport): Promise<void> {
  try {
    await transport.disconnect();
  } catch {
    // Already closed or unplugged.
  }
}
