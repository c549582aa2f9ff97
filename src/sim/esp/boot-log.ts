/**
 * Text a simulated ESP prints on UART0 after reset: the ROM banner (download mode or flash
 * boot), then, when booting from flash, either the ROM's complaint about an invalid image or a
 * short ESP-IDF-style second-stage bootloader log. Banner formats as printed by real ROMs
 * (see chips.ts); the bootloader lines are a condensed ESP-IDF v5 log.
 */
import type { EspChipSpec } from './chips';

/** First byte of every ESP application/bootloader image. */
export const ESP_IMAGE_MAGIC = 0xe9;

/** Banner printed when the chip comes out of reset into the ROM serial loader. */
export function downloadBanner(chip: EspChipSpec): string {
  return `${chip.romHeader}${chip.downloadBoot}waiting for download\r\n`;
}

/** ROM lines printed when the chip boots from SPI flash, before the image is loaded. */
export function flashBootBanner(chip: EspChipSpec): string {
  const spiwp = chip.name === 'esp32' ? 'configsip: 0, SPIWP:0xee\r\n' : 'SPIWP:0xee\r\n';
  return `${chip.romHeader}${chip.flashBoot}${spiwp}mode:DIO, clock div:${chip.name === 'esp32' ? 2 : 1}\r\n`;
}

/**
 * What follows the flash-boot banner: `header` is the first 4 bytes at the bootloader offset.
 * Without an image the ROM reports the header word it found (real ROMs repeat this forever;
 * it is printed once here).
 */
export function imageBootLog(chip: EspChipSpec, header: Uint8Array): string {
  if (header[0] !== ESP_IMAGE_MAGIC) {
    const word = (header[0] | (header[1] << 8) | (header[2] << 16) | (header[3] << 24)) >>> 0;
    return `invalid header: 0x${word.toString(16).padStart(8, '0')}\r\n`;
  }
  return (
    `I (27) boot: ESP-IDF v5.3 2nd stage bootloader\r\n` +
    `I (31) boot: chip revision: simulated ${chip.displayName}\r\n` +
    `I (45) boot: Loaded app from partition at offset 0x10000\r\n` +
    `I (52) boot: Disabling RNG early entropy source...\r\n` +
    `I (120) cpu_start: Pro cpu start user code\r\n` +
    `I (140) main_task: Calling app_main()\r\n`
  );
}
