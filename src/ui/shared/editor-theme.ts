/**
 * The CodeMirror theme the app's code editors share (Python in the micro:bit panel, Lua in the
 * script panel, assembly in the workbench): colours from the design tokens, so the editors follow
 * the dark and light themes. Imported only by `code-editor.ts`, which is loaded on demand.
 */
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';

/**
 * Syntax colours from the `--syntax-*` tokens of `theme.css`, chosen for at least 4.5:1 contrast
 * on the editor's backgrounds in both themes (CodeMirror's default style is made for light
 * backgrounds only). It replaces the default style, which `basicSetup` adds only as a fallback.
 */
const syntaxColours = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.moduleKeyword, t.operatorKeyword], color: 'var(--syntax-keyword)' },
  { tag: [t.string, t.special(t.string), t.regexp, t.escape, t.character], color: 'var(--syntax-string)' },
  { tag: [t.number, t.bool, t.null, t.atom, t.literal, t.unit], color: 'var(--syntax-number)' },
  {
    tag: [t.comment, t.lineComment, t.blockComment, t.docComment],
    color: 'var(--syntax-comment)',
    fontStyle: 'italic',
  },
  {
    tag: [t.function(t.variableName), t.function(t.propertyName), t.standard(t.variableName), t.macroName],
    color: 'var(--syntax-function)',
  },
  {
    tag: [t.definition(t.variableName), t.definition(t.propertyName), t.typeName, t.className, t.namespace],
    color: 'var(--syntax-definition)',
  },
  { tag: [t.propertyName, t.attributeName, t.labelName], color: 'var(--syntax-property)' },
  { tag: [t.meta, t.processingInstruction, t.annotation, t.self], color: 'var(--syntax-meta)' },
  { tag: [t.special(t.variableName), t.local(t.variableName)], color: 'var(--syntax-definition)' },
  { tag: t.invalid, color: 'var(--error)' },
  { tag: t.emphasis, fontStyle: 'italic' },
  { tag: t.strong, fontWeight: 'bold' },
  { tag: t.link, textDecoration: 'underline' },
]);

/** Editor colours, fonts and syntax colours from the app's CSS variables. */
export const editorTheme: Extension = [
  syntaxHighlighting(syntaxColours),
  EditorView.theme({
    '&': { height: '100%', backgroundColor: 'var(--bg-input)', color: 'var(--text)' },
    '.cm-scroller': { fontFamily: 'var(--font-mono)', fontSize: 'var(--fs-mono)' },
    '.cm-gutters': {
      backgroundColor: 'var(--bg-panel)',
      color: 'var(--text-muted)',
      borderRight: '1px solid var(--border)',
    },
    '.cm-activeLine': { backgroundColor: 'transparent' },
    '.cm-activeLineGutter': { backgroundColor: 'var(--bg-hover)' },
    '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--text)' },
    '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: 'var(--mark-bg)' },
  }),
];
