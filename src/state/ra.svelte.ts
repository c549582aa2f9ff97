/**
 * A Renesas RA chip in boot mode as a device of the one Flash flow: how to put each kind of
 * board into boot mode, the ID code of a locked chip (used by the next connect, never retried:
 * the chip counts wrong codes), and the areas the chip reports as the memory map files are
 * shown in. Writing is the backend's own flash (erase units skipped when the chip's CRC already
 * matches, verified by CRC).
 */
import { flashRegion } from '../core/memory/region';
import type { TargetDescription } from '../core/targets';
import type { DeviceConnection } from '../../workers/device/device-api';
import type { DeviceFlow } from './device-flow';
import { raClient, type RaClient } from './ra-client';
import type { RaBootEntry } from '../../workers/device/ra/ra-api';
import type { SerialMark } from './serial-marks';

/** Kinds of RA board with their own way into boot mode. */
export type RaBoardKind = 'uno-r4-minima' | 'uno-r4-wifi' | 'ek-ra' | 'bare';

/** How to enter boot mode on one kind of board. */
export interface RaBoardGuide {
  /** Kind. */
  kind: RaBoardKind;
  /** Name in the chooser. */
  label: string;
  /** Steps, in order. */
  steps: readonly string[];
}

/**
 * Boot-mode instructions per board. Sources:
 * - Uno R4 Minima and WiFi: Arduino's `bootloaders/UNO_R4/README.md` in ArduinoCore-renesas
 *   (Minima: "reboot the board with BOOT shorted to GND", it enumerates as Renesas RA USB Boot;
 *   WiFi: the ESP32-S3 USB bridge answers two baud rates, 1200 = Arduino bootloader, 2400 =
 *   the RA4M1's ROM boot mode, then `rfp-cli -device ra` talks to it over that port; the bridge
 *   firmware, arduino/uno-r4-wifi-usb-bridge `UNOR4USBBridge.ino`: USB 2341:1002, on 2400 BOOT
 *   low and one reset, BOOT stays low until a 1200 or a power cycle, other rates set the UART
 *   to the RA4M1), and the
 *   boards' pinout / schematic (BOOT is the unlabelled pin beside IOREF, MD = P201 on the RA4M1;
 *   Arduino forum thread 1163382 confirms 045B:0261 with it at GND). Arduino's own bootloader
 *   (double tap on RESET, DFU 2341:0369 on the Minima) occupies 0x0000–0x3FFF and sketches built
 *   by the Arduino IDE start at 0x4000 (the core's `fsp.ld`).
 * - EK-RA kits: MD jumper J16 closed = SCI/USB boot mode, MCU USB Full Speed port (Renesas
 *   community answer for EK-RA4M3; Qt for MCUs' EK-RA6M3G page: J16 closed, port J11). Other
 *   kits name their jumper in their own user manual.
 * - Bare chip: the RA user's manuals (MD low at reset selects SCI/USB boot mode; the RA4M1 boot
 *   SCI is SCI9, P109 TXD9 / P110 RXD9).
 */
export const RA_BOARD_GUIDES: readonly RaBoardGuide[] = [
  {
    kind: 'uno-r4-minima',
    label: 'Arduino Uno R4 Minima',
    steps: [
      'Connect the board by USB-C.',
      'Put a jumper wire from the BOOT pin (the unlabelled pin next to IOREF on the power header; MD in the schematic) to GND, then press RESET once: the RA4M1 starts its ROM boot firmware and the serial port "RA USB Boot" (045B:0261) appears. (A double tap on RESET starts Arduino\'s own bootloader instead, a DFU device 2341:0369: that is not this mode.)',
      'Add that port here and flash. Then remove the BOOT wire and press RESET to run the program.',
      "Note: Arduino's bootloader sits at 0x0000–0x3FFF and sketches built by the Arduino IDE start at 0x4000. Flashing a program that starts at 0x0000 replaces the bootloader (Arduino publishes dfu_minima.hex to put it back).",
    ],
  },
  {
    kind: 'uno-r4-wifi',
    label: 'Arduino Uno R4 WiFi',
    steps: [
      "The USB-C port goes to the board's ESP32-S3 (a USB bridge, 2341:1002), which is wired to the RA4M1's boot UART (SCI9, P109/P110); the RA4M1's own USB is not on the connector.",
      "Add the board's serial port (\"Arduino Uno R4 WiFi\") here and flash: no jumper is needed. Before each connect WebProg opens the port at 2400 baud, on which Arduino's bridge firmware holds BOOT (MD) low and resets the RA4M1 into its ROM boot mode; then it opens the port at 9600 baud for the 0x00/0x55 handshake and moves to the fastest rate the chip recommends. (1200 baud would start Arduino's bootloader instead.)",
      'A bridge with other USB ids: mark its port as "an RA chip in boot mode on this USB-UART" and choose this board here, and WebProg sends the same 2400-baud entry. Choosing another board for that port stops it (then put BOOT, the unlabelled pin next to IOREF, to GND and press RESET yourself).',
      "Afterwards unplug the USB cable and plug it in again to run the program: the bridge keeps BOOT low until it restarts, so RESET alone starts boot mode again. As on the Minima, a program starting at 0x0000 replaces Arduino's bootloader (dfu_wifi.hex restores it).",
    ],
  },
  {
    kind: 'ek-ra',
    label: 'EK-RA evaluation kit (EK-RA4M1, EK-RA4M2, EK-RA6M4…)',
    steps: [
      'Close the boot-mode jumper that pulls the MD pin low (J16 on EK-RA4M3 and EK-RA6M3; other kits name it in their user manual).',
      'Connect the USB Full Speed port of the MCU (not the debug port) and press RESET: the port "RA USB Boot" (045B:0261) appears.',
      'Add it here; open the jumper and reset afterwards to run the program.',
    ],
  },
  {
    kind: 'bare',
    label: 'A bare RA chip',
    steps: [
      'Hold MD low (to GND) while the chip comes out of reset: it starts its ROM boot firmware.',
      'USB: wire USB_DP/USB_DM (and VBUS); the chip appears as 045B:0261. UART: a 3.3 V USB-UART to the boot SCI (RA4M1: P109 TXD9 → adapter RX, P110 RXD9 ← adapter TX, GND), then mark that port as "an RA chip in boot mode on this USB-UART".',
      'If the chip is locked by an ID code, enter it below before connecting.',
    ],
  },
];

/** Regions shown before a chip is connected (an RA4M1, the Uno R4's chip). */
const DEFAULT_REGIONS = [
  flashRegion('Code Flash', 0, 0x40000, 0x800, 0x80),
  flashRegion('Data Flash', 0x4010_0000, 0x2000, 0x400, 4),
];

/** What the RA flow needs of the devices state. */
export interface RaDevices {
  /** Options the next connects to a device use. */
  setConnectOptions(id: string, options: { idCode?: string } | undefined): void;
  /** Connection state per device id. */
  readonly sessions?: Readonly<Record<string, { status: string } | undefined>>;
  /** Disconnects a device (a port changes kind only while nothing is connected to it). */
  disconnect?(id: string): Promise<void>;
}

/** A Renesas RA chip in boot mode in the one Flash flow. */
export class RaState implements DeviceFlow {
  readonly type = 'ra';
  /** The board the instructions are for. */
  board = $state<RaBoardKind>('uno-r4-minima');
  /** The ID code typed for the selected device (32 hex digits, or empty). */
  idCode = $state('');
  /** Why the typed ID code is not usable, if it is not. */
  readonly idCodeProblem: string | undefined = $derived(idCodeProblem(this.idCode));

  /** The last problem marking a port, in words. */
  error = $state<string | undefined>();
  /** Told what the person said a port leads to, once the worker took it (kept across reloads). */
  onMarked: (deviceId: string, mark: SerialMark) => void = () => undefined;

  constructor(
    private readonly devices: RaDevices,
    private readonly client: RaClient = raClient(undefined),
    private readonly log?: { info(text: string): unknown },
  ) {}

  /**
   * Says that serial device `deviceId` (a USB-UART) leads to an RA chip in boot mode over its
   * SCI UART; the worker remembers it for that port while the page runs.
   */
  async useAsRa(deviceId: string): Promise<void> {
    await this.mark(deviceId, true, 'The USB-UART is now used for an RA chip in boot mode (SCI UART).');
  }

  /**
   * Chooses the board the steps are for. On a USB-UART (`deviceId`: neither the chip's own USB
   * port nor an Uno R4 WiFi recognised by its ids, which always gets the entry) this also says
   * how WebProg gets the chip into boot mode there: the Uno R4 WiFi bridge's 2400-baud entry
   * for an Uno R4 WiFi, none (the person does it) for any other board.
   */
  async chooseBoard(kind: RaBoardKind, deviceId?: string): Promise<void> {
    this.board = kind;
    if (deviceId === undefined) return;
    const entry: RaBootEntry = kind === 'uno-r4-wifi' ? 'uno-r4-wifi' : 'none';
    await this.mark(
      deviceId,
      true,
      entry === 'uno-r4-wifi'
        ? "Before each connect WebProg puts the chip into boot mode through the Uno R4 WiFi's bridge (opening the port at 2400 baud)."
        : 'WebProg does not put the chip into boot mode on this port: do it as the steps say.',
      entry,
    );
  }

  /** Says that serial device `deviceId` is not an RA chip after all (an ESP board again). */
  async useAsEsp(deviceId: string): Promise<void> {
    await this.mark(deviceId, false, 'The USB-UART is used as an ESP board again.');
  }

  private async mark(deviceId: string, isRa: boolean, done: string, entry?: RaBootEntry): Promise<void> {
    try {
      // Whatever was connected on the port goes first (the worker refuses to switch a busy port).
      if (this.devices.sessions?.[deviceId]?.status === 'connected')
        await this.devices.disconnect?.(deviceId);
      await (entry === undefined
        ? this.client.raMarkPort(deviceId, isRa)
        : this.client.raMarkPort(deviceId, isRa, entry));
      this.error = undefined;
      this.onMarked(deviceId, isRa ? { kind: 'ra', ...(entry ? { entry } : {}) } : { kind: 'esp' });
      this.log?.info(done);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  /** The steps into boot mode for the chosen board. */
  get guide(): RaBoardGuide {
    return RA_BOARD_GUIDES.find((g) => g.kind === this.board) ?? RA_BOARD_GUIDES[0];
  }

  /** Sets the ID code the next connect to `deviceId` authenticates with (empty: none). */
  setIdCode(deviceId: string, code: string): void {
    this.idCode = code;
    const clean = code.replace(/[\s:_-]/g, '').replace(/^0x/i, '');
    this.devices.setConnectOptions(deviceId, clean && !idCodeProblem(code) ? { idCode: clean } : undefined);
  }

  /** The chip's areas as the memory map (an RA4M1's until connected). */
  layout(connection: DeviceConnection | undefined): TargetDescription {
    const regions = connection?.regions.length ? connection.regions.map((r) => ({ ...r })) : DEFAULT_REGIONS;
    const chip = connection?.target.name ?? 'Renesas RA (RA4M1 until connected)';
    return { id: 'ra-areas', name: `${chip} areas`, regions };
  }
}

/** The name the device list gives an RA chip's own USB CDC port (045B:0261), which is always an RA chip. */
export const RA_USB_BOOT_NAME = 'Renesas RA USB boot';

/** The name the device list gives the Arduino Uno R4 WiFi's USB bridge (2341:1002). */
export const UNO_R4_WIFI_NAME = 'Arduino Uno R4 WiFi';

/** Why `code` is not a usable ID code (undefined when empty or fine). */
export function idCodeProblem(code: string): string | undefined {
  const clean = code.replace(/[\s:_-]/g, '').replace(/^0x/i, '');
  if (clean === '') return undefined;
  if (!/^[0-9a-fA-F]*$/.test(clean)) return 'Only hex digits 0-9 and A-F.';
  if (clean.length !== 32) return `16 bytes are 32 hex digits; this has ${clean.length}.`;
  return undefined;
}
