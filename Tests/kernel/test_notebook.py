"""toy notebook: a script run into an nbformat 4.5 notebook that nbformat validates, and back.

Usage: test_notebook.py TOY_BINARY (run by scripts/test).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import nbformat

TOY = None
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def toy(*args):
    return subprocess.run([TOY, *args], capture_output=True, text=True, cwd=REPO)


class NotebookExport(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def test_an_example_becomes_a_valid_notebook_with_plots(self):
        out = self.path("tour.ipynb")
        result = toy("notebook", "examples/12-tour.toy", "-o", out, "--quick")
        self.assertEqual(result.returncode, 0, result.stderr)
        nb = nbformat.read(out, as_version=4)
        nbformat.validate(nb)
        self.assertEqual((nb.nbformat, nb.nbformat_minor), (4, 5))
        self.assertEqual(nb.metadata.kernelspec.name, "toy")
        outputs = [o for c in nb.cells for o in c.get("outputs", [])]
        mimes = [set(o.data) for o in outputs if "data" in o]
        self.assertTrue(any("image/svg+xml" in m for m in mimes), "a plot as SVG")
        self.assertTrue(all("text/plain" in m and "application/vnd.toy.display+json" in m for m in mimes))
        self.assertFalse(any("application/json" in m for m in mimes), "JupyterLab would draw a JSON tree")

    def test_printed_text_is_a_stream_and_tables_carry_html(self):
        script = self.path("p.toy")
        with open(script, "w") as f:
            f.write('print "a"\nprint 1 + 1\nmodel n=5 m=2 density=p for p in [0.1, 0.5]\nprint dims\n')
        out = self.path("p.ipynb")
        self.assertEqual(toy("notebook", script, "-o", out).returncode, 0)
        nb = nbformat.read(out, as_version=4)
        nbformat.validate(nb)
        outputs = nb.cells[0].outputs
        self.assertEqual(outputs[0].output_type, "stream")
        self.assertEqual((outputs[0].name, outputs[0].text), ("stdout", "a\n2\n"))
        self.assertEqual(outputs[1].output_type, "display_data")
        self.assertIn("<table>", outputs[1].data["text/html"])

    def test_an_old_notebook_with_application_json_outputs_still_opens(self):
        # Notebooks written before the vendor type carry application/json outputs.
        old = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "toy", "display_name": "toy", "language": "toy"}})
        old.cells = [nbformat.v4.new_code_cell("print 1 + 1", execution_count=1, outputs=[
            nbformat.v4.new_output("display_data", data={
                "text/plain": "2", "application/json": {"toy_version": "0.1.0", "seed": 0, "data": [2]}})])]
        path = self.path("old.ipynb")
        nbformat.write(old, path)
        back = self.path("old.toy")
        result = toy("notebook", path, "-o", back)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(back) as f:
            self.assertIn("print 1 + 1", f.read())
        again = self.path("again.ipynb")
        self.assertEqual(toy("notebook", back, "-o", again).returncode, 0)
        self.assertEqual(nbformat.read(again, as_version=4).cells[0].outputs[0].text, "2\n")

    def test_cells_split_at_markers_and_comment_blocks_are_markdown(self):
        script = self.path("s.toy")
        with open(script, "w") as f:
            f.write("# %%\n# A title\n# %%\nx = 2\nx * 3\n# %%\nprint x\n")
        out = self.path("s.ipynb")
        self.assertEqual(toy("notebook", script, "-o", out).returncode, 0)
        nb = nbformat.read(out, as_version=4)
        nbformat.validate(nb)
        self.assertEqual([c.cell_type for c in nb.cells], ["markdown", "code", "code"])
        self.assertEqual(nb.cells[0].source, "A title")
        result = nb.cells[1].outputs[0]
        self.assertEqual(result.output_type, "execute_result")
        self.assertEqual(result.data["text/plain"], "6")

    def test_an_examples_header_and_notes_are_markdown_cells(self):
        out = self.path("intro.ipynb")
        result = toy("notebook", "examples/01-intro.toy", "-o", out, "--quick")
        self.assertEqual(result.returncode, 0, result.stderr)
        nb = nbformat.read(out, as_version=4)
        nbformat.validate(nb)
        self.assertEqual(nb.cells[0].cell_type, "markdown")
        self.assertTrue(nb.cells[0].source.startswith("Figure 1 (the intro figure)"), nb.cells[0].source)
        self.assertEqual(nb.cells[1].cell_type, "code")
        self.assertTrue(nb.cells[1].source.startswith("model n=5 m=2"), nb.cells[1].source)
        self.assertNotIn("#", "".join(c.source for c in nb.cells if c.cell_type == "code" and c.source[0] != " "))

    def test_an_error_stops_the_notebook_where_a_script_would(self):
        script = self.path("e.toy")
        with open(script, "w") as f:
            f.write("model n=5 m=2\n\nshow wtx\n\nprint 1\n")
        out = self.path("e.ipynb")
        result = toy("notebook", script, "-o", out)
        self.assertNotEqual(result.returncode, 0)
        nb = nbformat.read(out, as_version=4)
        nbformat.validate(nb)
        error = nb.cells[1].outputs[-1]
        self.assertEqual(error.output_type, "error")
        self.assertIn("did you mean 'wtw'", "\n".join(error.traceback))
        self.assertEqual(nb.cells[2].outputs, [])
        self.assertIsNone(nb.cells[2].execution_count)

    def test_a_notebook_turns_back_into_the_same_cells(self):
        out = self.path("tour.ipynb")
        self.assertEqual(toy("notebook", "examples/12-tour.toy", "-o", out, "--quick").returncode, 0)
        back = self.path("tour.toy")
        self.assertEqual(toy("notebook", out, "-o", back).returncode, 0)
        again = self.path("again.ipynb")
        self.assertEqual(toy("notebook", back, "-o", again, "--quick").returncode, 0)
        first, second = nbformat.read(out, as_version=4), nbformat.read(again, as_version=4)
        self.assertEqual([c.source for c in first.cells], [c.source for c in second.cells])
        self.assertEqual(toy("check", back).returncode, 0)

    def test_nbconvert_html_highlights_toy_with_the_toy_lexer(self):
        out = self.path("tour.ipynb")
        self.assertEqual(toy("notebook", "examples/12-tour.toy", "-o", out, "--quick").returncode, 0)
        nb = nbformat.read(out, as_version=4)
        info = nb.metadata.language_info
        self.assertEqual((info.pygments_lexer, info.codemirror_mode), ("toy", "toy"))
        # The tour's comments are markdown cells now: a code cell with a comment of its own.
        nb.cells.append(nbformat.v4.new_code_cell("for p in [1] do\n# a comment in code\nprint p\nend"))
        nbformat.write(nb, out)
        # The lexer installed as a user would (pip install grammar/editors/pygments), but into a
        # directory of this test's own, from a copy so that no build files land in the tree.
        source, target = self.path("toy-pygments"), self.path("site")
        shutil.copytree(os.path.join(REPO, "grammar", "editors", "pygments"), source)
        pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", target, source],
                             capture_output=True, text=True)
        self.assertEqual(pip.returncode, 0, pip.stdout + pip.stderr)
        env = dict(os.environ, PYTHONPATH=target)
        html = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", "--output-dir", self.dir.name, out],
                              capture_output=True, text=True, env=env)
        self.assertEqual(html.returncode, 0, html.stderr)
        self.assertNotIn("No lexer found", html.stderr)
        with open(self.path("tour.html")) as f:
            page = f.read()
        # Pygments' classes: k keyword, mf number, c1 comment, o operator, na a parameter's name.
        for span in ['<span class="k">model</span>', '<span class="k">train</span>', '<span class="mf">20</span>',
                     '<span class="na">importance</span>', '<span class="c1"># ']:
            self.assertIn(span, page)
        self.assertNotIn('<span class="err">', page)


class KernelInstall(unittest.TestCase):
    """`toy kernel install --user` writes where Jupyter looks: HOME and JUPYTER_DATA_DIR as the
    environment gives them, not the password file's home."""

    def install(self, **env):
        environment = {k: v for k, v in os.environ.items() if k not in ("XDG_DATA_HOME", "JUPYTER_DATA_DIR")}
        environment.update(env)
        return subprocess.run([TOY, "kernel", "install", "--user"], capture_output=True, text=True, env=environment)

    def test_user_install_honours_home(self):
        with tempfile.TemporaryDirectory() as home:
            result = self.install(HOME=home)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertTrue(os.path.isfile(os.path.join(home, ".local/share/jupyter/kernels/toy/kernel.json")),
                            result.stdout)
            self.assertTrue(os.path.isfile(os.path.join(
                home, ".local/share/jupyter/labextensions/toy-language/package.json")), result.stdout)

    def test_user_install_honours_jupyter_data_dir(self):
        with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as data:
            result = self.install(HOME=home, JUPYTER_DATA_DIR=data, XDG_DATA_HOME=home + "/xdg")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertTrue(os.path.isfile(os.path.join(data, "kernels/toy/kernel.json")), result.stdout)
            self.assertTrue(os.path.isfile(os.path.join(data, "labextensions/toy-language/package.json")),
                            result.stdout)

    def test_jupyterlab_finds_the_extension_beside_the_kernelspec(self):
        with tempfile.TemporaryDirectory() as prefix:
            installed = subprocess.run([TOY, "kernel", "install", "--prefix", prefix], capture_output=True, text=True)
            self.assertEqual(installed.returncode, 0, installed.stderr)
            data = os.path.join(prefix, "share", "jupyter")
            extension = os.path.join(data, "labextensions", "toy-language")
            with open(os.path.join(extension, "package.json")) as f:
                package = json.load(f)
            self.assertEqual(package["name"], "toy-language")
            self.assertTrue(package["jupyterlab"]["extension"])
            # The script is the repository's, byte for byte, under the name the kernel gave it.
            with open(os.path.join(extension, package["jupyterlab"]["_build"]["load"])) as f, \
                    open(os.path.join(REPO, "grammar", "editors", "jupyterlab", "toy-language.js")) as g:
                self.assertEqual(f.read(), g.read())
            # Installed again, a changed script replaces the old one rather than joining it.
            stale = os.path.join(extension, "static", "remoteEntry.0000.js")
            open(stale, "w").close()
            subprocess.run([TOY, "kernel", "install", "--prefix", prefix], check=True, capture_output=True)
            self.assertEqual(os.listdir(os.path.join(extension, "static")),
                             [os.path.basename(package["jupyterlab"]["_build"]["load"])])
            listed = subprocess.run([sys.executable, "-m", "jupyterlab.labextensions", "list"], capture_output=True,
                                    text=True, env=dict(os.environ, JUPYTER_PATH=data))
            self.assertRegex(listed.stdout + listed.stderr, r"toy-language v\S+ .*enabled.*OK")

    def test_install_help_keeps_its_parentheses_on_one_line(self):
        text = subprocess.run([TOY, "kernel", "install", "--help"], capture_output=True, text=True).stdout
        self.assertIn("JUPYTER_DATA_DIR", text)
        for line in text.splitlines():
            self.assertEqual(line.count("("), line.count(")"), line)


if __name__ == "__main__":
    TOY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
