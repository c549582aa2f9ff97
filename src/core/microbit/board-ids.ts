/**
 * micro:bit board ids (the first four hex digits of the DAPLink serial number, and the id in
 * Universal Hex Block Start records) and how they map to board versions.
 */
import { WebProgError } from '../errors';
import type { MicrobitVersion } from './board';

/** Board id of micro:bit V1 in Universal Hexes (spec). */
export const MICROBIT_V1_BOARD_ID = 0x9900;
/** Board id of micro:bit V2 in Universal Hexes (spec). */
export const MICROBIT_V2_BOARD_ID = 0x9903;

/** A board named by id or by version. */
export type BoardSelector = number | MicrobitVersion;

/**
 * The version a board id belongs to: 0x9900/0x9901 → V1, 0x9903–0x9906 → V2 (as
 * microbit-connection treats them); undefined for other ids.
 */
export function versionOfBoardId(boardId: number): MicrobitVersion | undefined {
  if (boardId === 0x9900 || boardId === 0x9901) return 'V1';
  if (boardId >= 0x9903 && boardId <= 0x9906) return 'V2';
  return undefined;
}

/**
 * The version a selector names.
 *
 * @throws WebProgError `INVALID_ARGUMENT` for an unknown board id.
 */
export function versionOfBoard(board: BoardSelector): MicrobitVersion {
  if (board === 'V1' || board === 'V2') return board;
  const version = versionOfBoardId(board);
  if (!version) {
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `Board id 0x${board.toString(16).toUpperCase()} is not a micro:bit.`,
    );
  }
  return version;
}
