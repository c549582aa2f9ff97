/**
 * The CodeMirror 6 editor the app's code editors share (Lua in the script panel, ARM assembly in
 * the workbench, Python in the micro:bit panel): the app's theme, an accessible name and test id
 * on the content, the text kept in step with the state without echoing back, the line an error
 * names marked, and a fresh document (own undo history) when another file is shown. Each editor
 * module brings only its own language, completions and indentation. Imported only by those
 * modules, which are loaded on demand, so CodeMirror is not part of the page's first JavaScript.
 */
import { autocompletion, type CompletionSource } from '@codemirror/autocomplete';
import { indentWithTab } from '@codemirror/commands';
import { indentUnit } from '@codemirror/language';
import { EditorState, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, keymap, type DecorationSet } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { editorTheme } from './editor-theme';

/** A line an error names: 1-based line and the error as the mark's title. */
export interface CodeErrorMark {
  line: number;
  message: string;
}

/** What differs between the app's code editors. */
export interface CodeEditorOptions {
  /** The language (highlighting, indentation, its own completions). */
  language: Extension;
  /** Width of a tab character in columns. */
  tabSize: number;
  /** Accessible name of the content (`aria-label`). */
  label: string;
  /** `data-testid` of the content. */
  testId: string;
  /** Replaces the language's completions with this source, when given. */
  completions?: CompletionSource;
  /** Text one indentation level inserts (CodeMirror's default, 2 spaces, when not given). */
  indentUnit?: string;
  /** True: Tab indents (Escape then Tab leaves the editor, CodeMirror's rule for keyboard users). */
  tabIndents?: boolean;
  /** True: the text cannot be edited. */
  readOnly?: boolean;
  /**
   * How a line an error names is marked ({@link CodeEditorHandle.markError}): the line's class,
   * shown with the error colour, and attributes besides its title (the error message). Without
   * it nothing is marked.
   */
  errorLine?: { className: string; attributes?: Record<string, string> };
  /** True: the scroller is reachable by keyboard to scroll a long text. */
  scrollerFocusable?: boolean;
  /** Receives the whole text after each edit by the person (not after `setText` or `open`). */
  onChange(text: string): void;
}

/** A mounted editor. */
export interface CodeEditorHandle {
  /** Replaces the text when it differs (changed from outside); undo history is kept. */
  setText(text: string): void;
  /**
   * Shows another document: a fresh state (its own undo history) with `text`, and the
   * accessible name and read-only flag given.
   */
  open(text: string, changes: { label: string; readOnly: boolean }): void;
  /** Marks the line an error names (undefined: no mark) and scrolls to it; editing removes it. */
  markError(mark: CodeErrorMark | undefined): void;
  /** Selects line `line` (1-based, clamped), scrolls to it and focuses the editor. */
  goToLine(line: number): void;
  /** Moves keyboard focus into the editor. */
  focus(): void;
  /** Removes the editor. */
  destroy(): void;
}

const setErrorMark = StateEffect.define<CodeErrorMark | undefined>();

/** The error line's decoration (class `className`, the message as its title) and colours. */
function errorMarkExtension(className: string, attributes: Record<string, string>): Extension {
  return [
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
                    class: className,
                    attributes: { title: mark.message, ...attributes },
                  }).range(tr.state.doc.line(mark.line).from),
                ]);
        }
        return next;
      },
      provide: (field) => EditorView.decorations.from(field),
    }),
    EditorView.baseTheme({
      [`.${className}`]: {
        backgroundColor: 'color-mix(in srgb, var(--error) 18%, transparent)',
        boxShadow: 'inset 3px 0 0 var(--error)',
      },
    }),
  ];
}

/** Mounts an editor in `parent` showing `text`, as `options` say. */
export function mountCodeEditor(
  parent: HTMLElement,
  text: string,
  options: CodeEditorOptions,
): CodeEditorHandle {
  let applying = false;
  let current = options;
  const errorMark = options.errorLine
    ? errorMarkExtension(options.errorLine.className, options.errorLine.attributes ?? {})
    : [];
  const state = (doc: string): EditorState =>
    EditorState.create({
      doc,
      extensions: [
        basicSetup,
        current.language,
        current.completions ? autocompletion({ override: [current.completions] }) : [],
        editorTheme,
        errorMark,
        current.indentUnit !== undefined ? indentUnit.of(current.indentUnit) : [],
        EditorState.tabSize.of(current.tabSize),
        current.tabIndents ? keymap.of([indentWithTab]) : [],
        current.readOnly ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : [],
        EditorView.contentAttributes.of({ 'aria-label': current.label, 'data-testid': current.testId }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !applying) current.onChange(update.state.doc.toString());
        }),
      ],
    });
  const view = new EditorView({ parent, state: state(text) });
  if (options.scrollerFocusable) view.scrollDOM.tabIndex = 0;
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
    open(next, { label, readOnly }) {
      current = { ...current, label, readOnly };
      view.setState(state(next));
    },
    markError(mark) {
      if (!options.errorLine) return;
      const effects: StateEffect<unknown>[] = [setErrorMark.of(mark)];
      if (mark && mark.line >= 1 && mark.line <= view.state.doc.lines)
        effects.push(EditorView.scrollIntoView(view.state.doc.line(mark.line).from, { y: 'center' }));
      view.dispatch({ effects });
    },
    goToLine(line) {
      const doc = view.state.doc;
      const target = doc.line(Math.min(Math.max(1, Math.round(line)), doc.lines));
      view.dispatch({
        selection: { anchor: target.from, head: target.to },
        effects: EditorView.scrollIntoView(target.from, { y: 'center' }),
      });
      view.focus();
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
