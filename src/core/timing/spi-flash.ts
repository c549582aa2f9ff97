/**
 * Typical busy times of the SPI NOR flash chip next to an ESP32, in one place for the
 * simulated chip (`src/sim/esp/spi-flash.ts`) and the host's estimate of the flasher stub's
 * pace (`workers/device/esp/stub-pace.ts`).
 */

/** Flash chip busy times in seconds (Winbond W25Q32JV rev. I, table 9.7, typical). */
export const W25Q32JV_TYPICAL = {
  /** tPP, one 256-byte page. */
  pageProgram: 0.0004,
  /** tSE, one 4 KiB sector. */
  sectorErase: 0.045,
  /** tBE2, one 64 KiB block. */
  blockErase: 0.15,
} as const;
