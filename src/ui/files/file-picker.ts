/** Opens the browser's file picker of the app's one file input from any "Open…" button. */

let picker: HTMLInputElement | undefined;

/** Makes `input` the file input "Open…" clicks; returns the undo. */
export function registerFilePicker(input: HTMLInputElement): () => void {
  picker = input;
  return () => {
    if (picker === input) picker = undefined;
  };
}

/** Opens the file picker (call from a click). */
export function openFilePicker(): void {
  picker?.click();
}
