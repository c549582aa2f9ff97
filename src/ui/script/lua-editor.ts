/**
 * The CodeMirror 6 Lua editor of the script panel, with completions generated from the `mp`
 * API specification. Imported dynamically (by `LuaEditor.svelte`) so CodeMirror and the API
 * tables are not part of the page's first JavaScript.
 */
import { snippetCompletion, type Completion, type CompletionContext } from '@codemirror/autocomplete';
import { StreamLanguage } from '@codemirror/language';
import { lua } from '@codemirror/legacy-modes/mode/lua';
import { mpCompletions } from '../../../workers/lua/docs/completions';
import { SPECIAL_GLOBALS } from '../../../workers/lua/special/constants';
import { mountCodeEditor, type CodeEditorHandle } from '../shared/code-editor';

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

/** Mounts an editor in `parent` showing `text`; `onChange` receives the text after each edit. */
export function mountLuaEditor(
  parent: HTMLElement,
  text: string,
  onChange: (text: string) => void,
): CodeEditorHandle {
  return mountCodeEditor(parent, text, {
    language: StreamLanguage.define(lua),
    completions: source(completionOptions()),
    tabSize: 2,
    label: 'Lua script',
    testId: 'script-editor-content',
    // The line a run failed on (class `script-error-line`, the message as its title).
    errorLine: { className: 'script-error-line', attributes: { 'aria-invalid': 'true' } },
    onChange,
  });
}
