"""toy in JupyterLab, in a real (headless) Chromium: what a person sees, read from the DOM.

The kernel tests check messages; this suite checks that the page shows the plot rather
than a JSON tree, that training progress moves and ends, that the interrupt button stops
training, that an error shows its caret, that Run All stops at an error, that toy's
labextension highlights toy cells, that Notebook 7 (when installed) shows the plot too, that
the indicator says Idle again after a kill -9 of the kernel and the server's restart, and
that a live frame's long title fits inside its picture.

Run by scripts/test with toy's kernelspec under JUPYTER_PATH, in the virtual environment
that has JupyterLab and Selenium. Debian's chromium and chromium-driver drive the page;
without them every test skips with one line saying so. Screenshots of each step go to a
temporary directory, printed at the end.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING = None
if not CHROMIUM or not CHROMEDRIVER:
    MISSING = "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
else:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
    except ImportError:
        MISSING = "selenium is not installed in this environment"

ONE_LINER = "model n=20 m=5 importance=0.7^i sparsity=0.9; train 10000; show wtw"


def notebook(*cells):
    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "toy", "display_name": "toy", "language": "toy"}},
        "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
                   "source": source, "outputs": []} for i, source in enumerate(cells)],
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipIf(MISSING, MISSING)
class JupyterLabInChromium(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="toy-browser-")
        cls.shots = os.path.join(cls.home, "screenshots")
        cls.root = os.path.join(cls.home, "notebooks")
        os.makedirs(cls.shots)
        os.makedirs(cls.root)
        settings = os.path.join(cls.home, "settings", "@jupyterlab", "apputils-extension")
        os.makedirs(settings)
        # No "news" question covering the page.
        with open(os.path.join(settings, "notification.jupyterlab-settings"), "w") as f:
            json.dump({"fetchNews": "false", "checkForUpdates": False}, f)
        cls.port = free_port()
        cls.token = "toy-browser-test"
        env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=os.path.join(cls.home, "settings"),
                   JUPYTERLAB_WORKSPACES_DIR=os.path.join(cls.home, "workspaces"),
                   JUPYTER_RUNTIME_DIR=os.environ.get("JUPYTER_RUNTIME_DIR", os.path.join(cls.home, "runtime")),
                   JUPYTER_CONFIG_DIR=os.path.join(cls.home, "config"))
        cls.log = open(os.path.join(cls.home, "jupyterlab.log"), "w")
        cls.server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={cls.port}",
             "--ip=127.0.0.1", f"--IdentityProvider.token={cls.token}", f"--ServerApp.root_dir={cls.root}"],
            env=env, stdout=cls.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{cls.port}/api/status?token={cls.token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or cls.server.poll() is not None:
                    cls.tearDownClass()
                    raise RuntimeError("JupyterLab did not start; see " + cls.log.name)
                time.sleep(0.5)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1300,1000"]:
            options.add_argument(argument)
        # The page's console, for errors of toy's extension.
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        cls.driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        cls.driver.implicitly_wait(0)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "driver", None):
            cls.driver.quit()
        if cls.server.poll() is None:
            # The server shuts its kernels down on SIGTERM.
            cls.server.send_signal(signal.SIGTERM)
            try:
                cls.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                cls.server.kill()
                cls.server.wait()
        cls.log.close()
        print(f"screenshots in {cls.shots}", file=sys.stderr)

    # Helpers

    def open(self, name, *cells):
        with open(os.path.join(self.root, name), "w") as f:
            json.dump(notebook(*cells), f)
        self.driver.get(f"http://127.0.0.1:{self.port}/lab/tree/{name}?token={self.token}")
        self.wait(lambda: len(self.cells()) == len(cells), 60, "the notebook's cells")
        # The kernel is up when the toolbar names it and says idle.
        self.wait(lambda: self.driver.execute_script(
            "const s = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');"
            "return s && s.getAttribute('data-status') === 'idle';"), 60, "an idle kernel")
        # JupyterLab drops a run asked for before the page has settled (the first notebook
        # opened in a fresh page): wait for the status bar to say the kernel is idle.
        self.wait(lambda: "Idle" in self.driver.find_element(By.CSS_SELECTOR, ".jp-StatusBar-Widget").text
                  or "| Idle" in self.driver.find_element(By.ID, "jp-main-statusbar").text, 60, "the status bar")
        time.sleep(1)

    def cells(self):
        return self.driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(self.shots, name + ".png"))

    def wait(self, condition, seconds, what):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if condition():
                    return
            except Exception:
                pass
            time.sleep(0.05)
        self.shot("timeout-" + what.replace(" ", "-"))
        self.fail(f"waited {seconds} s for {what}")

    def run_current(self):
        """The toolbar's run button: runs the selected cell and selects the next."""
        self.driver.find_element(
            By.CSS_SELECTOR,
            '.jp-NotebookPanel:not(.lm-mod-hidden) [data-command="notebook:run-cell-and-select-next"]').click()

    def prompt(self, cell):
        return cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").text

    def text(self, cell, kind="stdout"):
        parts = cell.find_elements(By.CSS_SELECTOR, f'.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.{kind}"]')
        return "\n".join(p.text for p in parts)

    # Tests (in alphabetical order, each on a notebook of its own)

    def test_1_the_one_liner_draws_its_plot_not_a_json_tree(self):
        self.open("one-liner.ipynb", ONE_LINER)
        self.run_current()
        cell = self.cells()[0]
        self.wait(lambda: cell.find_elements(By.CSS_SELECTOR, ".jp-RenderedSVG"), 120, "the WᵀW plot")
        self.shot("1-one-liner")
        svg = cell.find_element(By.CSS_SELECTOR, ".jp-RenderedSVG")
        drawn = svg.find_elements(By.CSS_SELECTOR, "svg") or svg.find_elements(By.CSS_SELECTOR, "img")
        self.assertTrue(drawn, "the SVG is in the page")
        self.assertGreater(drawn[0].size["width"], 200)
        if drawn[0].tag_name == "img":
            self.assertTrue(self.driver.execute_script("return arguments[0].naturalWidth > 0", drawn[0]))
        self.assertEqual(cell.find_elements(By.CSS_SELECTOR, ".jp-RenderedJSON"), [], "no JSON tree")
        # The progress line ended in its final state, on one line.
        progress = self.text(cell).rstrip()
        self.assertRegex(progress, r"^train: step 10000/10000  loss \S+  \S+ s$")

    def test_2_progress_moves_the_interrupt_stops_training_and_the_model_keeps_its_steps(self):
        self.open("interrupt.ipynb", "model n=20 m=5 importance=0.7^i sparsity=0.9\ntrain 10000000", "print steps")
        self.run_current()
        cell = self.cells()[0]
        self.wait(lambda: "train: step" in self.text(cell), 60, "the progress line")
        first = self.text(cell)
        self.wait(lambda: self.text(cell) != first, 10, "the progress line to move")
        self.shot("2-progress")
        self.assertEqual(self.text(cell).count("train:"), 1, "one line rewritten in place")
        button = self.driver.find_element(
            By.CSS_SELECTOR, '.jp-NotebookPanel:not(.lm-mod-hidden) [data-command="notebook:interrupt-kernel"]')
        start = time.monotonic()
        button.click()
        self.wait(lambda: "KeyboardInterrupt" in self.text(cell, "stderr") or "interrupted" in cell.text, 10,
                  "the interrupt")
        latency = time.monotonic() - start
        self.shot("3-interrupted")
        self.assertLess(latency, 2.0, f"the interrupt showed {latency:.2f} s after the click")
        self.cells()[1].find_element(By.CSS_SELECTOR, ".jp-InputPrompt").click()
        self.run_current()
        after = self.cells()[1]
        self.wait(lambda: self.text(after).strip(), 30, "print steps")
        steps = float(self.text(after).split()[-1])
        self.assertGreater(steps, 0)
        self.assertLess(steps, 10000000)

    def test_3_a_typo_shows_its_caret(self):
        self.open("typo.ipynb", "model n=5 m=2\nshow wtx")
        self.run_current()
        cell = self.cells()[0]
        self.wait(lambda: "wtx" in self.text(cell, "stderr"), 60, "the error")
        self.shot("4-typo")
        error = self.text(cell, "stderr")
        self.assertIn("^^^", error)
        self.assertIn("did you mean 'wtw'", error)

    def test_4_run_all_stops_at_an_error(self):
        self.open("run-all.ipynb", "print 1", "show wtx", "print 3")
        self.driver.find_element(By.XPATH, "//li[contains(@class,'lm-MenuBar-item')][.//div[text()='Run']]").click()
        self.driver.find_element(By.CSS_SELECTOR, 'li.lm-Menu-item[data-command="runmenu:run-all"]').click()
        cells = self.cells()
        self.wait(lambda: "wtx" in self.text(cells[1], "stderr"), 60, "the error of the second cell")
        time.sleep(1.5)
        self.shot("5-run-all")
        self.assertEqual(self.text(cells[0]).strip(), "1")
        self.assertEqual(self.text(cells[2]), "", "the cell after the error did not run")
        self.assertNotIn("3", self.prompt(cells[2]))

    def test_5_toys_extension_highlights_keywords_and_comments(self):
        self.open("highlighting.ipynb", "model n=20 m=5 # comment")
        cell = self.cells()[0]
        self.wait(lambda: cell.find_elements(By.CSS_SELECTOR, ".cm-line span"), 30, "highlighted tokens")
        self.shot("6-highlighting")
        # Each token's text and style beside the colours JupyterLab's theme gives a keyword and
        # a comment, read from probes styled with the theme's variables.
        spans, keyword, comment = self.driver.execute_script("""
            const style = (e) => { const s = getComputedStyle(e);
                return {color: s.color, weight: s.fontWeight, italic: s.fontStyle === 'italic'}; };
            const probe = (variable) => { const p = document.createElement('span');
                p.style.color = `var(${variable})`; document.body.appendChild(p);
                const color = getComputedStyle(p).color; p.remove(); return color; };
            const spans = [...arguments[0].querySelectorAll('.cm-line span')].map(
                (e) => Object.assign({text: e.textContent}, style(e)));
            return [spans, probe('--jp-mirror-editor-keyword-color'), probe('--jp-mirror-editor-comment-color')];
            """, cell)
        tokens = {span["text"]: span for span in spans}
        self.assertIn("model", tokens, spans)
        self.assertNotEqual(keyword, comment)
        self.assertEqual(tokens["model"]["color"], keyword, spans)
        self.assertGreaterEqual(int(tokens["model"]["weight"]), 600, spans)
        self.assertIn("# comment", tokens, spans)
        self.assertEqual(tokens["# comment"]["color"], comment, spans)
        self.assertTrue(tokens["# comment"]["italic"], spans)
        # A parameter's name is not a keyword.
        self.assertNotEqual(tokens.get("n", {}).get("color"), keyword, spans)
        # The cell's language is toy's, from its extension, which left no error in the console.
        self.assertTrue(self.driver.execute_script("return !!(window._JUPYTERLAB || {})['toy-language']"))
        problems = [entry["message"] for entry in self.driver.get_log("browser")
                    if entry["level"] in ("SEVERE", "WARNING") and "toy-language" in entry["message"]]
        self.assertEqual(problems, [])

    def test_6_notebook_7_draws_the_plot_not_a_json_tree(self):
        try:
            from notebook import __version__ as version
        except ImportError:
            self.skipTest("Notebook 7 (pip install notebook) is not in this environment")
        if int(version.split(".")[0]) < 7:
            self.skipTest(f"notebook {version} is not Notebook 7")
        with open(os.path.join(self.root, "notebook-7.ipynb"), "w") as f:
            json.dump(notebook(ONE_LINER), f)
        self.driver.get(f"http://127.0.0.1:{self.port}/notebooks/notebook-7.ipynb?token={self.token}")
        self.wait(lambda: len(self.cells()) == 1, 60, "the Notebook 7 cell")
        self.wait(lambda: self.driver.execute_script(
            "const s = document.querySelector('.jp-Notebook-ExecutionIndicator');"
            "return s && s.getAttribute('data-status') === 'idle';"), 60, "an idle kernel in Notebook 7")
        time.sleep(1)
        self.shot("7-notebook-7-opened")
        self.run_current()
        cell = self.cells()[0]
        self.wait(lambda: cell.find_elements(By.CSS_SELECTOR, ".jp-RenderedSVG svg, .jp-RenderedSVG img"), 120,
                  "the WᵀW plot in Notebook 7")
        self.shot("7-notebook-7")
        drawn = cell.find_elements(By.CSS_SELECTOR, ".jp-RenderedSVG svg, .jp-RenderedSVG img")
        self.assertGreater(drawn[0].size["width"], 200)
        self.assertEqual(cell.find_elements(By.CSS_SELECTOR, ".jp-RenderedJSON"), [], "no JSON tree")
        self.assertRegex(self.text(cell).rstrip(), r"^train: step 10000/10000  loss \S+  \S+ s$")

    def kernel_pid(self, notebook):
        """The pid of the kernel this server runs for `notebook` (the server's child whose
        arguments name the kernel's connection file)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/sessions?token={self.token}", timeout=5) as r:
            kernels = [session["kernel"]["id"] for session in json.load(r) if session["path"] == notebook]
        self.assertEqual(len(kernels), 1, kernels)
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    arguments = f.read().decode(errors="replace")
            except OSError:
                continue
            if parent == self.server.pid and f"kernel-{kernels[0]}" in arguments:
                return int(entry)
        self.fail("no kernel process for " + kernels[0])

    def status(self):
        """The kernel's state as the status bar names it ("toy | Idle")."""
        return self.driver.find_element(By.ID, "jp-main-statusbar").text.split("|")[1].split("\n")[0].strip()

    def test_7_after_kill_9_the_restarted_kernel_is_idle_and_runs_cells(self):
        self.open("killed.ipynb", "print 1", "print 2")
        self.run_current()
        cells = self.cells()
        self.wait(lambda: self.text(cells[0]).strip() == "1", 30, "the first cell")
        pid = self.kernel_pid("killed.ipynb")
        os.kill(pid, signal.SIGKILL)
        # Idle again before any cell runs (it stayed "Unknown" until one did, or "Starting"
        # with a kernel that publishes only its first status).
        def restarted():
            return self.status() == "Idle" and self.kernel_pid("killed.ipynb") != pid

        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog .jp-mod-accept"), 30,
                  "JupyterLab's restart dialog")
        self.shot("8-kill-9-dialog")
        self.driver.find_element(By.CSS_SELECTOR, ".jp-Dialog .jp-mod-accept").click()
        self.wait(restarted, 30, "an idle kernel after kill -9")
        self.shot("9-kill-9-restarted")
        self.run_current()
        self.wait(lambda: self.text(self.cells()[1]).strip() == "2", 30, "a cell run after the restart")
        self.wait(lambda: self.status() == "Idle", 10, "idle after the cell")

    def test_8_a_live_frames_long_title_fits_its_picture(self):
        name = "a_model_with_a_rather_long_name_for_its_narrow_frame"
        self.open("live-title.ipynb", f"{name} = model n=4 m=3 sparsity=0.5\ntrain 2000 batch=32 live")
        self.run_current()
        cell = self.cells()[0]
        self.wait(lambda: "step 2000 " in cell.text or cell.find_elements(By.CSS_SELECTOR, ".jp-RenderedSVG img"), 60,
                  "the last live frame")
        time.sleep(1)
        self.shot("10-live-title")
        # The title's drawn box, measured by the browser, inside the picture's width. JupyterLab
        # shows an untrusted notebook's SVG as an image: its document is read back and laid out
        # in the page to be measured.
        box = self.driver.execute_async_script("""
            const [cell, prefix, done] = arguments;
            const image = cell.querySelector('.jp-RenderedSVG img');
            fetch(image.src).then((r) => r.text()).then((text) => {
                const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
                document.body.appendChild(svg);
                const title = [...svg.querySelectorAll('text')].find((t) => t.textContent.startsWith(prefix));
                const b = title.getBBox();
                svg.remove();
                done({left: b.x, right: b.x + b.width, width: svg.viewBox.baseVal.width});
            }).catch((e) => done({error: String(e)}));
            """, cell, name + ": step")
        self.assertNotIn("error", box)
        self.assertGreaterEqual(box["left"], 0, box)
        self.assertLessEqual(box["right"], box["width"], box)
        print(f"live title: {box}", file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
