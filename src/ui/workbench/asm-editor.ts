/**
 * The CodeMirror 6 editor of the chip workbench: GNU ARM assembly highlighting
 * ({@link gnuArmAsm}) and the line an assembly error names marked. Imported dynamically (by
 * `AsmEditor.svelte`) so CodeMirror is not part of the page's first JavaScript.
 */
import { StreamLanguage } from '@codemirror/language';
import { EditorState, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { editorTheme as theme } from '../shared/editor-theme';
import { gnuArmAsm } from './asm-mode';

/** A mounted editor. */
export interface AsmEditorHandle {
  /** Replaces the text when it differs (a file or example was opened). */
  setText(text: string): void;
  /** Marks the line an error names (undefined: no mark); editing removes the mark. */
  markError(mark: { line: number; message: string } | undefined): void;
  /** Removes the editor. */
  destroy(): void;
}

const setErrorMark = StateEffect.define<{ line: number; message: string } | undefined>();

/** The failing line's decoration (class `asm-error-line`, the message as its title). */
const errorMark: Extension = [
  StateField.define<DecorationSet>({
    create: () => Decoration.none,
    update(marks, tr) {
      let next = tr.docChanged ? Decoration.none : marks;
      for (const effect of tr.effects) {
        if (!effect.is(setErrorMark)) continue;
        const mark = effect.value;
        next =
          !mark || mark.line < 1 || mark.line > tr.state.doc.lines
            ? Decoration.none
            : Decoration.set([
                Decoration.line({
                  class: 'asm-error-line',
                  attributes: { title: mark.message, 'data-testid': 'asm-error-line' },
                }).range(tr.state.doc.line(mark.line).from),
              ]);
      }
      return next;
    },
    provide: (field) => EditorView.decorations.from(field),
  }),
  EditorView.baseTheme({
    '.asm-error-line': {
      backgroundColor: 'color-mix(in srgb, var(--error) 18%, transparent)',
      boxShadow: 'inset 3px 0 0 var(--error)',
    },
  }),
];

/** Mounts an editor in `parent` showing `text`; `onChange` receives the text after each edit. */
export function mountAsmEditor(
  parent: HTMLElement,
  text: string,
  onChange: (text: string) => void,
): AsmEditorHandle {
  let applying = false;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        StreamLanguage.define(gnuArmAsm),
        theme,
        errorMark,
        EditorState.tabSize.of(8),
        EditorView.contentAttributes.of({
          'aria-label': 'Device script (ARM assembly)',
          'data-testid': 'bench-editor-content',
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !applying) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  // A long script scrolls inside the editor: its scroller is reachable by keyboard to scroll it.
  view.scrollDOM.tabIndex = 0;
  return {
    setText(next) {
      if (view.state.doc.toString() === next) return;
      applying = true;
      try {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } });
      } finally {
        applying = false;
      }
    },
    markError(mark) {
      const effects: StateEffect<unknown>[] = [setErrorMark.of(mark)];
      if (mark && mark.line >= 1 && mark.line <= view.state.doc.lines)
        effects.push(EditorView.scrollIntoView(view.state.doc.line(mark.line).from, { y: 'center' }));
      view.dispatch({ effects });
    },
    destroy: () => view.destroy(),
  };
}
