/**
 * micro:bit support: board identity, the layout descriptions in MicroPython hexes (V1 UICR
 * block, V2 Flash Regions Table), the MicroPython filesystem and the hexes that carry it.
 *
 * Start with {@link MicroPythonFs}: build it from the bundled V1 and V2 MicroPython hexes
 * (`MicroPythonFs.fromHexes`) or from a hex a user opened (`MicroPythonFs.fromHex`), edit the
 * files, then `exportUniversalHex()` to save or `exportIntelHex(boardId)` /
 * `exportData(boardId)` to flash one board.
 */
export * from './board';
export {
  MICROBIT_V1_BOARD_ID,
  MICROBIT_V2_BOARD_ID,
  type BoardSelector,
  versionOfBoard,
  versionOfBoardId,
} from './board-ids';
export type { DeviceMemInfo, MemInfoSource } from './device-mem-info';
export {
  FLASH_REGIONS_MAGIC_1,
  FLASH_REGIONS_MAGIC_2,
  type FlashRegion,
  type FlashRegionsHeader,
  type FlashRegionsTable,
  RegionHashType,
  RegionId,
  getHexMapFlashRegionsData,
  getIntelHexFlashRegionsData,
  readFlashRegionsMemInfo,
  readFlashRegionsTable,
} from './flash-regions';
export {
  UICR_MICROPYTHON_ADDRESS,
  type UicrMicroPythonBlock,
  getHexMapUicrData,
  getIntelHexUicrData,
  hasMicroPythonUicr,
  readUicrBlock,
  readUicrMemInfo,
} from './uicr';
export { getDeviceMemInfo, isMakeCodeHexText } from './device-memory';
export { APPENDED_SCRIPT_ADDRESS, readAppendedScript, writeAppendedScript } from './appended-script';
export {
  CHUNK_LENGTH,
  CHUNK_DATA_LENGTH,
  MAX_FILENAME_BYTES,
  encodeFileName,
  fileChunkCount,
  fileFlashSize,
  readFsArea,
} from './fs-chunks';
export { type FsLayout, fsLayout } from './fs-layout';
export { type DataFiles, type LoadedHex, MAIN_FILE, loadMicroPythonHex, readFilesFromData } from './fs-hex';
export { type EncodedFile, MicroPythonImage } from './micropython-image';
export {
  type FsFileInfo,
  type ImportOptions,
  MicroPythonFs,
  type MicroPythonFsOptions,
} from './micropython-fs';
