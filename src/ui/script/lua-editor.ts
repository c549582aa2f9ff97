/**
 * The CodeMirror 6 Lua editor of the script panel, with completions generated from the `mp`
 * API specification. Imported dynamically (by `LuaEditor.svelte`) so CodeMirror and the API
 * tables are not part of the page's first JavaScript.
 */
import {
  autocompletion,
  snippetCompletion,
  type Completion,
  type CompletionContext,
} from '@codemirror/autocomplete';
import { StreamLanguage } from '@codemirror/language';
import { lua } from '@codemirror/legacy-modes/mode/lua';
import { EditorState, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { mpCompletions } from '../../../workers/lua/docs/completions';
import { SPECIAL_GLOBALS } from '../../../workers/lua/special/constants';
import { editorTheme as theme } from '../shared/editor-theme';

/** A mounted editor. */
export interface LuaEditorHandle {
  /** Replaces the text when it differs (an example or file was opened). */
  setText(text: string): void;
  /** Marks the line a run failed on (undefined: no mark); editing the text removes the mark. */
  markError(mark: { line: number; message: string } | undefined): void;
  /** Moves keyboard focus into the editor. */
  focus(): void;
  /** Removes the editor. */
  destroy(): void;
}

/** The CortexProg special-script functions (globals), for completion. */
const SPECIAL_FUNCTIONS = [
  'dbgSwdRead(ap, a23)',
  'dbgSwdWrite(ap, a23, val)',
  'cpuWordRead(addr)',
  'cpuWordWrite(addr, val)',
  'cpuRegGet(regNo)',
  'cpuRegSet(regNo, val)',
  'cpuStop()',
  'cpuReset()',
  'cpuGo()',
  'cpuStep()',
  'cpuIsStoppedAndWhy()',
  'cpuHasFpu()',
  'cpuIsV7()',
  'scriptGetFlashWriteStageAreaAddr()',
  'scriptGetSupportedOps()',
  'scriptGetFlashBlockSize(base, forWrite)',
  'scriptEraseAll()',
  'scriptEraseBlock(base)',
  'scriptWriteBlock(base)',
];

/** Converts the spec's `${1:name}` snippets (already CodeMirror's syntax) into completions. */
function completionOptions(): Completion[] {
  const api = mpCompletions().map((c) =>
    snippetCompletion(c.insertText, {
      label: c.label,
      type: c.kind === 'module' ? 'namespace' : 'function',
      detail: c.detail.slice(c.label.length),
      info: c.documentation,
    }),
  );
  const special = SPECIAL_FUNCTIONS.map((signature) => {
    const name = signature.slice(0, signature.indexOf('('));
    const params = signature
      .slice(name.length + 1, -1)
      .split(', ')
      .filter(Boolean);
    return snippetCompletion(`${name}(${params.map((p, i) => `\${${i + 1}:${p}}`).join(', ')})`, {
      label: name,
      type: 'function',
      detail: signature.slice(name.length),
      info: 'CortexProg special-script function (nil on failure).',
    });
  });
  const constants = Object.entries(SPECIAL_GLOBALS).map(([label, value]) => ({
    label,
    type: 'constant',
    detail: `= 0x${value.toString(16)}`,
  }));
  return [...api, ...special, ...constants];
}

/** Completes dotted names such as `mp.backend.con` and the special-script globals. */
function source(options: Completion[]) {
  return (context: CompletionContext) => {
    const word = context.matchBefore(/[A-Za-z_][\w.]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    return { from: word.from, options, validFor: /^[\w.]*$/ };
  };
}

const setErrorMark = StateEffect.define<{ line: number; message: string } | undefined>();

/** The failed line's decoration (class `script-error-line`, the message as its title). */
const errorMark: Extension = [
  StateField.define<DecorationSet>({
    create: () => Decoration.none,
    update(marks, tr) {
      let next = tr.docChanged ? Decoration.none : marks;
      for (const effect of tr.effects) {
        if (!effect.is(setErrorMark)) continue;
        const mark = effect.value;
        if (!mark || mark.line < 1 || mark.line > tr.state.doc.lines) {
          next = Decoration.none;
          continue;
        }
        const line = tr.state.doc.line(mark.line);
        next = Decoration.set([
          Decoration.line({
            class: 'script-error-line',
            attributes: { title: mark.message, 'aria-invalid': 'true' },
          }).range(line.from),
        ]);
      }
      return next;
    },
    provide: (field) => EditorView.decorations.from(field),
  }),
  EditorView.baseTheme({
    '.script-error-line': {
      backgroundColor: 'color-mix(in srgb, var(--error) 18%, transparent)',
      boxShadow: 'inset 3px 0 0 var(--error)',
    },
  }),
];

/** Mounts an editor in `parent` showing `text`; `onChange` receives the text after each edit. */
export function mountLuaEditor(
  parent: HTMLElement,
  text: string,
  onChange: (text: string) => void,
): LuaEditorHandle {
  let applying = false;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        StreamLanguage.define(lua),
        autocompletion({ override: [source(completionOptions())] }),
        theme,
        errorMark,
        EditorState.tabSize.of(2),
        EditorView.contentAttributes.of({
          'aria-label': 'Lua script',
          'data-testid': 'script-editor-content',
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !applying) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
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
      if (mark && mark.line >= 1 && mark.line <= view.state.doc.lines) {
        effects.push(EditorView.scrollIntoView(view.state.doc.line(mark.line).from, { y: 'center' }));
      }
      view.dispatch({ effects });
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
