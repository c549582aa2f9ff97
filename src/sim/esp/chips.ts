/**
 * The simulated chips as data: what the ROM loader reports and which registers esptool-style
 * hosts read. Register addresses and bit fields follow esptool (`esptool/targets/*.py`) and
 * esptool-js 0.7.0 (`lib/targets/*.js`); magic values and chip ids follow
 * /work/shared/reference/esp-serial-protocol.md §8; boot banners are those printed by real
 * ROMs (ESP32 "ets Jul 29 2019", ESP32-S3 "esp32s3-20210327", ESP32-C3 "esp32c3-api1-20210207").
 */

/** Chips the simulator models. */
export type EspChipName = 'esp32' | 'esp32s3' | 'esp32c3';

/** SPI0/SPI1 user-command registers used to read the flash JEDEC id. */
export interface SpiRegisterMap {
  base: number;
  usr: number;
  usr1: number;
  usr2: number;
  w0: number;
}

/** Everything chip-specific the board needs. */
export interface EspChipSpec {
  /** Simulator name. */
  name: EspChipName;
  /** Name esptool prints. */
  displayName: string;
  /** Value READ_REG returns at 0x40001000 (chip detect magic). */
  magic: number;
  /** Chip id returned by GET_SECURITY_INFO, or null when the ROM does not support the command. */
  securityInfoChipId: number | null;
  /** Second ROM status byte sent with a successful GET_SECURITY_INFO (real S3 trace: 0x05). */
  securityInfoRomError: number;
  /** ROM bootloader baud rate. */
  romBaud: number;
  /** Crystal frequency in Hz (the ROM runs the UART from it). */
  xtalHz: number;
  /**
   * The crystal frequency the ROM believes in, in Hz: it computes CHANGE_BAUDRATE's divider from
   * this. The ESP32 ROM estimates it at boot from the RTC 8 MHz clock calibration (esptool
   * `targets/esp32.py` `get_rom_cal_crystal_freq`); later ROMs use the fixed 40 MHz.
   */
  romXtalEstimateHz: number;
  /**
   * The ROM's "UART in use" variable (`UARTDEV_BUF_NO`, in ROM .bss) and the values it holds
   * when the ROM talks over USB-Serial/JTAG or USB-OTG (UART0 = 0); null on chips without USB.
   */
  uartDevBufNo: { address: number; usbSerialJtag: number; usbOtg: number | null } | null;
  /** UART0 clock divider register (integer part in bits 19:0). */
  uartClkdivReg: number;
  /** SPI registers for user commands. */
  spi: SpiRegisterMap;
  /** Largest FLASH_DATA payload the ROM accepts (ESP32-C3 rejects ≥ 2048, esptool #860). */
  romMaxFlashBlock: number;
  /** Whether the chip has a USB-Serial/JTAG peripheral (native USB port). */
  hasUsbSerialJtag: boolean;
  /** ROM banner lines before the boot mode text. */
  romHeader: string;
  /** `rst:... ,boot:...` line in download mode, and the line that follows it. */
  downloadBoot: string;
  /** `rst:... ,boot:...` line when booting from flash. */
  flashBoot: string;
  /** Flash offset of the second-stage bootloader image. */
  bootloaderOffset: number;
  /** Default MAC address. */
  defaultMac: readonly number[];
  /** Fixed register values (eFuses, version registers), not counting the MAC words. */
  registers: ReadonlyMap<number, number>;
  /** Where the two MAC words live: [low 32 bits, high 16 bits]. */
  macRegisters: readonly [number, number];
}

const ESP32_EFUSE = 0x3ff5a000;
/** ESP32 RTC calibration result register (esptool `ESP32ROM.RTCCALICFG1`), value in bits 31:7. */
const ESP32_RTCCALICFG1 = 0x3ff5f06c;
/**
 * eFuse CK8M_FREQ (EFUSE_BLK0_RDATA4 bits 7:0) of the simulated ESP32. Modeling assumption: 160,
 * which with esptool's formula (`cali × 15625 × ck8m / 40`) makes a calibration count of 640 read
 * as exactly 40 MHz.
 */
const ESP32_CK8M_FREQ = 160;
/**
 * The RTC calibration count the simulated ESP32's ROM measured at boot: 666, so the ROM believes
 * in a 41.625 MHz crystal (+4 %). Modeling assumption: real ESP32s drift this way (esptool's
 * `change_baud` carries a workaround "to avoid esp32 CK_8M frequency drift"); 4 % is chosen
 * beyond a UART's ±3 % tolerance so that a host skipping the correction visibly fails.
 */
const ESP32_RTC_CALI_VALUE = 666;
/** What esptool computes from the two registers above (`get_rom_cal_crystal_freq`). */
const ESP32_ROM_XTAL_ESTIMATE_HZ = (ESP32_RTC_CALI_VALUE * 15625 * ESP32_CK8M_FREQ) / 40;
const ESP32S3_EFUSE_BLOCK1 = 0x60007044;
const ESP32C3_EFUSE_BLOCK1 = 0x60008844;

/** ESP32-D0WD-V3, revision 3 (eFuse word 3: package 1, rev bit; word 5 rev bit; APB_CTL_DATE bit 31). */
const ESP32: EspChipSpec = {
  name: 'esp32',
  displayName: 'ESP32',
  magic: 0x00f01d83,
  securityInfoChipId: null,
  securityInfoRomError: 0,
  romBaud: 115200,
  xtalHz: 40_000_000,
  romXtalEstimateHz: ESP32_ROM_XTAL_ESTIMATE_HZ,
  uartDevBufNo: null,
  uartClkdivReg: 0x3ff40014,
  spi: { base: 0x3ff42000, usr: 0x1c, usr1: 0x20, usr2: 0x24, w0: 0x80 },
  romMaxFlashBlock: 0x4000,
  hasUsbSerialJtag: false,
  romHeader: 'ets Jul 29 2019 12:21:46\r\n\r\n',
  downloadBoot: 'rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\n',
  flashBoot: 'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n',
  bootloaderOffset: 0x1000,
  defaultMac: [0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56],
  registers: new Map([
    [ESP32_EFUSE + 4 * 3, (1 << 9) | (1 << 15)],
    [ESP32_EFUSE + 4 * 4, (0x0a << 8) | ESP32_CK8M_FREQ],
    [ESP32_EFUSE + 4 * 5, 1 << 20],
    [ESP32_EFUSE + 4 * 6, 0],
    [0x3ff6607c, 0x96042000],
    [ESP32_RTCCALICFG1, ESP32_RTC_CALI_VALUE << 7],
  ]),
  macRegisters: [ESP32_EFUSE + 4 * 1, ESP32_EFUSE + 4 * 2],
};

/** ESP32-S3 (QFN56) revision v0.2, no embedded flash or PSRAM. */
const ESP32S3: EspChipSpec = {
  name: 'esp32s3',
  displayName: 'ESP32-S3',
  magic: 0x00000009,
  securityInfoChipId: 9,
  securityInfoRomError: 0x05,
  romBaud: 115200,
  xtalHz: 40_000_000,
  romXtalEstimateHz: 40_000_000,
  // esptool targets/esp32s3.py: UARTDEV_BUF_NO 0x3FCEF14C, USB-OTG 3, USB-Serial/JTAG 4.
  uartDevBufNo: { address: 0x3fcef14c, usbSerialJtag: 4, usbOtg: 3 },
  uartClkdivReg: 0x60000014,
  spi: { base: 0x60002000, usr: 0x18, usr1: 0x1c, usr2: 0x20, w0: 0x58 },
  romMaxFlashBlock: 0x4000,
  hasUsbSerialJtag: true,
  romHeader: 'ESP-ROM:esp32s3-20210327\r\nBuild:Mar 27 2021\r\n',
  downloadBoot: 'rst:0x1 (POWERON),boot:0x0 (DOWNLOAD(USB/UART0))\r\n',
  flashBoot: 'rst:0x1 (POWERON),boot:0x8 (SPI_FAST_FLASH_BOOT)\r\n',
  bootloaderOffset: 0,
  defaultMac: [0xf4, 0x12, 0xfa, 0x01, 0x02, 0x03],
  registers: new Map([
    [ESP32S3_EFUSE_BLOCK1 + 4 * 3, (2 << 18) | (2 << 24)],
    [ESP32S3_EFUSE_BLOCK1 + 4 * 4, 0],
    [ESP32S3_EFUSE_BLOCK1 + 4 * 5, 0],
    [0x6000705c + 4 * 4, 1],
  ]),
  macRegisters: [ESP32S3_EFUSE_BLOCK1, ESP32S3_EFUSE_BLOCK1 + 4],
};

/** ESP32-C3 (QFN32) revision v0.4 (ECO3, magic 0x1B31506F). */
const ESP32C3: EspChipSpec = {
  name: 'esp32c3',
  displayName: 'ESP32-C3',
  magic: 0x1b31506f,
  securityInfoChipId: 5,
  securityInfoRomError: 0,
  romBaud: 115200,
  xtalHz: 40_000_000,
  romXtalEstimateHz: 40_000_000,
  // esptool targets/esp32c3.py: UARTDEV_BUF_NO 0x3FCDF07C, USB-Serial/JTAG 3 (no USB-OTG).
  uartDevBufNo: { address: 0x3fcdf07c, usbSerialJtag: 3, usbOtg: null },
  uartClkdivReg: 0x60000014,
  spi: { base: 0x60002000, usr: 0x18, usr1: 0x1c, usr2: 0x20, w0: 0x58 },
  romMaxFlashBlock: 2047,
  hasUsbSerialJtag: true,
  romHeader: 'ESP-ROM:esp32c3-api1-20210207\r\nBuild:Feb  7 2021\r\n',
  downloadBoot: 'rst:0x1 (POWERON),boot:0x5 (DOWNLOAD(USB/UART0/1))\r\n',
  flashBoot: 'rst:0x1 (POWERON),boot:0xd (SPI_FAST_FLASH_BOOT)\r\n',
  bootloaderOffset: 0,
  defaultMac: [0x58, 0xcf, 0x79, 0xab, 0xcd, 0xef],
  registers: new Map([
    [ESP32C3_EFUSE_BLOCK1 + 4 * 3, 4 << 18],
    [ESP32C3_EFUSE_BLOCK1 + 4 * 4, 0],
    [ESP32C3_EFUSE_BLOCK1 + 4 * 5, 0],
  ]),
  macRegisters: [ESP32C3_EFUSE_BLOCK1, ESP32C3_EFUSE_BLOCK1 + 4],
};

/** The chip table, by simulator name. */
export const ESP_CHIPS: Readonly<Record<EspChipName, EspChipSpec>> = {
  esp32: ESP32,
  esp32s3: ESP32S3,
  esp32c3: ESP32C3,
};

/** Address of the chip-detect magic register read by every esptool. */
export const CHIP_DETECT_MAGIC_REG = 0x40001000;

/**
 * The two eFuse words holding `mac`: the low word has bytes 2–5 (byte 2 in bits 31:24), the
 * high word bytes 0–1 in bits 15:0 (ESP32 keeps the MAC CRC in bits 23:16; left 0 here).
 */
export function macWords(mac: readonly number[]): [number, number] {
  if (mac.length !== 6 || mac.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) {
    throw new RangeError('A MAC address has six bytes 0..255');
  }
  const low = ((mac[2] << 24) | (mac[3] << 16) | (mac[4] << 8) | mac[5]) >>> 0;
  const high = (mac[0] << 8) | mac[1];
  return [low, high];
}

/** Parses "aa:bb:cc:dd:ee:ff" into six bytes. */
export function parseMac(text: string): number[] {
  const parts = text.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) {
    throw new RangeError(`Not a MAC address: ${text}`);
  }
  return parts.map((p) => parseInt(p, 16));
}
