// @vitest-environment jsdom
import { StreamLanguage } from '@codemirror/language';
import { lua } from '@codemirror/legacy-modes/mode/lua';
import { EditorView } from '@codemirror/view';
import { afterEach, describe, expect, it } from 'vitest';
import { mountCodeEditor, type CodeEditorHandle, type CodeEditorOptions } from './code-editor';

let editor: CodeEditorHandle | undefined;
afterEach(() => {
  editor?.destroy();
  editor = undefined;
  document.body.replaceChildren();
});

function mount(text: string, extra: Partial<CodeEditorOptions> = {}) {
  const parent = document.createElement('div');
  document.body.append(parent);
  const changes: string[] = [];
  editor = mountCodeEditor(parent, text, {
    language: StreamLanguage.define(lua),
    tabSize: 2,
    label: 'Lua script',
    testId: 'code',
    errorLine: { className: 'x-error-line', attributes: { 'data-testid': 'x-error' } },
    onChange: (t) => changes.push(t),
    ...extra,
  });
  const content = () => parent.querySelector<HTMLElement>('[data-testid="code"]')!;
  return { parent, changes, content, editor };
}

/** Types `text` at the end of the document as the person would (an edit through the view). */
function type(parent: HTMLElement, text: string): void {
  const view = EditorView.findFromDOM(parent.querySelector<HTMLElement>('.cm-editor')!)!;
  view.dispatch({ changes: { from: view.state.doc.length, insert: text }, userEvent: 'input.type' });
}

describe('mountCodeEditor', () => {
  it('labels the content and shows the text', () => {
    const { content } = mount('print(1)\n');
    expect(content().getAttribute('aria-label')).toBe('Lua script');
    expect(content().textContent).toContain('print(1)');
  });

  it('reports edits by the person but not text set from outside', () => {
    const { parent, changes, editor } = mount('a');
    editor.setText('b');
    editor.setText('b');
    expect(changes).toEqual([]);
    type(parent, 'c');
    expect(changes).toEqual(['bc']);
  });

  it('marks the line an error names, with its message as title; an edit removes the mark', () => {
    const { parent, editor } = mount('one\ntwo\nthree');
    editor.markError({ line: 2, message: 'bad two' });
    const marked = parent.querySelectorAll('.x-error-line');
    expect(marked).toHaveLength(1);
    expect(marked[0].textContent).toBe('two');
    expect(marked[0].getAttribute('title')).toBe('bad two');
    expect(marked[0].getAttribute('data-testid')).toBe('x-error');
    editor.markError({ line: 9, message: 'past the end' });
    expect(parent.querySelectorAll('.x-error-line')).toHaveLength(0);
    editor.markError({ line: 1, message: 'bad one' });
    expect(parent.querySelector('.x-error-line')?.textContent).toBe('one');
    type(parent, '!');
    expect(parent.querySelectorAll('.x-error-line')).toHaveLength(0);
  });

  it('marks nothing without an error line class', () => {
    const { parent, editor } = mount('one', { errorLine: undefined });
    editor.markError({ line: 1, message: 'bad' });
    expect(parent.querySelector('[title="bad"]')).toBeNull();
  });

  it('opens another document with its own label and read-only flag', () => {
    const { parent, changes, content, editor } = mount('first');
    editor.open('second', { label: 'Python code of lib.py', readOnly: true });
    expect(changes).toEqual([]);
    expect(content().textContent).toBe('second');
    expect(content().getAttribute('aria-label')).toBe('Python code of lib.py');
    expect(content().getAttribute('contenteditable')).toBe('false');
    editor.open('third', { label: 'Python code of main.py', readOnly: false });
    expect(content().getAttribute('contenteditable')).toBe('true');
    type(parent, '!');
    expect(changes).toEqual(['third!']);
  });

  it('makes the scroller focusable only when asked', () => {
    expect(mount('x').parent.querySelector<HTMLElement>('.cm-scroller')!.tabIndex).toBe(-1);
    editor?.destroy();
    const { parent } = mount('x', { scrollerFocusable: true });
    expect(parent.querySelector<HTMLElement>('.cm-scroller')!.tabIndex).toBe(0);
  });
});
