/**
 * Arm's Cortex-M0+ as data (STM32G0, SAMD21): CPUID 0x410CC601 (r0p1), 2 DWT watchpoints,
 * 4 BPU breakpoints, and the PIDs of its ROM table (0xE00FF000), SCS, DWT and BPU as the
 * Cortex-M0+ Technical Reference Manual lists them (part numbers 0x4C0, 0x008, 0x00A, 0x00B).
 */
import type { CoreDescription } from './cortex-m-system';

/** Arm's Cortex-M0+ r0p1. */
export const CORTEX_M0PLUS: CoreDescription = {
  name: 'Cortex-M0+',
  v7m: false,
  fpu: false,
  hasVtor: true,
  cpuid: 0x410cc601,
  dwtComparators: 2,
  fpbCodeComparators: 4,
  fpbLiteralComparators: 0,
  pids: { romTable: 0x4000bb4c0, scs: 0x4000bb008, dwt: 0x4000bb00a, fpb: 0x4000bb00b },
};
