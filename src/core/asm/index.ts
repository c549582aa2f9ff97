/**
 * WebProg's assembler for device scripts: GNU as syntax, ARMv6-M Thumb, and the device-script
 * link (script.ld), giving the same bytes as binutils. Pure TypeScript (no DOM, no Node).
 */
export {
  assemble,
  type AssembleOptions,
  type AssembleResult,
  type AssembledSection,
  type IncludeResolver,
  type Layout,
  type ListingEntry,
  type SectionInfo,
} from './assembler';
export { assembleDeviceScript, flatBinary, placeScript, scriptLayout, type DeviceScriptBuild } from './link';
export { MNEMONICS } from './thumb';
