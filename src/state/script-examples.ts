/** The example scripts bundled in `public/scripts/examples/`, as the script panel offers them. */

/** One bundled example. */
export interface ScriptExample {
  /** File name in `scripts/examples/`. */
  file: string;
  /** Name in the picker. */
  title: string;
  /** What it needs. */
  needs: string;
}

/** The examples, in the picker's order. */
export const SCRIPT_EXAMPLES: readonly ScriptExample[] = [
  {
    file: 'erase_blocks_blank_check.lua',
    title: 'Erase blocks, blank check, NOR writes',
    needs: 'CMSIS-DAP target',
  },
  { file: 'read_checksums.lua', title: 'Chip-side checksums of every block', needs: 'CMSIS-DAP target' },
  { file: 'microbit_micropython_info.lua', title: 'micro:bit: which MicroPython?', needs: 'micro:bit' },
  {
    file: 'production_line.lua',
    title: 'Production line: flash, verify, serial number, CSV',
    needs: 'nRF51/nRF52',
  },
  {
    file: 'cortexprog_nrf52_unlock.lua',
    title: 'CortexProg special: nRF52 unlock (CTRL-AP)',
    needs: 'micro:bit V2',
  },
  {
    file: 'cortexprog_stm32f4_option_bytes.lua',
    title: 'CortexProg special: STM32F4 option bytes',
    needs: 'STM32F4',
  },
  { file: 'esp_segment_example.lua', title: 'ESP segments: annotated walk-through', needs: 'ESP board' },
  { file: 'esp_segment_read.lua', title: 'ESP segments: read', needs: 'ESP board' },
  { file: 'esp_segment_write_verify.lua', title: 'ESP segments: write and verify', needs: 'ESP board' },
  { file: 'esp_segment_roundtrip.lua', title: 'ESP segments: round trip', needs: 'ESP board' },
  {
    file: 'esp_segment_validation.lua',
    title: 'ESP segments: alignment and bounds checks',
    needs: 'ESP board',
  },
  { file: 'esp_segment_app_flash.lua', title: 'ESP segments: flash an application', needs: 'ESP board' },
  {
    file: 'ra_flash_crc.lua',
    title: 'Renesas RA: areas, flash verified by chip CRC, checksums',
    needs: 'Renesas RA in boot mode',
  },
];

/** URL of an example relative to the page (the app is served from any base path). */
export function exampleUrl(file: string): string {
  return `scripts/examples/${file}`;
}
