"""toy's Jupyter kernel driven by the real client (jupyter_client, jupyter_kernel_test).

Run by scripts/test with the kernelspec installed under a temporary JUPYTER_PATH. Prints
unittest's summary; scripts/test counts the results.
"""

import datetime
import re
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session


class ToyKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "toy"
    language_name = "toy"
    file_extension = ".toy"

    code_hello_world = 'print "hello, world"'
    # Plots carry SVG and toy's numbers under its own type; never application/json, which
    # JupyterLab would draw as a collapsed tree instead of the plot.
    code_display_data = [
        {"code": "model n=5 m=2 density=0.1\nshow geometry", "mime": "image/svg+xml"},
        {"code": "model n=5 m=2 density=0.1\nshow wtw", "mime": "application/vnd.toy.display+json"},
        {"code": "model n=5 m=2 density=p for p in [0.1, 0.5]\nprint dims", "mime": "text/html"},
    ]
    code_execute_result = [{"code": "1 + 2", "result": "3"}, {"code": "2^-3", "result": "0.125"}]
    completion_samples = [
        {"text": "tra", "matches": {"train", "train_loss"}},
        {"text": "model kind=hid", "matches": {"hidden_relu"}},
        {"text": "x = lin", "matches": {"linspace("}},
        {"text": "print superp", "matches": {"superposition"}},
        {"text": "%tim", "matches": {"%time", "%timeit"}},
        {"text": "%time tra", "matches": {"train", "train_loss"}},
    ]
    complete_code_samples = ["train 10", "model n=5 m=2", "print 1 + 2"]
    incomplete_code_samples = ["for p in [1, 2] do", "model n=5 m=2 density=p for p in [1,"]
    invalid_code_samples = ["model n=5 m=2 )", "train )"]
    code_inspect_sample = "train"
    code_page_something = "?train"
    code_generate_error = "model n=0 m=2"
    code_history_pattern = "1 + *"
    supported_history_operations = ("tail", "range", "search")

    def test_language_info_names_toys_highlighting(self):
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        info = self.kc.get_shell_msg(timeout=10)["content"]["language_info"]
        # grammar/editors/pygments registers the lexer "toy"; toy's JupyterLab extension
        # (grammar/editors/jupyterlab) the CodeMirror language "toy" for the mime type text/x-toy.
        self.assertEqual((info["pygments_lexer"], info["codemirror_mode"], info["mimetype"]),
                         ("toy", "toy", "text/x-toy"))
        self.assertTrue(msg_id)

    def run_cell(self, code, **options):
        self.flush_channels()
        reply, outputs = self.execute_helper(code=code, **options)
        text = "".join(o["content"]["text"] for o in outputs if o["msg_type"] == "stream")
        return reply["content"], text, outputs

    def test_time_timeit_who_and_lsmagic(self):
        self.run_cell("timed = model n=5 m=2 density=0.1")
        reply, text, _ = self.run_cell("%time train 20\nprint timed.steps")
        self.assertEqual(reply["status"], "ok")
        self.assertRegex(text, r"Wall time: \S+ (s|ms|µs)\n")
        self.assertIn("20\n", text)
        # %timeit runs copies: the session's model keeps its 20 steps.
        reply, text, _ = self.run_cell("%timeit train 20")
        self.assertEqual(reply["status"], "ok")
        self.assertIn("per run (mean ± std of ", text)
        _, text, _ = self.run_cell("print timed.steps")
        self.assertEqual(text, "20\n")
        _, text, _ = self.run_cell("%who")
        self.assertIn("timed (current): relu model, n=5 m=2, 1 setting, 20 steps\n", text)
        _, text, _ = self.run_cell("%lsmagic")
        for magic in ["time", "timeit", "history", "who", "lsmagic"]:
            self.assertIn(f"%{magic} ", text.replace(":", " "))
        self.assertNotIn("%save", text)
        reply, _, outputs = self.run_cell("%histroy")
        self.assertEqual((reply["status"], reply["ename"]), ("error", "UsageError"))
        self.assertIn("did you mean %history?", reply["evalue"])

    def test_config_theme_sets_the_svg_theme(self):
        def svg_of(code):
            _, _, outputs = self.run_cell(code)
            return next(o["content"]["data"]["image/svg+xml"] for o in outputs
                        if o["msg_type"] == "display_data" and "image/svg+xml" in o["content"]["data"])
        self.run_cell("themed = model n=5 m=2 density=0.1")
        _, text, _ = self.run_cell("%config")
        self.assertEqual(text, "theme = auto\n")
        # The page's background is the first rectangle: white by default, dark when asked.
        background = r'<rect[^>]*fill="(#[0-9a-f]{6})"'
        self.assertEqual(re.search(background, svg_of("show wtw")).group(1), "#ffffff")
        reply, _, _ = self.run_cell("%config theme=dark")
        self.assertEqual(reply["status"], "ok")
        self.assertNotEqual(re.search(background, svg_of("show wtw")).group(1), "#ffffff")
        _, text, _ = self.run_cell("%config")
        self.assertEqual(text, "theme = dark\n")
        reply, _, _ = self.run_cell("%config theme=sepia")
        self.assertEqual((reply["status"], reply["ename"]), ("error", "UsageError"))
        self.assertIn("auto, dark, light, projector", reply["evalue"])
        reply, _, _ = self.run_cell("%config width=80")
        self.assertIn("the prompt's", reply["evalue"])
        self.run_cell("%config theme=auto")

    def test_completion_knows_the_sessions_models_variables_and_attributes(self):
        self.run_cell("intro = model n=5 m=2 density=0.1\nxs_for_completion = linspace(0, 1, 3)")
        for text, expected in [
            ("print intro.di", {"intro.dimensionality", "intro.dims"}),
            ("print xs_for", {"xs_for_completion"}),
            ("use intr", {"intro"}),
            ("show wtw instance=", {"all"}),
        ]:
            with self.subTest(text=text):
                self.flush_channels()
                self.kc.complete(text)
                reply = self.get_non_kernel_info_reply(timeout=10)
                self.assertEqual(set(reply["content"]["matches"]), expected)
                self.assertEqual(reply["content"]["cursor_end"], len(text))

    def test_history_magic_lists_cells_by_number(self):
        reply, _, _ = self.run_cell("x = 41")
        first = reply["execution_count"]
        _, text, _ = self.run_cell(f"%history {first}-{first}")
        self.assertEqual(text, f"{first}: x = 41\n")

    def test_help_goes_to_the_pager_with_either_question_mark(self):
        for code in ["?train", "train?"]:
            reply, text, _ = self.run_cell(code)
            self.assertEqual(reply["status"], "ok")
            pages = [p for p in reply["payload"] if p["source"] == "page"]
            self.assertEqual(len(pages), 1, code)
            self.assertIn("train: train the current model", pages[0]["data"]["text/plain"])
        reply, _, _ = self.run_cell("?nothing_here")
        self.assertEqual(reply["status"], "error")

    def test_user_expressions_are_evaluated_without_changing_the_session(self):
        self.run_cell("ue = model n=5 m=2 density=0.1")
        self.flush_channels()
        msg_id = self.kc.execute("print 1", user_expressions={"sum": "1 + 2", "steps": "ue.steps",
                                                              "train": "train 10", "typo": "1 +"})
        reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        results = reply["content"]["user_expressions"]
        self.assertEqual(results["sum"]["data"]["text/plain"], "3")
        self.assertEqual(results["steps"]["data"]["text/plain"], "0")
        self.assertEqual(results["train"]["status"], "error")
        self.assertEqual(results["typo"]["status"], "error")
        _, text, _ = self.run_cell("print ue.steps")
        self.assertEqual(text, "0\n")

    def test_the_kernelspec_has_the_pentagon_logo(self):
        from jupyter_client.kernelspec import KernelSpecManager
        directory = KernelSpecManager().get_kernel_spec("toy").resource_dir
        for size in (32, 64):
            with open(os.path.join(directory, f"logo-{size}x{size}.png"), "rb") as f:
                width, height, pixels = read_png(f.read())
            self.assertEqual((width, height), (size, size))
            self.assertEqual(pixels[0][0], (255, 255, 255))
            centre = pixels[size // 2][size // 2]
            self.assertNotEqual(centre, (255, 255, 255))
            # Five-fold, not round: the top vertex reaches higher than the bottom edge.
            column = [pixels[y][size // 2] for y in range(size)]
            coloured = [y for y, p in enumerate(column) if p != (255, 255, 255)]
            self.assertGreater(size // 2 - coloured[0], coloured[-1] - size // 2)

    def test_print_of_values_is_a_stdout_stream(self):
        self.flush_channels()
        reply, outputs = self.execute_helper(code='print "hello, world"\nprint 1 + 2')
        self.assertEqual(reply["content"]["status"], "ok")
        streams = [o["content"] for o in outputs if o["msg_type"] == "stream"]
        self.assertEqual("".join(s["text"] for s in streams), "hello, world\n3\n")
        self.assertTrue(all(s["name"] == "stdout" for s in streams))
        self.assertEqual([o for o in outputs if o["msg_type"] == "display_data"], [])

    def test_no_display_uses_application_json(self):
        self.flush_channels()
        reply, outputs = self.execute_helper(code="model n=5 m=2 density=0.1\ntrain 200\nshow wtw\nprint loss\n2 + 2")
        self.assertEqual(reply["content"]["status"], "ok")
        bundles = [o["content"]["data"] for o in outputs if "data" in o["content"]]
        self.assertGreaterEqual(len(bundles), 3)
        for bundle in bundles:
            self.assertNotIn("application/json", bundle)
            self.assertIn("application/vnd.toy.display+json", bundle)

    def test_error_shows_the_caret_diagnostic(self):
        self.flush_channels()
        reply, outputs = self.execute_helper(code="model n=5 m=2\nshow wtx")
        self.assertEqual(reply["content"]["status"], "error")
        errors = [o for o in outputs if o["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        traceback = "\n".join(errors[0]["content"]["traceback"])
        self.assertIn("In[", traceback)
        self.assertIn("^^^", traceback)
        self.assertIn("did you mean 'wtw'", traceback)

    def test_training_progress_is_one_line_rewritten_in_place_and_ends_in_its_final_state(self):
        self.flush_channels()
        reply, outputs = self.execute_helper(code="model n=20 m=5 density=0.1\ntrain 3000\nprint 7")
        self.assertEqual(reply["content"]["status"], "ok")
        text = "".join(o["content"]["text"] for o in outputs if o["msg_type"] == "stream")
        self.assertGreaterEqual(text.count("\r"), 1, text)
        # What a terminal (jupyter console) or a notebook shows once the \r are applied.
        lines = [line.split("\r")[-1].rstrip() for line in text.split("\n")]
        self.assertRegex(lines[0], r"^train: step 3000/3000  loss \S+  \S+ s$")
        self.assertEqual(lines[1:], ["7", ""])

    def test_train_live_updates_one_display_with_svg(self):
        self.flush_channels()
        reply, outputs = self.execute_helper(code="model n=5 m=2 density=0.05\ntrain 20000 batch=256 live")
        self.assertEqual(reply["content"]["status"], "ok")
        live = [o for o in outputs if o["msg_type"] in ("display_data", "update_display_data")
                and o["content"].get("transient", {}).get("display_id", "").startswith("toy-live-")]
        self.assertGreaterEqual(len(live), 2)
        self.assertEqual(len({o["content"]["transient"]["display_id"] for o in live}), 1)
        self.assertEqual(live[0]["msg_type"], "display_data")
        self.assertTrue(all(o["msg_type"] == "update_display_data" for o in live[1:]))
        self.assertIn("image/svg+xml", live[-1]["content"]["data"])
        self.assertIn("step 20000", live[-1]["content"]["data"]["text/plain"])

    def test_interrupt_stops_training_and_keeps_the_model(self):
        self.flush_channels()
        msg_id = self.kc.execute("big = model n=400 m=30 density=0.1\ntrain 1000000")
        time.sleep(3)
        start = time.monotonic()
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=30)
        latency = time.monotonic() - start
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        self.assertLess(latency, 0.5, f"the interrupt landed {latency:.3f} s after the request")
        self.flush_channels()
        reply, outputs = self.execute_helper(code="print big.steps")
        self.assertEqual(reply["content"]["status"], "ok")
        text = "".join(o["content"]["text"] for o in outputs if o["msg_type"] == "stream")
        trained = float(text.split()[-1])
        self.assertGreater(trained, 0)
        self.assertLess(trained, 1000000)

    def test_a_cell_sent_before_an_error_but_arriving_after_it_is_aborted(self):
        # "Run All" on a loaded machine: the next cell reaches the kernel well after the
        # failure. Its header's date says it was sent before; a cell sent after is run.
        self.flush_channels()
        late = self.kc.session.msg("execute_request", self.execute_content("print 5"))
        time.sleep(0.01)
        failing = self.kc.execute("show wtx")
        reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual((reply["parent_header"]["msg_id"], reply["content"]["status"]), (failing, "error"))
        time.sleep(1)
        self.kc.shell_channel.send(late)
        reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["parent_header"]["msg_id"], late["header"]["msg_id"])
        self.assertEqual(reply["content"]["status"], "aborted")
        self.flush_channels()
        reply, _ = self.execute_helper(code="print 6")
        self.assertEqual(reply["content"]["status"], "ok")

    @staticmethod
    def execute_content(code):
        return {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                "allow_stdin": False, "stop_on_error": True}

    def test_a_client_with_its_clock_set_wrong_has_its_late_cells_judged_on_its_own_clock(self):
        # A browser on another machine: its clock may be half a minute off the kernel's.
        for skew in (-30, 30):
            client = self.km.client(session=Session(key=self.km.session.key,
                                                    signature_scheme=self.km.session.signature_scheme))
            # Shell only: a new iopub subscriber would have every client welcomed (JEP 65).
            client.start_channels(iopub=False, stdin=False, hb=False, control=False)
            try:
                def stamped(code):
                    message = client.session.msg("execute_request", self.execute_content(code))
                    message["header"]["date"] += datetime.timedelta(seconds=skew)
                    return message

                def send(message):
                    client.shell_channel.send(message)
                    reply = client.get_shell_msg(timeout=30)
                    self.assertEqual(reply["parent_header"]["msg_id"], message["header"]["msg_id"])
                    return reply["content"]["status"]

                self.assertEqual(send(stamped("print 0")), "ok", f"skew {skew} s")
                late = stamped("print 5")
                time.sleep(0.01)
                self.assertEqual(send(stamped("show wtx")), "error")
                # The client saw the error and sends the next cell at once: it runs.
                self.assertEqual(send(stamped("print 7")), "ok", f"skew {skew} s")
                # The cell sent before the failure, arriving a second later, does not.
                time.sleep(1)
                self.assertEqual(send(late), "aborted", f"skew {skew} s")
            finally:
                # Not stop_channels(): it would open the iopub channel to see whether it runs.
                client.shell_channel.stop()
                self.flush_channels()

    def test_an_error_aborts_the_queued_cells(self):
        self.flush_channels()
        failing = self.kc.execute("model n=20 m=5 density=0.1\ntrain 300\nshow wtx")
        queued = [self.kc.execute("print 1"), self.kc.execute("print 2")]
        statuses = {}
        while len(statuses) < 3:
            reply = self.kc.get_shell_msg(timeout=30)
            statuses[reply["parent_header"]["msg_id"]] = reply["content"]["status"]
        self.assertEqual([statuses[m] for m in [failing] + queued], ["error", "aborted", "aborted"])
        self.flush_channels()
        reply, _ = self.execute_helper(code="print 3")
        self.assertEqual(reply["content"]["status"], "ok")
        # Without stop_on_error the next cell runs.
        failing = self.kc.execute("show wtx", stop_on_error=False)
        after = self.kc.execute("print 4")
        statuses = {}
        while len(statuses) < 2:
            reply = self.kc.get_shell_msg(timeout=30)
            statuses[reply["parent_header"]["msg_id"]] = reply["content"]["status"]
        self.assertEqual([statuses[failing], statuses[after]], ["error", "ok"])
        self.flush_channels()

    def test_sigint_also_stops_training(self):
        self.flush_channels()
        msg_id = self.kc.execute("model n=400 m=30 density=0.1\ntrain 1000000")
        time.sleep(3)
        self.km.signal_kernel(signal.SIGINT)
        reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        self.flush_channels()
        reply, _ = self.execute_helper(code="print 1")
        self.assertEqual(reply["content"]["status"], "ok")


class ToyKernelLifecycle(unittest.TestCase):
    def test_badly_signed_messages_are_refused(self):
        km, kc = start_new_kernel(kernel_name="toy")
        try:
            kc.session.key = b"not the key"
            kc.kernel_info()
            with self.assertRaises(Exception):
                kc.get_shell_msg(timeout=2)
            kc.session.key = km.session.key
            kc.kernel_info()
            reply = kc.get_shell_msg(timeout=10)
            self.assertEqual(reply["content"]["implementation"], "toy")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)

    def test_the_kernel_exits_when_its_front_end_dies(self):
        # A front end (a Python process with a kernel manager) is killed with SIGKILL: it
        # cannot shut the kernel down, and the kernel must notice by itself.
        kernel_log = tempfile.NamedTemporaryFile(mode="r", suffix=".log")
        self.addCleanup(kernel_log.close)
        front_end = subprocess.Popen(
            [sys.executable, "-c", FRONT_END, kernel_log.name], stdout=subprocess.PIPE, text=True,
            env=os.environ.copy())
        self.addCleanup(front_end.stdout.close)
        kernel_pid = None
        try:
            kernel_pid = int(front_end.stdout.readline())
            os.kill(front_end.pid, signal.SIGKILL)
            front_end.wait()
            start = time.monotonic()
            while alive(kernel_pid) and time.monotonic() - start < 15:
                time.sleep(0.2)
            gone_after = time.monotonic() - start
            self.assertFalse(alive(kernel_pid), "the kernel outlived its front end by 15 s")
            self.assertLess(gone_after, 10)
            self.assertIn("is gone; exiting", kernel_log.read())
        finally:
            if front_end.poll() is None:
                front_end.kill()
                front_end.wait()
            if kernel_pid is not None and alive(kernel_pid):
                os.kill(kernel_pid, signal.SIGKILL)

    def test_a_new_iopub_subscriber_is_welcomed_and_told_the_kernels_state(self):
        # What lets JupyterLab show "Idle" after a kernel it lost is restarted: a status with no
        # parent for each subscriber, after the welcome that Jupyter Server's check consumes.
        km, kc = start_new_kernel(kernel_name="toy")
        try:
            late = km.client()
            late.start_channels()
            self.addCleanup(late.stop_channels)
            first = late.get_iopub_msg(timeout=10)
            second = late.get_iopub_msg(timeout=10)
            self.assertEqual(first["msg_type"], "iopub_welcome")
            self.assertEqual((second["msg_type"], second["content"], second["parent_header"]),
                             ("status", {"execution_state": "idle"}, {}))
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)

    def test_shutdown_ends_the_process(self):
        km, kc = start_new_kernel(kernel_name="toy")
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        self.assertFalse(km.is_alive())


FRONT_END = """
import sys, time
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="toy", stderr=open(sys.argv[1], "w"))
print(km.provisioner.process.pid, flush=True)
time.sleep(120)
"""


def read_png(data):
    """Width, height and rows of (r, g, b) of an 8-bit RGB PNG without filters (toy's)."""
    import struct
    import zlib
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, width, height = 8, b"", 0, 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
            assert body[8:10] == b"\x08\x02", "8-bit RGB"
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + 3 * width
    rows = [raw[y * stride + 1:(y + 1) * stride] for y in range(height)]
    return width, height, [[tuple(row[3 * x:3 * x + 3]) for x in range(width)] for row in rows]


def alive(pid):
    """Whether the process runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


if __name__ == "__main__":
    unittest.main(verbosity=2)
