// The code editor: CodeMirror 6 with syntax highlighting, bundled by esbuild
// into one ES module (web/editor/dist/editor.js) that index.html loads.
// It exposes a tiny API on `window.SandlabEditor` so the Rust side binds to
// it at run time; if the bundle is missing, the app falls back to a textarea.
//
// Modes (`SandlabEditor.modes`, keep this list in step with `languages`):
// wat, python, javascript, plain, lua, ruby, scheme, shell, brainfuck,
// commonlisp, haskell, forth. Any other name gets `plain`.

import { EditorState, Compartment, Prec } from "@codemirror/state";
import {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLineGutter,
  highlightSpecialChars,
  drawSelection,
  dropCursor,
  highlightActiveLine,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { wast } from "@codemirror/lang-wast";
import { python } from "@codemirror/lang-python";
import { javascript } from "@codemirror/lang-javascript";
// One file per legacy mode: importing the package's index would bundle all
// hundred-odd of them.
import { lua } from "@codemirror/legacy-modes/mode/lua";
import { ruby } from "@codemirror/legacy-modes/mode/ruby";
import { scheme } from "@codemirror/legacy-modes/mode/scheme";
import { shell } from "@codemirror/legacy-modes/mode/shell";
import { brainfuck } from "@codemirror/legacy-modes/mode/brainfuck";
import { commonLisp } from "@codemirror/legacy-modes/mode/commonlisp";
import { haskell } from "@codemirror/legacy-modes/mode/haskell";
import { forth } from "@codemirror/legacy-modes/mode/forth";
import { setDiagnostics, lintGutter, lintKeymap } from "@codemirror/lint";
import { oneDarkTheme } from "@codemirror/theme-one-dark";
import {
  HighlightStyle,
  StreamLanguage,
  syntaxHighlighting,
  defaultHighlightStyle,
  indentOnInput,
  bracketMatching,
} from "@codemirror/language";

// CodeMirror's basicSetup without what WAT editing does not use (code
// folding, autocompletion, rectangular selection): a smaller download.
const setup = [
  lineNumbers(),
  highlightActiveLineGutter(),
  highlightSpecialChars(),
  history(),
  drawSelection(),
  dropCursor(),
  EditorState.allowMultipleSelections.of(true),
  indentOnInput(),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  bracketMatching(),
  closeBrackets(),
  highlightActiveLine(),
  highlightSelectionMatches(),
  keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...lintKeymap]),
];
import { tags as t } from "@lezer/highlight";

const editors = new Map();
let nextId = 1;

// Each is built per editor, not at load: most pages use one mode or none.
// The stream modes are CodeMirror 5's, for interpreters an instructor
// brings; a Map, so a name like "constructor" finds nothing rather than
// an Object prototype member.
const plain = () => [];
const languages = new Map([
  ["wat", wast],
  ["python", python],
  ["javascript", javascript],
  ["plain", plain],
  ["lua", () => StreamLanguage.define(lua)],
  ["ruby", () => StreamLanguage.define(ruby)],
  ["scheme", () => StreamLanguage.define(scheme)],
  ["shell", () => StreamLanguage.define(shell)],
  ["brainfuck", () => StreamLanguage.define(brainfuck)],
  ["commonlisp", () => StreamLanguage.define(commonLisp)],
  ["haskell", () => StreamLanguage.define(haskell)],
  ["forth", () => StreamLanguage.define(forth)],
]);

// An unknown mode (a newer lab file, a typo) still gets a working editor,
// just without colours.
function languageFor(mode) {
  return (languages.get(mode) ?? plain)();
}

// One Dark's editor colours with our own token colours: every one of these
// keeps a contrast of at least 4.5:1 on the dark background (axe checks it).
const darkHighlight = HighlightStyle.define([
  { tag: t.keyword, color: "#d7a6ff" },
  { tag: [t.number, t.bool, t.null], color: "#f5b77a" },
  { tag: [t.string, t.special(t.string)], color: "#a5e07a" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: "#aab2bf", fontStyle: "italic" },
  { tag: [t.variableName, t.definition(t.variableName), t.labelName], color: "#8ec8ff" },
  { tag: [t.typeName, t.className], color: "#f0d080" },
  { tag: [t.operator, t.operatorKeyword], color: "#7fdbe8" },
  { tag: [t.punctuation, t.bracket, t.paren], color: "#d0d4da" },
  { tag: t.invalid, color: "#ff8a80" },
]);
const darkReadable = EditorView.theme(
  {
    ".cm-gutters, .cm-gutterElement": { color: "#b4bac2" },
    ".cm-activeLineGutter": { color: "#ffffff" },
  },
  { dark: true },
);

// The light counterpart: CodeMirror's default token colours fall just
// under 4.5:1 on the active line's tint (axe found `i32` there), so these
// are a shade darker.
const lightHighlight = HighlightStyle.define([
  { tag: t.keyword, color: "#6a1b9a" },
  { tag: [t.number, t.bool, t.null], color: "#8a4500" },
  { tag: [t.string, t.special(t.string)], color: "#1b5e20" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: "#5c6166", fontStyle: "italic" },
  { tag: [t.variableName, t.definition(t.variableName), t.labelName], color: "#0b4f9c" },
  { tag: [t.typeName, t.className], color: "#005c45" },
  { tag: [t.operator, t.operatorKeyword], color: "#00616b" },
  { tag: [t.punctuation, t.bracket, t.paren], color: "#3a3f45" },
  { tag: t.invalid, color: "#b42318" },
]);

function themeFor(dark) {
  return dark
    ? [oneDarkTheme, Prec.highest(darkReadable), syntaxHighlighting(darkHighlight)]
    : [syntaxHighlighting(lightHighlight)];
}

window.SandlabEditor = {
  /// The mode names `create` highlights, for the app to offer.
  modes: Object.freeze([...languages.keys()]),

  /// Creates an editor in `parent` holding `doc`, highlighting `mode` (one
  /// of `modes`; anything else is plain text); `onChange(text)` is called
  /// on every edit. Returns a handle for the other calls.
  create(parent, doc, label, dark, onChange, mode) {
    const theme = new Compartment();
    const view = new EditorView({
      parent,
      state: EditorState.create({
        doc,
        extensions: [
          setup,
          // Tab indents; Escape then Tab moves focus on (CodeMirror's
          // documented way out, so the editor never traps the keyboard).
          keymap.of([indentWithTab]),
          // Ctrl/Cmd+Enter (with Shift: Run) belongs to the page, which
          // checks; here it must not also insert a line.
          Prec.highest(keymap.of([
            { key: "Mod-Enter", run: () => true },
            { key: "Shift-Mod-Enter", run: () => true },
          ])),
          languageFor(mode),
          // Long lines wrap: no sideways scrolling on a phone.
          EditorView.lineWrapping,
          lintGutter(),
          theme.of(themeFor(dark)),
          EditorView.contentAttributes.of({ "aria-label": label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    const id = nextId++;
    editors.set(id, { view, theme });
    return id;
  },

  /// Replaces the whole text (Reset, or switching labs).
  setDoc(id, doc) {
    const e = editors.get(id);
    if (!e) return;
    const view = e.view;
    if (view.state.doc.toString() === doc) return;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: doc } });
  },

  getDoc(id) {
    const e = editors.get(id);
    return e ? e.view.state.doc.toString() : "";
  },

  setDark(id, dark) {
    const e = editors.get(id);
    if (e) e.view.dispatch({ effects: e.theme.reconfigure(themeFor(dark)) });
  },

  /// Marks a compile error at 1-based `line` and `column`.
  markError(id, line, column, message) {
    const e = editors.get(id);
    if (!e) return;
    const doc = e.view.state.doc;
    const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
    const from = Math.min(l.from + Math.max(column - 1, 0), l.to);
    const to = Math.max(from, l.to);
    e.view.dispatch(
      setDiagnostics(e.view.state, [{ from, to, severity: "error", message }]),
    );
  },

  clearErrors(id) {
    const e = editors.get(id);
    if (e) e.view.dispatch(setDiagnostics(e.view.state, []));
  },

  focus(id) {
    const e = editors.get(id);
    if (e) e.view.focus();
  },

  destroy(id) {
    const e = editors.get(id);
    if (e) {
      e.view.destroy();
      editors.delete(id);
    }
  },
};
