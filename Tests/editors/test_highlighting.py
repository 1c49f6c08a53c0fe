"""toy's highlighting for editors and nbconvert against its one source, grammar/toy.ebnf.

Run by scripts/test with the test virtual environment's Python (it needs Pygments). The
Pygments lexer is imported from grammar/editors/pygments without installing it; the nbconvert test
that uses it installed is in Tests/kernel/test_notebook.py.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "grammar", "editors", "pygments"))

from pygments.token import Comment, Error, Keyword, Name, Number, String  # noqa: E402
from toy_pygments import KEYWORDS, ToyLexer  # noqa: E402


def read(*path):
    with open(os.path.join(REPO, *path)) as f:
        return f.read()


def grammar_keywords():
    """The grammar's quoted words outside comments, read here independently of the generator."""
    text = re.sub(r"/\*.*?\*/", "", read("grammar", "toy.ebnf"), flags=re.S)
    return set(re.findall(r"'([a-z]+)'", text))


def tokens(text):
    return [(kind, value) for kind, value in ToyLexer().get_tokens(text) if value.strip()]


class KeywordsFollowTheGrammar(unittest.TestCase):
    def test_the_generated_files_are_up_to_date(self):
        result = subprocess.run(
            [sys.executable, os.path.join(REPO, "grammar", "editors", "generate.py"), "--check"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_the_pygments_keywords_are_the_grammars(self):
        self.assertEqual(set(KEYWORDS), grammar_keywords())

    def test_the_textmate_keywords_are_the_grammars(self):
        grammar = json.loads(read("grammar", "editors", "vscode", "syntaxes", "toy.tmLanguage.json"))
        keyword = [p["match"] for p in grammar["patterns"] if p["name"] == "keyword.control.toy"]
        self.assertEqual(len(keyword), 1)
        pattern = re.compile(keyword[0].replace("(?<![A-Za-z0-9_])", ""))
        for word in grammar_keywords():
            self.assertTrue(pattern.fullmatch(word), f"the TextMate grammar does not highlight '{word}'")
        self.assertEqual(set(re.search(r"\(\?:(.*)\)", keyword[0]).group(1).split("|")), grammar_keywords())

    def test_the_vim_keywords_are_the_grammars(self):
        lines = [line.split()[3:] for line in read("grammar", "editors", "vim", "syntax", "toy.vim").splitlines()
                 if line.startswith("syn keyword toyKeyword")]
        self.assertEqual({word for line in lines for word in line}, grammar_keywords())

    def test_the_jupyterlab_keywords_are_the_grammars(self):
        script = read("grammar", "editors", "jupyterlab", "toy-language.js")
        block = re.search(r"const KEYWORDS = \[(.*?)\];", script, flags=re.S).group(1)
        self.assertEqual(set(re.findall(r'"([a-z]+)"', block)), grammar_keywords())

    def test_the_kernel_carries_the_jupyterlab_script_under_its_hash(self):
        script = read("grammar", "editors", "jupyterlab", "toy-language.js")
        swift = read("Sources", "ToyJupyter", "LabExtension+Script.swift")
        literal = re.search(r'#"""\n(.*?)^    """#', swift, flags=re.S | re.M).group(1)
        # Swift strips the closing delimiter's four spaces of indentation from each line, and
        # the newline before the delimiter.
        self.assertEqual(re.sub(r"^    ", "", literal, flags=re.M)[:-1], script)
        name = re.search(r'scriptName = "(remoteEntry\.[0-9a-f]+\.js)"', swift).group(1)
        self.assertEqual(name, "remoteEntry." + hashlib.sha256(script.encode()).hexdigest()[:20] + ".js")

    @unittest.skipUnless(shutil.which("vim"), "vim is not installed")
    def test_vim_detects_toy_files_and_highlights_them(self):
        # Line 13 of the intro example: "model n=5 m=2 importance=0.9^i ...".
        with tempfile.TemporaryDirectory() as home:
            out = os.path.join(home, "out")
            probe = 'echo &filetype synIDattr(synID(13,1,1),"name") synIDattr(synID(13,9,1),"name") ' \
                    'synIDattr(synID(1,1,1),"name")'
            subprocess.run(
                ["vim", "-Nu", "NONE", "-i", "NONE", "-es", "--cmd", "set rtp^=" + os.path.join(REPO, "grammar", "editors", "vim"),
                 "-c", "filetype on", "-c", "syntax on", "-c", "e " + os.path.join(REPO, "examples", "01-intro.toy"),
                 "-c", "redir! > " + out, "-c", probe, "-c", "redir END", "-c", "qa!"],
                env=dict(os.environ, HOME=home), stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
            with open(out) as f:
                self.assertEqual(f.read().split(), ["toy", "toyKeyword", "toyNumber", "toyComment"])


class PygmentsLexer(unittest.TestCase):
    def test_every_example_lexes_without_an_error_token(self):
        examples = sorted(f for f in os.listdir(os.path.join(REPO, "examples")) if f.endswith(".toy"))
        self.assertGreater(len(examples), 0)
        for name in examples:
            errors = [value for kind, value in tokens(read("examples", name)) if kind in Error]
            self.assertEqual(errors, [], name)

    def test_every_grammar_keyword_is_a_keyword(self):
        for word in sorted(grammar_keywords()):
            self.assertEqual(tokens(word), [(Keyword, word)], word)
        # A name that starts with a keyword is a name.
        self.assertEqual(tokens("modelled"), [(Name, "modelled")])

    def test_names_numbers_strings_comments_and_magics(self):
        got = tokens('model n=5 importance=0.9^i # five\nsave "a.json"\nprint 1e-3, .5\n%time train 10')
        kinds = {value: kind for kind, value in got}
        self.assertIn(kinds["model"], Keyword)
        self.assertIn(kinds["importance"], Name)
        self.assertIn(kinds["i"], Name)
        for number in ["5", "0.9", "1e-3", ".5", "10"]:
            self.assertIn(kinds[number], Number, number)
        self.assertIn(kinds['"a.json"'], String)
        self.assertIn(kinds["# five"], Comment)
        self.assertIn(kinds["%time"], Keyword)
        self.assertIn(kinds["train"], Keyword)

    def test_the_lexer_is_found_by_the_name_the_kernel_announces(self):
        self.assertIn("toy", ToyLexer.aliases)
        self.assertIn("*.toy", ToyLexer.filenames)
        self.assertIn("text/x-toy", ToyLexer.mimetypes)


if __name__ == "__main__":
    unittest.main(verbosity=2)
