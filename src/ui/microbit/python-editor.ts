/**
 * The CodeMirror 6 Python editor of the micro:bit panel. This module is imported dynamically
 * (by `PythonEditor.svelte`) so CodeMirror is not part of the page's first JavaScript.
 */
import { basicSetup } from 'codemirror';
import { indentWithTab } from '@codemirror/commands';
import { python } from '@codemirror/lang-python';
import { indentUnit } from '@codemirror/language';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { editorTheme as theme } from '../shared/editor-theme';

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
  let current = '';
  let applying = false;
  const extensions = (name: string, readOnly: boolean): Extension[] => [
    basicSetup,
    python(),
    theme,
    // Python's convention (PEP 8) and the micro:bit editors': indent by 4 spaces, Tab indents
    // (Escape then Tab leaves the editor, CodeMirror's rule for keyboard users).
    indentUnit.of('    '),
    EditorState.tabSize.of(4),
    keymap.of([indentWithTab]),
    EditorState.readOnly.of(readOnly),
    EditorView.editable.of(!readOnly),
    EditorView.contentAttributes.of({
      'aria-label': `Python code of ${name}`,
      'data-testid': 'mb-editor-content',
    }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged && !applying) onChange(name, update.state.doc.toString());
    }),
  ];
  const view = new EditorView({ parent });
  let currentReadOnly = false;
  return {
    show(name, content, readOnly) {
      if (name !== current || readOnly !== currentReadOnly) {
        current = name;
        currentReadOnly = readOnly;
        view.setState(EditorState.create({ doc: content, extensions: extensions(name, readOnly) }));
        return;
      }
      if (view.state.doc.toString() === content) return;
      applying = true;
      try {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: content } });
      } finally {
        applying = false;
      }
    },
    focus: () => view.focus(),
    goToLine(line) {
      const doc = view.state.doc;
      const target = doc.line(Math.min(Math.max(1, Math.round(line)), doc.lines));
      view.dispatch({
        selection: { anchor: target.from, head: target.to },
        effects: EditorView.scrollIntoView(target.from, { y: 'center' }),
      });
      view.focus();
    },
    destroy: () => view.destroy(),
  };
}
