/**
 * The CodeMirror theme the app's code editors share (Python in the micro:bit panel, Lua in the
 * script panel): colours from the design tokens, so the editors follow the dark and light themes.
 * Imported only by the editor modules, which are loaded on demand.
 */
import { EditorView } from '@codemirror/view';

/** Editor colours and fonts from the app's CSS variables. */
export const editorTheme = EditorView.theme({
  '&': { height: '100%', backgroundColor: 'var(--bg-input)', color: 'var(--text)' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', fontSize: 'var(--fs-mono)' },
  '.cm-gutters': {
    backgroundColor: 'var(--bg-panel)',
    color: 'var(--text-dim)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine': { backgroundColor: 'transparent' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--bg-hover)' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--text)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: 'var(--mark-bg)' },
});
