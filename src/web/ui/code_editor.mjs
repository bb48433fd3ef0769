// The editor's JavaScript half: CodeMirror 6, bundled by esbuild into `editor.js` at build time
// (scripts/post-build) and imported by the page the first time a file is opened
// (`web::ui::code_editor`). It owns the text being typed, its undo history, search, folding
// and bracket matching; the page owns everything else. Diagnostics and quick fixes come from
// the page: a fix's action only tells the page which problem's fix was chosen, and the page
// sends back the edits, applied here as one transaction, so one undo takes the whole fix back.
//
// The editor lives in a shadow root of its host element: there CodeMirror's styles are
// constructed style sheets, which the page's Content-Security-Policy (`style-src 'self'`, no
// inline styles) allows, where in the document they would be refused `<style>` elements. Its
// colours are the page's own CSS variables, which cross the shadow boundary, so both themes
// apply.
import { EditorView, keymap } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { basicSetup } from 'codemirror';
import { indentWithTab, isolateHistory } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';

/** The page's look, in its CSS variables. */
const theme = EditorView.theme({
  '&': { height: 'clamp(14rem, 55vh, 36rem)', resize: 'vertical', overflow: 'hidden', fontSize: '0.82rem', backgroundColor: 'var(--bg)', color: 'var(--fg)' },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '-2px' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', lineHeight: '1.45' },
  '.cm-gutters': { backgroundColor: 'var(--pane)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 8%, transparent)' },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: 'var(--mark)' },
  '.cm-panels, .cm-tooltip, .cm-tooltip-lint': { backgroundColor: 'var(--pane)', color: 'var(--fg)', borderColor: 'var(--border)' },
  '.cm-panels input, .cm-panels button, .cm-panels label': { color: 'var(--fg)', fontSize: '0.8rem' },
  '.cm-matchingBracket': { backgroundColor: 'var(--mark)', color: 'inherit' },
  '.cm-foldPlaceholder': { backgroundColor: 'var(--pane)', color: 'var(--muted)', borderColor: 'var(--border)' },
});

/** JSON in the colours of the page's other views of it. */
const colours = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--json-key)' },
  { tag: tags.string, color: 'var(--json-string)' },
  { tag: tags.number, color: 'var(--json-number)' },
  { tag: [tags.bool, tags.null, tags.keyword, tags.atom], color: 'var(--json-literal)' },
]);

/** A CodeMirror view of `text` (JSON, in the page's look) in a shadow root of `host`, with
 *  `extensions` beside the common ones. `attributes` go on the element typed into, which is an
 *  explicit tab stop: checkers that cannot see a contenteditable as focusable then know the
 *  scrolling area can be reached from the keyboard. */
function mount(host, text, attributes, extensions) {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  return new EditorView({
    root,
    parent: root,
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        json(),
        theme,
        syntaxHighlighting(colours),
        EditorView.contentAttributes.of({ ...attributes, tabindex: '0' }),
        ...extensions,
      ],
    }),
  });
}

/** Opens an editor on `text` in a shadow root of `host`. `onChange()` is called after every
 *  change to the text; `onFix(index)` when the quick fix of the `index`th diagnostic is
 *  chosen. */
export function open(host, text, label, onChange, onFix) {
  const view = mount(host, text, { 'data-testid': 'editor', 'aria-label': label }, [
    keymap.of([indentWithTab]),
    lintGutter(),
    EditorView.updateListener.of((update) => { if (update.docChanged) onChange(); }),
  ]);
  return new Editor(view, onFix);
}

/** Shows `text` read-only in a shadow root of `host`: folding, search and selection, no
 *  editing (a trace, a result). Returns the view, to destroy when it is closed. */
export function view(host, text, label) {
  return mount(host, text, { 'data-testid': 'json-viewer', 'aria-label': label, 'aria-readonly': 'true' },
    [EditorState.readOnly.of(true)]);
}

/** The editor in `host`'s shadow root. */
function viewIn(host) {
  const editor = host?.shadowRoot?.querySelector('.cm-editor');
  return editor ? EditorView.findFromDOM(editor) : null;
}

/** The text of the editor in `host` (for the browser tests, as CodeMirror draws only the
 *  lines in view). */
export function textOf(host) {
  return viewIn(host)?.state.doc.toString();
}

/** Replaces the whole text of the editor in `host` as a paste does (for the browser tests:
 *  Chromium's own editing, which a test's `fill` goes through, tries to set inline styles
 *  that the page's policy refuses). */
export function pasteInto(host, text) {
  const view = viewIn(host);
  view.focus();
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, userEvent: 'input.paste' });
}

/** Its selection and whether it has the focus (for the browser tests). */
export function selectionOf(host) {
  const view = viewIn(host);
  const { from, to } = view.state.selection.main;
  return { from, to, focused: view.hasFocus };
}

class Editor {
  constructor(view, onFix) {
    this.view = view;
    this.onFix = onFix;
  }

  text() {
    return this.view.state.doc.toString();
  }

  /** Replaces the whole text, when it changed elsewhere (reverted, loaded again). */
  setText(text) {
    if (text !== this.text()) {
      this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
    }
  }

  /** `list`: `{from, to, severity, source, message, fix}` in UTF-16 offsets, computed on the
   *  current text; `fix` names the quick fix, if there is one. */
  setDiagnostics(list) {
    const diagnostics = list.map((item, index) => ({
      from: Math.min(item.from, this.view.state.doc.length),
      to: Math.min(item.to, this.view.state.doc.length),
      severity: item.severity,
      source: item.source,
      message: item.message,
      actions: item.fix ? [{ name: item.fix, apply: () => this.onFix(index) }] : [],
    }));
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }

  /** Selects `from`..`to` (UTF-16 offsets), scrolled into view, and focuses the editor. */
  select(from, to) {
    const length = this.view.state.doc.length;
    this.view.dispatch({
      selection: { anchor: Math.min(from, length), head: Math.min(to, length) },
      scrollIntoView: true,
    });
    this.view.focus();
  }

  /** Applies `changes` (`{from, to, insert}`, on the current text) as one undoable step. */
  applyChanges(changes) {
    // Its own step in the history, never joined with typing or another fix.
    this.view.dispatch({ changes, scrollIntoView: true, userEvent: 'input.fix', annotations: isolateHistory.of('full') });
    this.view.focus();
  }

  destroy() {
    this.view.destroy();
  }
}
