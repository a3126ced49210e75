"""Starts the real stack for tests: `reeldesk serve` and nginx on free ports in a temporary
data dir (and, when asked, the upstream simulator). Everything binds to 127.0.0.1."""
import contextlib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def private_checkout(binary):
    """A copy of the checkout (what `make run` needs) and the binary in a fresh mode-0700 folder,
    as a clone into a home folder or `mktemp -d` is: nginx must serve it all the same."""
    root = tempfile.mkdtemp(prefix="rdclone-")
    assert os.stat(root).st_mode & 0o777 == 0o700
    for part in ("templates", "Public", "nginx", "scripts"):
        shutil.copytree(os.path.join(REPO, part), os.path.join(root, part))
    os.makedirs(os.path.join(root, ".build"))
    copy = os.path.join(root, ".build", "reeldesk")
    shutil.copy2(binary, copy)
    return root, copy


@contextlib.contextmanager
def database(path, timeout=5.0):
    """A short-lived connection: committed and closed on exit. (A connection left open in
    this process loses its POSIX locks whenever any descriptor of the file is closed here,
    e.g. by reading the file raw; it then reads a torn snapshot.)"""
    db = sqlite3.connect(path, timeout=timeout)
    try:
        with db:
            yield db
    finally:
        db.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    def __init__(self, binary, extra_env=None, checkout=REPO):
        self.binary = os.path.abspath(binary)
        self.checkout = checkout
        # Mode 0700, like every mktemp -d: the stack must work from there.
        self.data_dir = tempfile.mkdtemp(prefix="rdtest-")
        self.port = free_port()
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith("REELDESK_"):
                del self.env[k]
        self.env.update({
            "REELDESK_DATA_DIR": self.data_dir,
            "REELDESK_PORT": str(self.port),
            "REELDESK_SIM_PORT": str(free_port()),
            "REELDESK_TEMPLATES_DIR": os.path.join(checkout, "templates"),
            "REELDESK_MAX_BODY_MB": "2",
            "REELDESK_WORKERS": "16",
            "REELDESK_LOG_LEVEL": "info",
            # Fast mode: seconds instead of minutes (CONTRACT.md timings scaled down).
            "REELDESK_SIM_SECONDS": "3",
            "REELDESK_SIM_EXPIRY_SECONDS": "600",
            "REELDESK_POLL_FIRST_SECONDS": "0.5",
            "REELDESK_POLL_MIN_SECONDS": "0.3",
            "REELDESK_POLL_MAX_SECONDS": "0.6",
            "REELDESK_BACKOFF_CAP_SECONDS": "2",
            "REELDESK_UPSTREAM_TIMEOUT_SECONDS": "2",
            "REELDESK_UPSTREAM_RPS": "50",
            "REELDESK_STALL_MINUTES": "0.25",
            # The tests submit many tasks at once; the cap itself is tested with the setting.
            "REELDESK_MAX_IN_FLIGHT": "1000",
        })
        self.env.update(extra_env or {})
        self.serve = None
        self.sim = None
        self.nginx = None
        self.logs = []

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def exports(self):
        out = subprocess.run([self.binary, "check-config", "--export"], env=self.env, cwd=self.checkout,
                             capture_output=True, text=True, check=True).stdout
        return dict(line.split("=", 1) for line in out.strip().splitlines())

    def start(self):
        exports = self.exports()
        env = dict(self.env, **exports)
        prefix = subprocess.run([os.path.join(self.checkout, "scripts", "nginx-conf.sh")], env=env, cwd=self.checkout,
                                capture_output=True, text=True, check=True).stdout.strip()
        self.socket_path = exports["REELDESK_SOCKET"]
        self.sim_socket = exports["REELDESK_SIM_SOCKET"]
        self.sim_port = int(exports["REELDESK_SIM_PORT"])
        extra = getattr(self, "extra_nginx_conf", None)
        if extra:
            with open(os.path.join(prefix, "conf", "extra-tests.conf"), "w") as f:
                f.write(extra(self))
        self.nginx_prefix = prefix
        self.start_simulator()
        self.start_serve()
        self.start_nginx()
        self.add_default_accounts()
        return self

    def start_nginx(self):
        self.nginx = subprocess.Popen(["nginx", "-p", self.nginx_prefix, "-c", "conf/nginx.conf", "-e", "stderr", "-g", "daemon off;"],
                                      cwd=self.checkout, stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.data_dir, "nginx.err"), "a"))
        wait_for(lambda: port_open(self.port), 10, "nginx to listen")
        return self.nginx

    def restart_nginx(self):
        """Stops nginx the fast way (SIGTERM: open connections are cut, as in a crash or an
        upgrade) and starts it again on the same ports."""
        self.nginx.send_signal(signal.SIGTERM)
        self.nginx.wait(10)
        wait_for(lambda: not port_open(self.port), 5, "nginx to stop listening")
        return self.start_nginx()

    def user(self, *args, password=None, check=True):
        """Runs `reeldesk user ARGS…` against this stack's data dir (password on stdin if given)."""
        argv = [self.binary, "user"] + list(args) + (["--password-stdin"] if password is not None else [])
        return subprocess.run(argv, env=self.env, cwd=self.checkout, input=(password + "\n") if password is not None else None,
                              capture_output=True, text=True, check=check)

    def add_user(self, name, role="member"):
        """Adds an account; returns its (name, password)."""
        password = "pw-" + name + "-" + os.urandom(6).hex()
        flags = {"admin": ["--admin"], "viewer": ["--viewer"], "member": []}[role]
        self.user("add", name, *flags, password=password)
        return name, password

    def add_default_accounts(self):
        """The first-start admin (its password read from what `user bootstrap` printed once) and
        the member every Browser signs in as."""
        from . import client
        out = self.user("bootstrap").stdout
        m = re.search(r"account admin with password (\S+)", out)
        if m:
            self.admin_login = ("admin", m.group(1))
        if getattr(self, "member_login", None) is None:
            self.member_login = self.add_user("tester")
        if self.env.get("REELDESK_TRUSTED_USER_HEADER"):
            return  # behind a (simulated) auth proxy: no password sessions
        client.LOGINS[self.port] = self.member_login
        if client.DEFAULT_BASE is None:
            client.DEFAULT_BASE, client.DEFAULT_LOGIN = self.base, self.member_login
        b = client.Browser(self.port)
        b.get("/healthz")
        client.COOKIES[self.port] = b.session_cookie()

    def _spawn(self, command, socket_path):
        """Starts `reeldesk COMMAND` logging to the data dir; returns once it accepts on its socket
        (a stale socket file left by kill -9 does not count)."""
        log = open(os.path.join(self.data_dir, "%s-%d.log" % (command, len(self.logs))), "w")
        self.logs.append(log.name)
        # What one process alone sees (a drill points `serve` or the simulator elsewhere).
        env = dict(self.env, **(getattr(self, command.replace("simulator", "sim") + "_env", None) or {}))
        proc = subprocess.Popen([self.binary, command], env=env, cwd=self.checkout, stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: proc.poll() is None and unix_socket_live(socket_path), 15, "reeldesk %s to open its socket" % command)
        return proc

    def start_serve(self):
        self.serve = self._spawn("serve", self.socket_path)
        return self.serve

    def start_simulator(self):
        self.sim = self._spawn("simulator", self.sim_socket)
        return self.sim

    def stop_simulator(self):
        self.sim.send_signal(signal.SIGTERM)
        self.sim.wait(10)

    @property
    def sim_base(self):
        return "http://127.0.0.1:%d" % self.sim_port

    def stop(self):
        for p in (self.serve, self.sim, self.nginx):
            if p and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()

    def log_text(self):
        text = ""
        extra = [os.path.join(self.data_dir, "nginx.err"), os.path.join(self.data_dir, "nginx", "logs", "access.log")]
        for name in self.logs + [e for e in extra if os.path.exists(e)]:
            with open(name, errors="replace") as f:
                text += f.read()
        return text

    def cleanup(self):
        self.stop()
        if os.environ.get("RD_KEEP_DATA"):  # for post-mortems: the logs and the database stay
            print("    data dir kept: " + self.data_dir)
            return
        shutil.rmtree(self.data_dir, ignore_errors=True)


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def unix_socket_live(path):
    with socket.socket(socket.AF_UNIX) as s:
        try:
            s.connect(path)
            return True
        except OSError:
            return False


def wait_for(predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)
