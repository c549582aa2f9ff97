/**
 * What one session knows, exactly, about the contents of an RL78's flash blocks.
 *
 * Why it can be exact: while the backend holds the chip in flash memory programming mode (from
 * connect to disconnect, reset or loss), the chip runs only its boot firmware, which changes
 * flash only on this session's commands; the user program does not run and no other host is on
 * TOOL0. So a block's contents stay what the session last learned of them: a block it erased
 * (the chip acknowledged Block Erase) or the chip's Block Blank Check found blank holds 0xFF in
 * every byte; a block it programmed whole onto blank flash and confirmed by the chip's Checksum,
 * or that the chip's Verify found equal to the buffer byte for byte, holds those bytes; a block
 * of known contents programmed without erase (`write`, `write_no_blank`), every Programming
 * command acknowledged (each frame's write status and the completion status, the chip's
 * internal verify), holds old AND new ({@link programmedOver}): NOR programming only clears
 * bits, a 1 written over a 0 leaves the 0.
 *
 * The rule for keeping it true: forget a block before any command that changes it, and learn
 * its contents again only from a confirmed outcome. Anything whose result the session cannot
 * know exactly (programming without erase over contents not known; an operation that fails or
 * is cancelled part-way; Security Set or Release) forgets. Knowing a block blank, an erase
 * needs no command for it; knowing it holds anything else, no Blank Check before its erase. A
 * new session starts with nothing known. A chip reset behind the session's back (the board's reset button) leaves
 * programming mode and runs the user program, which may write flash; so before relying on what
 * it knows, `flash` checks with one command the chip must answer that it is still in that mode.
 * The contents are kept as copies of the bytes (1 KiB per block, at most the chip's flash size),
 * so comparing them is exact too.
 */
import type { Rl78Block } from './rl78-blocks';

/**
 * What NOR flash holding `old` holds after `data` (same length) is programmed over it without
 * erase: old AND new (programming only clears bits; a 0xFF byte leaves the cell as it was).
 */
export function programmedOver(old: Uint8Array, data: Uint8Array): Uint8Array {
  if (old.length !== data.length) {
    throw new RangeError(`Programming ${data.length} bytes over ${old.length} known ones.`);
  }
  return old.map((x, i) => x & data[i]);
}

/** How a block's known contents compare with some bytes. */
export type KnownComparison = 'same' | 'different' | 'unknown';

/** Known contents of blocks, by block address; see the module comment. */
export class Rl78KnownContents {
  private readonly blocks = new Map<number, Uint8Array>();

  /** Records that `block` holds exactly `bytes` (copied; `bytes.length` must be its size). */
  remember(block: Rl78Block, bytes: Uint8Array): void {
    if (bytes.length !== block.size) {
      throw new RangeError(`Known contents of ${block.size} bytes expected, ${bytes.length} given.`);
    }
    this.blocks.set(block.address, bytes.slice());
  }

  /** Records that `block` is blank (every byte 0xFF). */
  rememberBlank(block: Rl78Block): void {
    this.blocks.set(block.address, new Uint8Array(block.size).fill(0xff));
  }

  /** Forgets what `block` holds. */
  forget(block: Rl78Block): void {
    this.blocks.delete(block.address);
  }

  /** Forgets every block. */
  forgetAll(): void {
    this.blocks.clear();
  }

  /** A copy of what `block` is known to hold, or undefined when it is not known. */
  contents(block: Rl78Block): Uint8Array | undefined {
    return this.blocks.get(block.address)?.slice();
  }

  /** Whether `block`'s contents are known. */
  isKnown(block: Rl78Block): boolean {
    return this.blocks.has(block.address);
  }

  /** Whether `block` is known to be blank. */
  isBlank(block: Rl78Block): boolean {
    return this.blocks.get(block.address)?.every((x) => x === 0xff) ?? false;
  }

  /** Compares `block`'s known contents with `bytes` (its size): 'unknown' when not known. */
  compare(block: Rl78Block, bytes: Uint8Array): KnownComparison {
    const known = this.blocks.get(block.address);
    if (!known || known.length !== bytes.length) return 'unknown';
    for (let i = 0; i < known.length; i++) if (known[i] !== bytes[i]) return 'different';
    return 'same';
  }

  /** How many blocks are known. */
  get size(): number {
    return this.blocks.size;
  }
}
