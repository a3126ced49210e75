"""A minimal FastCGI client (the record protocol, spoken directly to a unix socket), to send
what nginx never would: hostile parameters and bodies."""
import socket
import struct

BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6


def record(kind, content, request_id=1):
    return struct.pack(">BBHHBB", 1, kind, request_id, len(content), 0, 0) + content


def name_value(name, value):
    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


def request(socket_path, params, body=b"", timeout=10):
    """Sends one request; returns (status, raw stdout) once the responder ends it."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(socket_path)
    try:
        out = record(BEGIN_REQUEST, struct.pack(">HB5x", 1, 0))
        encoded = b"".join(name_value(k.encode(), v.encode()) for k, v in params)
        out += record(PARAMS, encoded) + record(PARAMS, b"")
        for i in range(0, len(body), 65535):
            out += record(STDIN, body[i:i + 65535])
        out += record(STDIN, b"")
        s.sendall(out)
        data = b""
        stdout = b""
        while True:
            while len(data) < 8:
                chunk = s.recv(65536)
                if not chunk:
                    raise EOFError("connection closed before END_REQUEST")
                data += chunk
            _, kind, _, length, padding, _ = struct.unpack(">BBHHBB", data[:8])
            while len(data) < 8 + length + padding:
                chunk = s.recv(65536)
                if not chunk:
                    raise EOFError("truncated record")
                data += chunk
            content, data = data[8:8 + length], data[8 + length + padding:]
            if kind == STDOUT:
                stdout += content
            elif kind == END_REQUEST:
                break
        first = stdout.split(b"\r\n", 1)[0].decode("latin-1")
        status = int(first.split()[1]) if first.startswith("Status:") else 200
        return status, stdout
    finally:
        s.close()


BASE_PARAMS = [("REQUEST_METHOD", "GET"), ("DOCUMENT_URI", "/healthz"), ("REQUEST_URI", "/healthz"),
               ("QUERY_STRING", ""), ("SERVER_PROTOCOL", "HTTP/1.1"), ("REMOTE_ADDR", "127.0.0.1")]
