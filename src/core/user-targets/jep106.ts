/**
 * The designer and part a CoreSight ROM table's peripheral ID registers give (ARM CoreSight
 * Architecture Specification, "Peripheral Identification Registers"): JEP106 identity code =
 * PID1[7:4] | PID2[2:0] << 4 (PID2 bit 3 set when it is a JEP106 code), continuation code =
 * PID4[3:0], part number = PID0 | PID1[3:0] << 8.
 */

/** A JEP106 manufacturer code. */
export interface Jep106 {
  /** Continuation code (number of 0x7F bytes before the identity). */
  cc: number;
  /** Identity code, 7 bits. */
  id: number;
}

/** What the ROM table says about the chip. */
export interface RomTableIdentity {
  /** The designer, when PID2 marks a JEP106 code. */
  designer?: Jep106;
  /** The designer's name when it is one we know. */
  designerName?: string;
  /** Part number. */
  part: number;
}

/** Designers of common Cortex-M parts (JEP106 bank and code). */
const KNOWN: { cc: number; id: number; name: string; aliases: string[] }[] = [
  { cc: 4, id: 0x3b, name: 'Arm', aliases: ['arm'] },
  { cc: 2, id: 0x44, name: 'Nordic Semiconductor', aliases: ['nordic'] },
  { cc: 0, id: 0x20, name: 'STMicroelectronics', aliases: ['stmicroelectronics', 'st'] },
  { cc: 0, id: 0x15, name: 'NXP', aliases: ['nxp', 'philips'] },
  { cc: 0, id: 0x1f, name: 'Microchip (Atmel)', aliases: ['atmel', 'microchip'] },
];

/** Decodes `[PID4..PID7, PID0..PID3]` (each register's low byte). */
export function romTableIdentity(pids: readonly number[]): RomTableIdentity {
  const [pid4, , , , pid0, pid1, pid2] = pids.map((p) => p & 0xff);
  const part = pid0 | ((pid1 & 0x0f) << 8);
  if (!(pid2 & 0x08)) return { part };
  const designer = { cc: pid4 & 0x0f, id: (pid1 >> 4) | ((pid2 & 0x07) << 4) };
  const known = KNOWN.find((k) => k.cc === designer.cc && k.id === designer.id);
  return { designer, part, ...(known ? { designerName: known.name } : {}) };
}

/** The JEP106 code of a vendor named like `vendor` (a pack's Dvendor), when we know it. */
export function jep106OfVendor(vendor: string): Jep106 | undefined {
  const v = vendor.toLowerCase().replace(/:\d+$/, '').trim();
  const known = KNOWN.find((k) => k.aliases.some((a) => v === a || v.startsWith(`${a} `)));
  return known ? { cc: known.cc, id: known.id } : undefined;
}

/** The name of a known designer. */
export function designerName(code: Jep106): string | undefined {
  return KNOWN.find((k) => k.cc === code.cc && k.id === code.id)?.name;
}
