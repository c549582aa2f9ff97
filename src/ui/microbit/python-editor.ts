/**
 * The CodeMirror 6 Python editor of the micro:bit panel. This module is imported dynamically
 * (by `PythonEditor.svelte`) so CodeMirror is not part of the page's first JavaScript.
 */
import { python } from '@codemirror/lang-python';
import { mountCodeEditor } from '../shared/code-editor';

/** A mounted editor showing one file at a time. */
export interface PythonEditorHandle {
  /**
   * Shows file `name` with `content`. Another file starts a fresh state (its own undo
   * history); the same file only has its text replaced when it changed from outside.
   */
  show(name: string, content: string, readOnly: boolean): void;
  /** Moves keyboard focus into the editor. */
  focus(): void;
  /** Selects line `line` (1-based, clamped) of the file shown, scrolls to it and focuses. */
  goToLine(line: number): void;
  /** Removes the editor. */
  destroy(): void;
}

/**
 * Mounts an editor in `parent`. `onChange(name, content)` receives the whole document after
 * each edit by the person (not after {@link PythonEditorHandle.show}).
 */
export function mountPythonEditor(
  parent: HTMLElement,
  onChange: (name: string, content: string) => void,
): PythonEditorHandle {
  let shown: { name: string; readOnly: boolean } | undefined;
  const editor = mountCodeEditor(parent, '', {
    language: python(),
    // Python's convention (PEP 8) and the micro:bit editors': indent by 4 spaces, Tab indents.
    indentUnit: '    ',
    tabSize: 4,
    tabIndents: true,
    label: 'Python code',
    testId: 'mb-editor-content',
    onChange: (text) => {
      if (shown) onChange(shown.name, text);
    },
  });
  return {
    show(name, content, readOnly) {
      if (name !== shown?.name || readOnly !== shown.readOnly) {
        shown = { name, readOnly };
        editor.open(content, { label: `Python code of ${name}`, readOnly });
      } else editor.setText(content);
    },
    focus: editor.focus,
    goToLine: editor.goToLine,
    destroy: editor.destroy,
  };
}
