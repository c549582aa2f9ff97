/**
 * File formats: Intel Hex, micro:bit Universal Hex, Motorola S-records, raw binary, UF2 and ELF. Open any of
 * them with {@link loadFile} (format detected by content, then extension) and save sparse
 * data with {@link saveFile}; the per-format functions are exported too.
 *
 * @example
 * const file = loadFile('firmware.hex', bytes);
 * for (const w of file.warnings) console.warn(w);
 * const uf2 = saveFile(file.data, 'uf2', { familyId: 0x621e937a });
 */
export type { FileFormat, SaveFormat, LoadOptions, LoadedFile, SaveOptions } from './types';
export { loadFile, saveFile } from './load-save';
export { detectFormat } from './detect';
export { normaliseHex, isCleanHex } from './normalise-hex';
export type { NormalisedHex } from './normalise-hex';
export { parseIntelHex, readIntelHex, writeIntelHex } from './intel-hex';
export { parseIntelHexStrict } from './intel-hex-strict';
export { isUniversalHex, splitUniversalHex, readUniversalHex, selectBoard } from './universal-hex';
export type { UniversalHexPart, UniversalHexBoard, UniversalHexContents } from './universal-hex';
export { createUniversalHex } from './universal-hex-create';
export type { UniversalHexLayout } from './universal-hex-create';
export { parseUf2, readUf2, writeUf2, uf2Family, UF2_FAMILIES } from './uf2';
export type { Uf2Family, Uf2Contents } from './uf2';
export { parseElf, isElf } from './elf';
export { readBin, writeBin } from './bin';
export { readSrec, writeSrec, looksLikeSrec } from './srec';
export type { SrecContents, SrecWriteOptions } from './srec';
