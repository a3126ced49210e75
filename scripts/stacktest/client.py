"""A minimal HTTP client for the stack tests: exact control over headers, bodies and streams."""
import http.client
import re
import socket
import time
import uuid

# Every response the tests saw (head and body), so the run can prove the API key never leaked.
SEEN = []
# Other keys used by a test (e.g. a deliberately wrong one) that must not leak either.
EXTRA_SECRETS = []
# Per stack port: the account a Browser signs in as unless told otherwise ((name, password),
# set by the stack at start), and a session cookie of it for raw streams.
LOGINS = {}
COOKIES = {}
# The first stack's base URL and login, for the browser tests' Chromium.
DEFAULT_BASE = None
DEFAULT_LOGIN = None


class Browser:
    """Keeps cookies like a browser and knows how to fill Reeldesk's forms. Signs in (as
    `login`, by default the stack's test member) before its first request; login=None stays
    signed out."""

    def __init__(self, port, login="default"):
        self.port = port
        self.cookies = {}
        self.login_as = LOGINS.get(port) if login == "default" else login

    def sign_in(self, name, password, expect_ok=True):
        page = self.request("GET", "/login")
        m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
        assert m, "no csrf token on the login page (status %d)" % page.status
        from urllib.parse import urlencode
        r = self.request("POST", "/login", body=urlencode({"name": name, "password": password, "csrf_token": m.group(1)}).encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        if expect_ok:
            assert r.status == 303, "sign-in as %s failed: %d %s" % (name, r.status, r.text[:300])
        return r

    def session_cookie(self):
        return "rd_session=" + self.cookies.get("rd_session", "")

    def request(self, method, path, body=None, headers=None):
        if self.login_as:
            login, self.login_as = self.login_as, None
            self.sign_in(*login)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        SEEN.append(str(r.headers).encode() + data)
        if (r.headers.get("Content-Type") or "").startswith("text/html"):
            from . import conformance
            conformance.record_html(path, data)
        for v in r.headers.get_all("Set-Cookie") or []:
            name, _, rest = v.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return Response(r.status, r.headers, data)

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def csrf(self):
        page = self.get("/")
        m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
        assert m, "no csrf token in the form"
        return m.group(1)

    def post_form(self, path, fields, with_token=True):
        from urllib.parse import urlencode
        fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if with_token:
            fields.append(("csrf_token", self.csrf()))
        return self.request("POST", path, body=urlencode(fields).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(self, path, fields, files, with_token=True):
        fields = list(fields.items())
        if with_token:
            fields.append(("csrf_token", self.csrf()))
        body, ctype = multipart(fields, files)
        return self.request("POST", path, body=body, headers={"Content-Type": ctype})


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", "replace")


def multipart(fields, files):
    boundary = "----rdtest" + uuid.uuid4().hex
    out = b""
    for name, value in fields:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, name)).encode() + value.encode() + b"\r\n"
    for name, (filename, ctype, data) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                % (boundary, name, filename, ctype)).encode() + data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, "multipart/form-data; boundary=" + boundary


class EventStream:
    """An open /events stream over a raw socket; parses SSE frames as they arrive."""

    def __init__(self, port, path="/events", last_event_id=None, cookie="default"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        extra = "Last-Event-ID: %s\r\n" % last_event_id if last_event_id is not None else ""
        cookie = COOKIES.get(port) if cookie == "default" else cookie
        if cookie:
            extra += "Cookie: %s\r\n" % cookie
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n%s\r\n" % (path, extra)).encode())
        self.buf = b""
        head = self._read_until(b"\r\n\r\n", 10)
        self.status = int(head.split(b" ", 2)[1])
        self.headers = head.decode("latin-1")
        self.chunked = "transfer-encoding: chunked" in self.headers.lower()
        self.raw = b""

    def _read_until(self, marker, timeout):
        deadline = time.time() + timeout
        while marker not in self.buf:
            self.sock.settimeout(max(0.01, deadline - time.time()))
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("stream closed")
            self.buf += chunk
        head, _, self.buf = self.buf.partition(marker)
        return head

    def events(self, count, timeout):
        """Reads until `count` events (not comments) arrived or the timeout passed."""
        found = []
        deadline = time.time() + timeout
        while len(found) < count and time.time() < deadline:
            found = parse_events(dechunk(self.buf) if self.chunked else self.buf)
            if len(found) >= count:
                break
            self.sock.settimeout(max(0.01, deadline - time.time()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            self.buf += chunk
        return parse_events(dechunk(self.buf) if self.chunked else self.buf)

    def is_closed(self, timeout):
        """True when the server ends the stream within `timeout` seconds."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.time()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            except OSError:
                return True
            if not chunk:
                return True
            self.buf += chunk
            if self.chunked and b"\r\n0\r\n\r\n" in b"\r\n" + self.buf:
                return True
        return False

    def close(self):
        SEEN.append(self.headers.encode() + self.buf)
        self.sock.close()


def dechunk(data):
    out = b""
    while data:
        line, sep, rest = data.partition(b"\r\n")
        if not sep:
            break
        try:
            size = int(line.split(b";")[0], 16)
        except ValueError:
            break
        if size == 0 or len(rest) < size:
            out += rest[:size] if size else b""
            break
        out += rest[:size]
        data = rest[size + 2:]
    return out


def parse_events(data):
    events = []
    # Only complete frames: the text after the last blank line may still be arriving.
    for block in data.decode("utf-8", "replace").split("\n\n")[:-1]:
        fields = {}
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            k, _, v = line.partition(":")
            v = v[1:] if v.startswith(" ") else v
            fields[k] = fields[k] + "\n" + v if k in fields and k == "data" else v
        if "id" in fields and "data" in fields:
            events.append(fields)
    return events
