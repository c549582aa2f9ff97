/**
 * CMSIS-DAP command ids, DAP_Info ids, transfer request bits, ADIv5 and Cortex-M register
 * addresses. Our own numeric constants: dapjs's enums are ambient `const enum`s that cannot be
 * used with isolatedModules (see the reference notes).
 */

/** CMSIS-DAP command ids. */
export const Cmd = {
  Info: 0x00,
  HostStatus: 0x01,
  Connect: 0x02,
  Disconnect: 0x03,
  TransferConfigure: 0x04,
  Transfer: 0x05,
  TransferBlock: 0x06,
  WriteAbort: 0x08,
  Delay: 0x09,
  ResetTarget: 0x0a,
  SwjPins: 0x10,
  SwjClock: 0x11,
  SwjSequence: 0x12,
  SwdConfigure: 0x13,
} as const;

/** DAP_Info ids. */
export const InfoId = {
  Vendor: 0x01,
  Product: 0x02,
  Serial: 0x03,
  ProtocolVersion: 0x04,
  TargetDeviceVendor: 0x05,
  TargetDeviceName: 0x06,
  FirmwareVersion: 0x09,
  Capabilities: 0xf0,
  PacketCount: 0xfe,
  PacketSize: 0xff,
} as const;

/** DAP_Transfer request bits. */
export const Req = {
  AP: 0x01,
  Read: 0x02,
  ValueMatch: 0x10,
  MatchMask: 0x20,
} as const;

/** SWD acknowledge values in the response byte's bits 2:0. */
export const Ack = { OK: 1, WAIT: 2, FAULT: 4, NO_ACK: 7 } as const;

/** DP register addresses (A[3:2]). */
export const DP = { DPIDR: 0x0, ABORT: 0x0, CTRL_STAT: 0x4, SELECT: 0x8, RDBUFF: 0xc } as const;

/** MEM-AP register addresses (bank × 0x10 + A[3:2]). */
export const AP = { CSW: 0x00, TAR: 0x04, DRW: 0x0c, BD0: 0x10, CFG: 0xf4, BASE: 0xf8, IDR: 0xfc } as const;

/** CTRL/STAT power bits. */
export const CtrlStat = {
  CSYSPWRUPACK: 1 << 31,
  CDBGPWRUPACK: 1 << 29,
  CSYSPWRUPREQ: 1 << 30,
  CDBGPWRUPREQ: 1 << 28,
  STICKYERR: 1 << 5,
} as const;

/** ABORT value clearing every sticky flag. */
export const ABORT_CLEAR_ALL = 0x1e;

/** CSW for 32-bit accesses with single auto-increment (what pyOCD and dapjs write). */
export const CSW_WORD_INC = 0x23000052;
/** CSW size field values. */
export const CswSize = { Byte: 0, Half: 1, Word: 2 } as const;
/** CSW value without size and increment bits. */
export const CSW_BASE = 0x23000040;

/** ADIv5 guarantees TAR auto-increment only inside this many bytes. */
export const TAR_WRAP = 0x400;

/** Cortex-M debug register addresses. */
export const Reg = {
  CPUID: 0xe000ed00,
  AIRCR: 0xe000ed0c,
  DFSR: 0xe000ed30,
  DHCSR: 0xe000edf0,
  DCRSR: 0xe000edf4,
  DCRDR: 0xe000edf8,
  DEMCR: 0xe000edfc,
  DWT_CTRL: 0xe0001000,
  DWT_COMP0: 0xe0001020,
} as const;

/** DHCSR bits and command words. */
export const Dhcsr = {
  KEY: 0xa05f0000,
  C_DEBUGEN: 1 << 0,
  C_HALT: 1 << 1,
  C_STEP: 1 << 2,
  C_MASKINTS: 1 << 3,
  S_REGRDY: 1 << 16,
  S_HALT: 1 << 17,
  S_SLEEP: 1 << 18,
  S_LOCKUP: 1 << 19,
  S_RETIRE_ST: 1 << 24,
  S_RESET_ST: 1 << 25,
} as const;

/** DFSR bits (write 1 to clear). */
export const Dfsr = { HALTED: 1, BKPT: 2, DWTTRAP: 4, VCATCH: 8, EXTERNAL: 16, ALL: 0x1f } as const;

/** DEMCR bits. */
export const Demcr = { VC_CORERESET: 1 << 0, DWTENA: 1 << 24 } as const;

/** AIRCR reset request (VECTKEY + SYSRESETREQ). */
export const AIRCR_SYSRESETREQ = 0x05fa0004;

/** Core register numbers for DCRSR.REGSEL. */
export const CoreReg = { R0: 0, SP: 13, LR: 14, PC: 15, XPSR: 16, MSP: 17, PSP: 18, SPECIAL: 20 } as const;
