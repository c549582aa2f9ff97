/**
 * The CodeMirror 6 editor of the chip workbench: GNU ARM assembly highlighting
 * ({@link gnuArmAsm}) and the line an assembly error names marked. Imported dynamically (by
 * `AsmEditor.svelte`) so CodeMirror is not part of the page's first JavaScript.
 */
import { StreamLanguage } from '@codemirror/language';
import { mountCodeEditor, type CodeEditorHandle } from '../shared/code-editor';
import { gnuArmAsm } from './asm-mode';

/** Mounts an editor in `parent` showing `text`; `onChange` receives the text after each edit. */
export function mountAsmEditor(
  parent: HTMLElement,
  text: string,
  onChange: (text: string) => void,
): CodeEditorHandle {
  return mountCodeEditor(parent, text, {
    language: StreamLanguage.define(gnuArmAsm),
    tabSize: 8,
    label: 'Device script (ARM assembly)',
    testId: 'bench-editor-content',
    // The failing line (class `asm-error-line`, the message as its title).
    errorLine: { className: 'asm-error-line', attributes: { 'data-testid': 'asm-error-line' } },
    // A long script scrolls inside the editor: its scroller is reachable by keyboard to scroll it.
    scrollerFocusable: true,
    onChange,
  });
}
