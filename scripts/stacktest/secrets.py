"""The test run's API key: a value that must never show up in a page, a header or a log."""
import os
import uuid

from . import client

SECRET_KEY = "sk-rdtest-" + uuid.uuid4().hex


def assert_secret_absent(stack):
    needles = [SECRET_KEY.encode()] + [k.encode() for k in client.EXTRA_SECRETS]
    for blob in client.SEEN:
        for n in needles:
            assert n not in blob, "an API key appeared in a response: %r" % blob[:300]
    logs = stack.log_text().encode()
    for n in needles:
        assert n not in logs, "an API key appeared in a log"
    for root, _, files in os.walk(stack.data_dir):
        for f in files:
            if f.endswith((".log", ".err")):
                with open(os.path.join(root, f), "rb") as fh:
                    for n in needles:
                        assert n not in fh.read(), "an API key appeared in " + f
    print("    checked %d responses and %d bytes of logs" % (len(client.SEEN), len(logs)))
