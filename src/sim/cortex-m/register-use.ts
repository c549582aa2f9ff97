/**
 * Which registers and flags a Thumb instruction reads and which it writes, as the simulated
 * core (rp2040js, and {@link FastThumb} which executes the same way) executes it: what the
 * idle-loop fast-forward needs to know which parts of the core an iteration depends on and
 * which it sets. A mask has r0–r14 in bits 0–14 and the flags N, Z, C, V in bits 16–19; the PC
 * is left out (a loop iteration starts and ends at the same PC, and reading it gives a
 * constant). The answer may claim more reads than the instruction makes, never fewer; a write
 * that depends on a value (a flag a shift by a register leaves alone when the amount is 0) is
 * also a read. Instructions that change anything else (special registers, the mode, an
 * exception return), or that the core does not implement, are {@link USE_ALL}.
 */

/** Bit of the N flag in a use mask (Z, C, V follow). */
export const FLAG_N = 1 << 16;
/** Bit of the Z flag in a use mask. */
export const FLAG_Z = 1 << 17;
/** Bit of the C flag in a use mask. */
export const FLAG_C = 1 << 18;
/** Bit of the V flag in a use mask. */
export const FLAG_V = 1 << 19;
/** The bits of r0–r14 in a use mask. */
export const USE_REGISTERS = 0x7fff;
/** The bits of the four flags in a use mask. */
export const USE_FLAGS = FLAG_N | FLAG_Z | FLAG_C | FLAG_V;
/** Every register and flag. */
export const USE_ALL = USE_REGISTERS | USE_FLAGS;

const NZ = FLAG_N | FLAG_Z;
const NZC = NZ | FLAG_C;
const NZCV = NZC | FLAG_V;
const SP = 1 << 13;
const LR = 1 << 14;

/** Flags read by a conditional branch, by `cond >> 1` (as rp2040js's `checkCondition`). */
const CONDITION_READS = [FLAG_Z, FLAG_C, FLAG_N, FLAG_V, FLAG_C | FLAG_Z, FLAG_N | FLAG_V, NZ | FLAG_V, 0];

/** What one instruction reads and writes ({@link decodeRegisterUse}). */
export interface RegisterUse {
  /** Registers and flags whose values the instruction uses. */
  reads: number;
  /** Registers and flags the instruction sets. */
  writes: number;
}

/** True for the first halfword of a 32-bit Thumb instruction. */
export function isWideOpcode(opcode: number): boolean {
  return opcode >> 12 === 0b1111 || opcode >> 11 === 0b11101;
}

/**
 * Sets `out` to what the instruction `opcode` (`opcode2`, its second halfword if it is 32-bit)
 * reads and writes. `handlerMode`: the core is in Handler mode, where BX and POP {PC} can
 * return from an exception (restoring registers from the stack): then they use everything.
 */
export function decodeRegisterUse(
  opcode: number,
  opcode2: number,
  handlerMode: boolean,
  out: RegisterUse,
): void {
  let reads = USE_ALL;
  let writes = USE_ALL;
  const rd = 1 << (opcode & 7); // Rd / Rdn / Rt of most 16-bit encodings
  const rn = 1 << ((opcode >> 3) & 7); // Rn / Rm in bits 5:3
  const rm6 = 1 << ((opcode >> 6) & 7); // Rm in bits 8:6
  const r8 = 1 << ((opcode >> 8) & 7); // Rd / Rn / Rt in bits 10:8
  if (isWideOpcode(opcode)) {
    if (opcode >> 11 === 0b11110 && opcode2 >> 14 === 0b11 && ((opcode2 >> 12) & 1) === 1) {
      reads = 0; // BL
      writes = LR;
    } else if (
      opcode === 0xf3bf &&
      ((opcode2 & 0xfff0) === 0x8f50 || (opcode2 & 0xfff0) === 0x8f40 || (opcode2 & 0xfff0) === 0x8f60)
    ) {
      reads = writes = 0; // DMB, DSB, ISB
    } // MRS, MSR, UDF.W and the rest: everything
  } else if (opcode >> 6 === 0b0100000101 || opcode >> 6 === 0b0100000110) {
    reads = rd | rn | FLAG_C; // ADCS, SBCS
    writes = rd | NZCV;
  } else if (opcode >> 11 === 0b10101) {
    reads = SP; // ADD Rd, SP, #imm
    writes = r8;
  } else if (opcode >> 7 === 0b101100000 || opcode >> 7 === 0b101100001) {
    reads = writes = SP; // ADD SP, #imm / SUB SP, #imm
  } else if (opcode >> 9 === 0b0001110 || opcode >> 9 === 0b0001111) {
    reads = rn; // ADDS / SUBS Rd, Rn, #imm3
    writes = rd | NZCV;
  } else if (opcode >> 11 === 0b00110 || opcode >> 11 === 0b00111) {
    reads = r8; // ADDS / SUBS Rdn, #imm8
    writes = r8 | NZCV;
  } else if (opcode >> 9 === 0b0001100 || opcode >> 9 === 0b0001101) {
    reads = rn | rm6; // ADDS / SUBS Rd, Rn, Rm
    writes = rd | NZCV;
  } else if (opcode >> 8 === 0b01000100) {
    const rdn = 1 << (((opcode & 0x80) >> 4) | (opcode & 7)); // ADD Rdn, Rm (high registers)
    reads = rdn | (1 << ((opcode >> 3) & 0xf));
    writes = rdn;
  } else if (opcode >> 11 === 0b10100) {
    reads = 0; // ADR
    writes = r8;
  } else if (
    opcode >> 6 === 0b0100000000 || // ANDS
    opcode >> 6 === 0b0100000001 || // EORS
    opcode >> 6 === 0b0100001100 || // ORRS
    opcode >> 6 === 0b0100001110 || // BICS
    opcode >> 6 === 0b0100001101 // MULS
  ) {
    reads = rd | rn;
    writes = rd | NZ;
  } else if (opcode >> 11 === 0b00010 || opcode >> 11 === 0b00001) {
    reads = rn; // ASRS / LSRS Rd, Rm, #imm (C always set)
    writes = rd | NZC;
  } else if (opcode >> 11 === 0b00000) {
    reads = rn; // LSLS Rd, Rm, #imm: C set unless the shift is 0 (MOVS Rd, Rm)
    writes = rd | ((opcode >> 6) & 0x1f ? NZC : NZ);
  } else if (opcode >> 6 === 0b0100000100 || opcode >> 6 === 0b0100000011 || opcode >> 6 === 0b0100000111) {
    reads = rd | rn; // ASRS, LSRS, RORS by register: rp2040js sets C whatever the amount
    writes = rd | NZC;
  } else if (opcode >> 6 === 0b0100000010) {
    reads = rd | rn | FLAG_C; // LSLS by register: C kept when the amount is 0
    writes = rd | NZC;
  } else if (opcode >> 12 === 0b1101 && ((opcode >> 9) & 7) !== 0b111) {
    reads = CONDITION_READS[(opcode >> 9) & 7]; // B<cond>
    writes = 0;
  } else if (opcode >> 11 === 0b11100) {
    reads = writes = 0; // B
  } else if (opcode >> 7 === 0b010001111 && (opcode & 7) === 0) {
    reads = 1 << ((opcode >> 3) & 0xf); // BLX Rm
    writes = LR;
  } else if (opcode >> 7 === 0b010001110 && (opcode & 7) === 0) {
    if (!handlerMode) {
      reads = 1 << ((opcode >> 3) & 0xf); // BX Rm
      writes = 0;
    }
  } else if (opcode >> 6 === 0b0100001011 || opcode >> 6 === 0b0100001010) {
    reads = rd | rn; // CMN, CMP (low registers)
    writes = NZCV;
  } else if (opcode >> 11 === 0b00101) {
    reads = r8; // CMP Rn, #imm8
    writes = NZCV;
  } else if (opcode >> 8 === 0b01000101) {
    reads = (1 << (((opcode >> 4) & 8) | (opcode & 7))) | (1 << ((opcode >> 3) & 0xf)); // CMP (high)
    writes = NZCV;
  } else if (opcode >> 11 === 0b11001) {
    const list = opcode & 0xff; // LDMIA Rn!, {list}
    reads = r8;
    writes = list | (list & r8 ? 0 : r8);
  } else if (
    opcode >> 11 === 0b01101 || // LDR Rt, [Rn, #imm]
    opcode >> 11 === 0b01111 || // LDRB
    opcode >> 11 === 0b10001 // LDRH
  ) {
    reads = rn;
    writes = rd;
  } else if (opcode >> 11 === 0b10011) {
    reads = SP; // LDR Rt, [SP, #imm]
    writes = r8;
  } else if (opcode >> 11 === 0b01001) {
    reads = 0; // LDR Rt, [PC, #imm]
    writes = r8;
  } else if (
    opcode >> 9 === 0b0101100 || // LDR Rt, [Rn, Rm]
    opcode >> 9 === 0b0101110 || // LDRB
    opcode >> 9 === 0b0101101 || // LDRH
    opcode >> 9 === 0b0101011 || // LDRSB
    opcode >> 9 === 0b0101111 // LDRSH
  ) {
    reads = rn | rm6;
    writes = rd;
  } else if (opcode >> 8 === 0b01000110) {
    reads = 1 << ((opcode >> 3) & 0xf); // MOV Rd, Rm (high registers)
    writes = 1 << (((opcode >> 4) & 8) | (opcode & 7));
  } else if (opcode >> 11 === 0b00100) {
    reads = 0; // MOVS Rd, #imm8
    writes = r8 | NZ;
  } else if (opcode >> 6 === 0b0100001111) {
    reads = rn; // MVNS
    writes = rd | NZ;
  } else if (opcode >> 9 === 0b1011110) {
    if (!(opcode & 0x100) || !handlerMode) {
      reads = SP; // POP {list} / POP {list, PC}
      writes = (opcode & 0xff) | SP;
    }
  } else if (opcode >> 9 === 0b1011010) {
    reads = SP | (opcode & 0xff) | (opcode & 0x100 ? LR : 0); // PUSH
    writes = SP;
  } else if (
    opcode >> 6 === 0b1011101000 || // REV
    opcode >> 6 === 0b1011101001 || // REV16
    opcode >> 6 === 0b1011101011 || // REVSH
    opcode >> 6 === 0b1011001001 || // SXTB
    opcode >> 6 === 0b1011001000 || // SXTH
    opcode >> 6 === 0b1011001011 || // UXTB
    opcode >> 6 === 0b1011001010 // UXTH
  ) {
    reads = rn;
    writes = rd;
  } else if (opcode >> 6 === 0b0100001001) {
    reads = rn; // NEGS
    writes = rd | NZCV;
  } else if (opcode === 0xbf00 || opcode === 0xbf10 || opcode === 0xbf40) {
    reads = writes = 0; // NOP, YIELD, SEV (rp2040js: no effect)
  } else if (opcode >> 11 === 0b11000) {
    const list = opcode & 0xff; // STMIA Rn!, {list}
    reads = r8 | list;
    writes = list & r8 ? 0 : r8;
  } else if (
    opcode >> 11 === 0b01100 || // STR Rt, [Rn, #imm]
    opcode >> 11 === 0b01110 || // STRB
    opcode >> 11 === 0b10000 // STRH
  ) {
    reads = rd | rn;
    writes = 0;
  } else if (opcode >> 11 === 0b10010) {
    reads = r8 | SP; // STR Rt, [SP, #imm]
    writes = 0;
  } else if (opcode >> 9 === 0b0101000 || opcode >> 9 === 0b0101010 || opcode >> 9 === 0b0101001) {
    reads = rd | rn | rm6; // STR / STRB / STRH Rt, [Rn, Rm]
    writes = 0;
  } else if (opcode >> 6 === 0b0100001000) {
    reads = rd | rn; // TST
    writes = NZ;
  } // BKPT, UDF, SVC, CPSID/CPSIE, WFE, WFI and what rp2040js does not implement: everything
  out.reads = reads & USE_ALL;
  out.writes = writes & USE_ALL;
}
