// toy's language for JupyterLab and Notebook 7: a prebuilt ("federated") labextension written
// without a bundler. `toy kernel install` writes it as
// share/jupyter/labextensions/toy-language/static/remoteEntry.HASH.js beside the kernelspec.
//
// JupyterLab loads each prebuilt extension's remoteEntry as a script, which must leave a
// module-federation container at window._JUPYTERLAB[name]: an object with
//   init(shareScope)  called once with the page's share scope (package -> version -> entry);
//   get(module)       a promise of a factory whose result is the module ("./extension" here),
//                     an ES module whose default export is the list of plugins.
// CodeMirror and JupyterLab's own packages come from the share scope, never from a copy of
// ours, so IEditorLanguageRegistry is the very token the registry was provided under.
//
// The keyword list between the GENERATED lines is written by grammar/editors/generate.py
// from grammar/toy.ebnf; the rest is written by hand.
(function () {
  "use strict";

  // GENERATED keywords: begin
  const KEYWORDS = [
    "do",
    "end",
    "explore",
    "export",
    "for",
    "help",
    "in",
    "load",
    "model",
    "print",
    "reset",
    "sae",
    "save",
    "show",
    "train",
    "use",
  ];
  // GENERATED keywords: end

  const NAME = "toy-language";
  const keywords = new Set(KEYWORDS);
  let shareScope = null;

  /// The share scope's copy of `name` with the highest version of `major`, preferring one
  /// already loaded (the page's own), as the bundler's singleton lookup would.
  async function shared(name, major) {
    const versions = (shareScope && shareScope[name]) || {};
    const ranked = Object.keys(versions)
      .filter((version) => Number(version.split(".")[0]) === major)
      .sort((a, b) => {
        const loaded = (versions[b].loaded ? 1 : 0) - (versions[a].loaded ? 1 : 0);
        if (loaded !== 0) return loaded;
        const x = a.split(/[.-]/).map(Number);
        const y = b.split(/[.-]/).map(Number);
        for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return y[i] - x[i];
        return 0;
      });
    if (ranked.length === 0) {
      const found = Object.keys(versions).join(", ") || "none";
      throw new Error(`${NAME}: the page shares no ${name} ${major}.x (it has ${found})`);
    }
    const entry = versions[ranked[0]];
    entry.loaded = 1;
    const factory = await entry.get();
    return factory();
  }

  /// toy's tokens (grammar/toy.ebnf), plus the front ends' `%magics` and `?` help, as
  /// CodeMirror's stream parser sees them: one token a call, named by a highlighting tag.
  const toyMode = {
    name: "toy",
    startState: () => ({ lineStart: true }),
    token(stream, state) {
      if (stream.sol()) state.lineStart = true;
      if (stream.eatSpace()) return null;
      const atLineStart = state.lineStart;
      state.lineStart = false;
      if (stream.match("#")) {
        stream.skipToEnd();
        return "comment";
      }
      if (stream.match(/^"[^"]*"?/)) return "string";
      if (stream.match(/^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/)) return "number";
      if (atLineStart && stream.match(/^%[A-Za-z_]+/)) return "meta";
      const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/);
      if (word) {
        if (keywords.has(word[0])) return "keyword";
        // A parameter: the name before '=' (but not '==').
        if (stream.match(/^[ \t]*=(?!=)/, false)) return "propertyName";
        return "variableName";
      }
      if (stream.match(/^[-+*/^=?]/)) return "operator";
      if (stream.match(/^[()[\]]/)) return "bracket";
      stream.next();
      return "punctuation";
    },
    languageData: { commentTokens: { line: "#" } },
  };

  async function extension() {
    const [language, codemirror] = await Promise.all([
      shared("@codemirror/language", 6),
      shared("@jupyterlab/codemirror", 4),
    ]);
    const plugin = {
      id: `${NAME}:plugin`,
      description: "Highlights toy code (cells of the toy kernel and .toy files).",
      autoStart: true,
      requires: [codemirror.IEditorLanguageRegistry],
      activate(app, languages) {
        languages.addLanguage({
          name: "toy",
          displayName: "toy",
          mime: "text/x-toy",
          extensions: ["toy"],
          support: new language.LanguageSupport(language.StreamLanguage.define(toyMode)),
        });
      },
    };
    return { __esModule: true, default: [plugin] };
  }

  const container = {
    init(scope) {
      shareScope = scope;
    },
    async get(module) {
      if (module !== "./extension") throw new Error(`${NAME}: no module ${module}`);
      const exports = await extension();
      return () => exports;
    },
  };
  self._JUPYTERLAB = self._JUPYTERLAB || {};
  self._JUPYTERLAB[NAME] = container;
})();
