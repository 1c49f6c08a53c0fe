"""toy's Jupyter kernel driven by the real client (jupyter_client, jupyter_kernel_test).

Run by scripts/test with the kernelspec installed under a temporary JUPYTER_PATH. Prints
unittest's summary; scripts/test counts the results.
"""

import os
import signal
import time
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel


class ToyKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "toy"
    language_name = "toy"
    file_extension = ".toy"

    # toy's print is a display (text/plain with application/json), not a stdout stream:
    # test_hello_world below checks it.
    code_display_data = [
        {"code": "model n=5 m=2 density=0.1\nshow geometry", "mime": "image/svg+xml"},
        {"code": "model n=5 m=2 density=0.1\nshow wtw", "mime": "application/json"},
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

    def test_hello_world(self):
        self.flush_channels()
        reply, outputs = self.execute_helper(code='print "hello, world"')
        self.assertEqual(reply["content"]["status"], "ok")
        displays = [o for o in outputs if o["msg_type"] == "display_data"]
        self.assertEqual(len(displays), 1)
        self.assertEqual(displays[0]["content"]["data"]["text/plain"], "hello, world")

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

    def test_training_progress_updates_one_display(self):
        self.flush_channels()
        reply, outputs = self.execute_helper(code="model n=20 m=5 density=0.1\ntrain 3000")
        self.assertEqual(reply["content"]["status"], "ok")
        ids = {o["content"]["transient"]["display_id"] for o in outputs
               if o["msg_type"] in ("display_data", "update_display_data") and "transient" in o["content"]
               and "display_id" in o["content"]["transient"]}
        self.assertEqual(len(ids), 1)
        updates = [o for o in outputs if o["msg_type"] == "update_display_data"]
        self.assertGreaterEqual(len(updates), 1)
        self.assertIn("step 3000/3000", updates[-1]["content"]["data"]["text/plain"])

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
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        self.flush_channels()
        reply, outputs = self.execute_helper(code="print big.steps")
        self.assertEqual(reply["content"]["status"], "ok")
        steps = [o for o in outputs if o["msg_type"] in ("display_data", "execute_result")]
        trained = float(steps[-1]["content"]["data"]["text/plain"].split()[-1])
        self.assertGreater(trained, 0)
        self.assertLess(trained, 1000000)


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

    def test_shutdown_ends_the_process(self):
        km, kc = start_new_kernel(kernel_name="toy")
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        self.assertFalse(km.is_alive())


if __name__ == "__main__":
    unittest.main(verbosity=2)
