/** Turns files picked in the browser (input or drop) into names and bytes for the app state. */
import type { FileInput } from '../../state/files.svelte';

/** Reads every file's bytes, keeping their order. */
export async function readFiles(files: Iterable<File>): Promise<FileInput[]> {
  return Promise.all(
    [...files].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
  );
}

/** True when a drag carries files (not text or a link). */
export function dragHasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}
