/**
 * The chip's register space as seen through READ_REG / WRITE_REG: fixed eFuse and version
 * words, the chip-detect magic, UART0's clock divider, and the SPI user-command engine that
 * esptool uses to send command 0x9F (RDID) to the flash. Anything else reads back what was
 * last written (0 at reset).
 */
import { CHIP_DETECT_MAGIC_REG, macWords } from './chips';
import type { EspChipSpec } from './chips';
import type { SpiFlash } from './spi-flash';

/** SPI_CMD_REG bit that starts a user command; hardware clears it when done. */
const SPI_CMD_USR = 1 << 18;
/** SPI_USR_REG bit: the user command reads data (MISO phase). */
const SPI_USR_MISO = 1 << 28;

/** The port the ROM loader talks over: UART0 (through a bridge) or one of the chip's USB ports. */
export type RomConsole = 'uart' | 'usb-serial-jtag' | 'usb-otg';

/** Register space of one chip. */
export class RegisterFile {
  private readonly written = new Map<number, number>();
  private readonly fixed: Map<number, number>;

  /**
   * @param chip the chip whose eFuses and registers to model
   * @param flash the flash chip attached to SPI0/1
   * @param mac the MAC address to burn into the eFuses
   * @param uartBaud the UART0 baud rate in force (for the clock divider register)
   * @param console the port the ROM talks over (sets its "UART in use" variable)
   */
  constructor(
    private readonly chip: EspChipSpec,
    private readonly flash: SpiFlash,
    mac: readonly number[],
    private readonly uartBaud: () => number,
    console: RomConsole = 'uart',
  ) {
    this.fixed = new Map(chip.registers);
    const bufNo = chip.uartDevBufNo;
    if (bufNo !== null) {
      const value =
        console === 'usb-serial-jtag' ? bufNo.usbSerialJtag : console === 'usb-otg' ? bufNo.usbOtg : 0;
      if (value === null) throw new RangeError(`${chip.displayName} has no USB-OTG port`);
      this.fixed.set(bufNo.address, value);
    }
    const [low, high] = macWords(mac);
    this.fixed.set(chip.macRegisters[0], low);
    this.fixed.set(chip.macRegisters[1], high);
    this.fixed.set(CHIP_DETECT_MAGIC_REG, chip.magic);
  }

  /** Value of the 32-bit register at `address`. */
  read(address: number): number {
    const fixed = this.fixed.get(address);
    if (fixed !== undefined) return fixed >>> 0;
    if (address === this.chip.uartClkdivReg) return Math.floor(this.chip.xtalHz / this.uartBaud());
    return (this.written.get(address) ?? 0) >>> 0;
  }

  /** Writes `value` under `mask` (bits outside the mask keep their value), as WRITE_REG does. */
  write(address: number, value: number, mask = 0xffffffff): void {
    if (this.fixed.has(address)) return;
    const old = this.read(address);
    const next = mask >>> 0 === 0xffffffff ? value >>> 0 : ((value & mask) | (old & ~mask)) >>> 0;
    this.written.set(address, next);
    if (address === this.chip.spi.base && next & SPI_CMD_USR) this.runSpiUserCommand();
  }

  /** Forgets every written value (chip reset). */
  reset(): void {
    this.written.clear();
  }

  /** Executes the user command set up in USR/USR2 and clears SPI_CMD_USR, like the SPI engine. */
  private runSpiUserCommand(): void {
    const spi = this.chip.spi;
    const usr = this.written.get(spi.base + spi.usr) ?? 0;
    const command = (this.written.get(spi.base + spi.usr2) ?? 0) & 0xff;
    if (usr & SPI_USR_MISO) {
      let response = 0;
      if (command === 0x9f) response = this.flash.jedecWord;
      // 0x05 RDSR / 0x35 RDSR2: the flash is idle and unprotected, so status reads 0.
      this.written.set(spi.base + spi.w0, response >>> 0);
    }
    this.written.set(spi.base, (this.written.get(spi.base) ?? 0) & ~SPI_CMD_USR);
  }
}
