/**
 * The simulated Renesas RA chips as their boot firmware describes them: the areas the area
 * information command reports (kind, start, end, erase / write / read / CRC units), the
 * signature fields, the boot code the UART handshake answers with, and the flash timings from
 * each chip's datasheet (typical values; the boot firmware programs and erases with them).
 *
 * Sources: Renesas "Standard Boot Firmware" system specifications for RA (packet format,
 * command set, boot codes 0xC3 for Cortex-M4/M23 and 0xC6 for Cortex-M33), the RA4M1 User's
 * Manual / datasheet (R01UH0887, R01DS0152: 256 KiB code flash in 2 KiB blocks, 8 KiB data flash
 * in 1 KiB blocks at 0x40100000; MF3 flash, 8-byte code flash program unit) and the RA4M2
 * datasheet (R01DS0417: 512 KiB code flash in 8 × 8 KiB then 32 KiB blocks, 8 KiB data flash in
 * 64-byte blocks at 0x08000000, RV40F flash, 128-byte program unit, TrustZone, DLM). The
 * reply layouts follow what the open-source hosts for each generation parse (raflash for the
 * RA4 of the Uno R4, radfu for the RA4M2/RA6M4 group); see {@link RaReplyLayout}. The CRC unit of
 * the RA4M1 is internal (its short area record does not report one).
 */

/** Kind-of-area codes (KOA): high nibble = kind (0 code flash, 1 data flash, 2 config). */
export const KOA = { code: 0x00, data: 0x10, config: 0x20 } as const;

/** One area as the area information command reports it. */
export interface RaAreaSpec {
  /** KOA byte. */
  koa: number;
  /** First address. */
  start: number;
  /** Last address (inclusive). */
  end: number;
  /** Erase unit (0: the area cannot be erased by the erase command). */
  eau: number;
  /** Write unit. */
  wau: number;
  /** Read unit. */
  rau: number;
  /** CRC unit (0: no CRC over this area). */
  cau: number;
  /** Typical time to erase one erase unit, µs. */
  eraseUs: number;
  /** Bytes one program operation writes (the flash's program unit). */
  programUnit: number;
  /** Typical time of one program operation, µs. */
  programUs: number;
}

/**
 * Reply layouts of the boot firmware. 'short' (the RA2/RA4 parts such as the RA4M1): signature
 * = SCI operating frequency (4), RMB (4), NOA (1), TYP (1), BFV major.minor (2), 12 bytes; area
 * record = KOA, SAD, EAD, EAU, WAU, 17 bytes. 'long' (RA4M2, RA6M4, RA4E1…): signature = RMB (4),
 * NOA (1), TYP (1), BFV (3), device ID (16), product name (16), 41 bytes; area record adds RAU
 * and CAU, 25 bytes.
 */
export type RaReplyLayout = 'short' | 'long';

/** One simulated RA chip. */
export interface RaChipSpec {
  /** Reply layout of its boot firmware. */
  layout: RaReplyLayout;
  /** SCI operating frequency the short signature reports, Hz. */
  sciHz?: number;
  /** Product name as the signature reports it (16 ASCII characters, space padded). */
  productName: string;
  /** Short name ("RA4M1"). */
  group: string;
  /** CPU core. */
  core: 'Cortex-M4' | 'Cortex-M33';
  /** Byte answered to 0x55 in the UART handshake. */
  bootCode: number;
  /** Recommended maximum UART baud rate (signature RMB). */
  maxBaud: number;
  /** Signature TYP byte. */
  typ: number;
  /** Boot firmware version (major, minor, build; the short layout reports major.minor). */
  bootFirmwareVersion: [number, number, number];
  /** Areas in area-number order. */
  areas: readonly RaAreaSpec[];
  /** Device lifecycle management present (Cortex-M33 parts). */
  dlm: boolean;
  /** TrustZone boundary (KiB), for parts with TrustZone. */
  boundary?: { cfs1: number; cfs2: number; dfs: number; srs1: number; srs2: number };
  /** CRC throughput of the boot firmware, bytes per µs (it reads flash at ICLK speed). */
  crcBytesPerUs: number;
}

/** RA4M1 (Arduino Uno R4 Minima / WiFi: R7FA4M1AB3CFM), Cortex-M4, MF3 flash. */
export const RA4M1: RaChipSpec = {
  layout: 'short',
  sciHz: 24_000_000,
  productName: 'R7FA4M1AB3CFM   ',
  group: 'RA4M1',
  core: 'Cortex-M4',
  bootCode: 0xc3,
  maxBaud: 1_000_000,
  typ: 0x02,
  bootFirmwareVersion: [1, 2, 0],
  dlm: false,
  crcBytesPerUs: 24,
  areas: [
    // Code flash: 2 KiB blocks; MF3 "double access" programs 8 bytes at a time, 116 µs typical
    // (datasheet: code flash programming time 8 bytes, typ. 116 µs; erase 2 KiB typ. 9.03 ms).
    {
      koa: KOA.code,
      start: 0x0000_0000,
      end: 0x0003_ffff,
      eau: 0x800,
      wau: 0x80,
      rau: 0x4,
      cau: 0x400,
      eraseUs: 9030,
      programUnit: 8,
      programUs: 116,
    },
    // Data flash: 1 KiB blocks, 1-byte program unit (typ. 52.4 µs), erase 1 KiB typ. 8.98 ms.
    {
      koa: KOA.data,
      start: 0x4010_0000,
      end: 0x4010_1fff,
      eau: 0x400,
      wau: 0x4,
      rau: 0x4,
      cau: 0x400,
      eraseUs: 8980,
      programUnit: 1,
      programUs: 52.4,
    },
    // Config: the option-setting extra area (access window, ID code); written only. The exact
    // range the RA4M1 boot firmware reports is not in the documents at hand (assumed).
    {
      koa: KOA.config,
      start: 0x0101_0000,
      end: 0x0101_00ff,
      eau: 0,
      wau: 0x10,
      rau: 0x4,
      cau: 0,
      eraseUs: 0,
      programUnit: 16,
      programUs: 116,
    },
  ],
};

/** RA4M2 (EK-RA4M2: R7FA4M2AD3CFP), Cortex-M33 with TrustZone, RV40F flash. */
export const RA4M2: RaChipSpec = {
  layout: 'long',
  productName: 'R7FA4M2AD3CFP   ',
  group: 'RA4M2',
  core: 'Cortex-M33',
  bootCode: 0xc6,
  maxBaud: 4_000_000,
  typ: 0x01,
  bootFirmwareVersion: [1, 3, 1],
  dlm: true,
  boundary: { cfs1: 0, cfs2: 0, dfs: 0, srs1: 0, srs2: 0 },
  crcBytesPerUs: 50,
  areas: [
    // Code flash: 8 × 8 KiB small blocks (erase typ. 80 ms), then 32 KiB blocks (typ. 300 ms);
    // 128-byte program unit, typ. 0.75 ms.
    {
      koa: KOA.code,
      start: 0x0000_0000,
      end: 0x0000_ffff,
      eau: 0x2000,
      wau: 0x80,
      rau: 0x4,
      cau: 0x400,
      eraseUs: 80_000,
      programUnit: 128,
      programUs: 750,
    },
    {
      koa: KOA.code | 0x01,
      start: 0x0001_0000,
      end: 0x0007_ffff,
      eau: 0x8000,
      wau: 0x80,
      rau: 0x4,
      cau: 0x400,
      eraseUs: 300_000,
      programUnit: 128,
      programUs: 750,
    },
    // Data flash: 64-byte blocks (erase typ. 0.3 ms), 4-byte program unit (typ. 36 µs).
    {
      koa: KOA.data,
      start: 0x0800_0000,
      end: 0x0800_1fff,
      eau: 0x40,
      wau: 0x4,
      rau: 0x4,
      cau: 0x40,
      eraseUs: 300,
      programUnit: 4,
      programUs: 36,
    },
    // Config (option settings): written only, never erased by the erase command.
    {
      koa: KOA.config,
      start: 0x0100_a100,
      end: 0x0100_a2ff,
      eau: 0,
      wau: 0x10,
      rau: 0x4,
      cau: 0,
      eraseUs: 0,
      programUnit: 16,
      programUs: 750,
    },
  ],
};

/** The simulated chips by group name. */
export const RA_CHIPS = { RA4M1, RA4M2 } as const;

/** A simulated chip's group name. */
export type RaChipName = keyof typeof RA_CHIPS;
