"""toy's Jupyter kernel driven by the real client (jupyter_client, jupyter_kernel_test).

Run by scripts/test with the kernelspec installed under a temporary JUPYTER_PATH. Prints
unittest's summary; scripts/test counts the results.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel


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
    completion_samples = [{"text": "tra", "matches": {"train"}}, {"text": "model kind=hid", "matches": {"hidden_relu"}}]
    complete_code_samples = ["train 10", "model n=5 m=2", "print 1 + 2"]
    incomplete_code_samples = ["for p in [1, 2] do", "model n=5 m=2 density=p for p in [1,"]
    invalid_code_samples = ["model n=5 m=2 )", "train )"]
    code_inspect_sample = "train"
    code_generate_error = "model n=0 m=2"
    code_history_pattern = "1 + *"
    supported_history_operations = ("tail",)

    def test_language_info_names_toys_highlighting(self):
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        info = self.kc.get_shell_msg(timeout=10)["content"]["language_info"]
        # editors/pygments registers the lexer "toy"; CodeMirror's Julia mode is the nearest
        # JupyterLab ships (editors/README.md).
        self.assertEqual((info["pygments_lexer"], info["codemirror_mode"], info["mimetype"]),
                         ("toy", "julia", "text/x-toy"))
        self.assertTrue(msg_id)

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


def alive(pid):
    """Whether the process runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


if __name__ == "__main__":
    unittest.main(verbosity=2)
