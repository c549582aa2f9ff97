/**
 * The simulated RL78 parts: what their boot firmware reports in the Silicon Signature and how
 * their flash is laid out. Code flash starts at 0x00000, data flash at 0xF1000; both erase in
 * 1 KiB blocks (RL78/G13 and G14 user manuals, "Flash memory" chapters; R5F100LE: 64 blocks of
 * code flash 00H–3FH and 4 of data flash).
 */

/** Where data flash starts on every RL78 with Protocol A. */
export const DATA_FLASH_BASE = 0xf1000;
/** Erase block size of code and data flash. */
export const BLOCK_SIZE = 1024;

/** One simulated part. */
export interface Rl78ChipSpec {
  /** Part number, e.g. "R5F100LE". */
  readonly name: string;
  /** Family, e.g. "RL78/G13". */
  readonly family: string;
  /** The signature's 3-byte device code. */
  readonly deviceCode: readonly [number, number, number];
  /** The signature's device name: 10 ASCII characters, space padded. */
  readonly signatureName: string;
  /** Code flash size in bytes. */
  readonly codeFlashSize: number;
  /** Data flash size in bytes. */
  readonly dataFlashSize: number;
  /** The signature's firmware version (3 bytes). */
  readonly firmwareVersion: readonly [number, number, number];
  /** Size of boot cluster 0 in bytes (what boot-cluster rewrite protection covers). */
  readonly bootClusterSize: number;
  /** The CPU clock Baud Rate Set reports in full-speed mode (≥ 2.7 V), in MHz. */
  readonly fullSpeedMhz: number;
  /** The CPU clock Baud Rate Set reports in wide-voltage mode, in MHz. */
  readonly wideVoltageMhz: number;
}

/**
 * The simulated parts. Device names follow the signature examples in the user manuals' flash
 * memory chapters: the part number without its order-code suffix, padded with spaces to 10
 * characters (RL78/G13 R01UH0146EJ0100 Table 25-10: "R5F100LE" 20H 20H; RL78/L12 R01UH0330EJ0200
 * Table 26-9: "R5F10RLC" 20H 20H); rl78flash's README shows a real RL78/G14 promotion board
 * reporting "R5F104LE". The device code 10 00 06 is the one the RL78/L12 manual's example gives
 * for "RL78 protocol A" (the G13 Rev.1.00 example shows 10 00 03); that every Protocol A part
 * sends it is unverified. Firmware versions are modeling values.
 */
export const RL78_CHIPS = {
  R5F100LE: {
    name: 'R5F100LE',
    family: 'RL78/G13',
    deviceCode: [0x10, 0x00, 0x06],
    signatureName: 'R5F100LE  ',
    codeFlashSize: 64 * 1024,
    dataFlashSize: 4 * 1024,
    firmwareVersion: [0x03, 0x00, 0x00],
    bootClusterSize: 4 * 1024,
    fullSpeedMhz: 32,
    wideVoltageMhz: 8,
  },
  R5F104LE: {
    name: 'R5F104LE',
    family: 'RL78/G14',
    deviceCode: [0x10, 0x00, 0x06],
    signatureName: 'R5F104LE  ',
    codeFlashSize: 64 * 1024,
    dataFlashSize: 4 * 1024,
    firmwareVersion: [0x03, 0x01, 0x00],
    bootClusterSize: 4 * 1024,
    fullSpeedMhz: 32,
    wideVoltageMhz: 8,
  },
  R5F100GJ: {
    // An RL78/G13 with more flash, for tests of names missing from a host's table.
    name: 'R5F100GJ',
    family: 'RL78/G13',
    deviceCode: [0x10, 0x00, 0x06],
    signatureName: 'R5F100GJ  ',
    codeFlashSize: 256 * 1024,
    dataFlashSize: 8 * 1024,
    firmwareVersion: [0x03, 0x00, 0x00],
    bootClusterSize: 4 * 1024,
    fullSpeedMhz: 32,
    wideVoltageMhz: 8,
  },
} as const satisfies Record<string, Rl78ChipSpec>;

/** Names of the simulated parts. */
export type Rl78ChipName = keyof typeof RL78_CHIPS;

/**
 * How long the flash and the boot firmware take, in seconds. Renesas publishes no per-command
 * times for serial programming; these are modeling assumptions of the order of the RL78 flash
 * self-programming library's figures (block erase a few ms, a 4-byte word in ≈ 10 µs) and of
 * rl78flash's completion wait (1.5 ms per KiB programmed), at the boot firmware's 32 MHz.
 */
export const RL78_TIMING = {
  /** Erasing one 1 KiB block. */
  blockEraseSeconds: 0.005,
  /** Programming 256 bytes (64 words). */
  program256Seconds: 0.000375,
  /** Blank-checking one 1 KiB block. */
  blankCheckBlockSeconds: 0.0002,
  /** Reading one byte for Verify or Checksum (8 CPU cycles at 32 MHz). */
  readByteSeconds: 0.25e-6,
  /** Decoding a command and starting to answer. */
  commandSeconds: 0.00005,
  /** Writing the security flags (erase + program of the extra area). */
  securityWriteSeconds: 0.01,
  /** From RESET release until the boot firmware samples TOOL0 and listens. */
  bootSeconds: 0.0001,
  /**
   * How long after RESET release the mode byte may come (after that the firmware gives up and
   * the chip must be reset again): tSUINIT, 100 ms (RL78/G13 user manual §25.5.2: "it is
   * necessary to finish specifying the initial communication settings within 100 ms from when
   * the resets end"). The manual counts Baud Rate Set into those settings; what a chip does
   * when only that comes late is not documented, so the model times the mode byte alone.
   */
  modeByteWindowSeconds: 0.1,
} as const;
