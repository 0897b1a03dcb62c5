"""The verify sandbox: one snippet's process tree, kept off the network, away from every file
but its own temporary folder and from every process but its own, and ended completely.

Where Linux namespaces are available (as root, or with unprivileged user namespaces), a
snippet runs with
- its own network namespace holding only a loopback interface. The emulator's listening
  socket is made inside it and handed to the runner, which serves it: 127.0.0.1 inside is the
  emulator and nothing else, so no other host and no port of this machine is reachable, by
  any means (Python's socket module, `_socket`, a `curl` child, UDP, DNS);
- its own mount namespace in which every file system is read-only except the run's temporary
  folder (working directory, HOME, TMPDIR) and a private /dev/shm;
- its own PID namespace and /proc: it sees its own processes only (not the environment of
  the runner or of any other process), and when its first process ends the kernel kills every
  process left in it, whatever session or process group they moved to;
- no capabilities (bounding set emptied, no_new_privs), so it cannot undo any of the above.
Without namespaces (another OS, or the probe failed: `isolation()` says why) the snippet runs
in its own session under a supervisor that is a subreaper: every descendant, daemonised or
not, is killed when the snippet ends or times out. Network and files are then not contained;
the runner says so.

Two halves in one module, stdlib only, so the fork server can load it by path and so it runs
as a launcher script without the migrator package:
- child side, `enter(spec)`: called in the process that becomes the snippet (the fork
  server's child, or this file run as `python -I -S sandbox.py SPEC -- ARGV...`, which then
  executes ARGV). The caller stays behind as the supervisor (C); with namespaces C forks the
  namespace's init (I, PID 1), which forks the snippet (S); `enter` returns in S only.
- runner side, `Sandbox`: the temporary folder, the emulator hand-over, start, wait, timeout,
  a snippet that turned into a server, and the tree kill. `Sandbox.run(argv, ...)` runs any
  command this way (Node snippets too); `Sandbox.supervise` serves a process started elsewhere
  (the fork server).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

EMULATOR_PORT = 47800  # the emulator's port inside a snippet's network namespace
OUTPUT_CAP = 256 * 1024  # bytes kept per stream
SERVER_IDLE = 5.0  # seconds a listening, idle snippet waits before it is called a server
_WATCH_AFTER = 2.0  # most snippets are done by then; no /proc scans before
_ME = os.path.abspath(__file__)

# --- Linux primitives (ctypes, loaded on first use) ---------------------------------------------

_CLONE_NEWNS, _CLONE_NEWIPC, _CLONE_NEWUSER = 0x00020000, 0x08000000, 0x10000000
_CLONE_NEWPID, _CLONE_NEWNET = 0x20000000, 0x40000000
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_BIND, _MS_REC, _MS_PRIVATE = 2, 4, 8, 4096, 16384, 1 << 18
_PR_SET_PDEATHSIG, _PR_CAPBSET_DROP, _PR_SET_CHILD_SUBREAPER = 1, 24, 36
_PR_SET_NO_NEW_PRIVS, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
_SYS_MOUNT_SETATTR = 442  # one number on every architecture (added in Linux 5.12)
_AT_FDCWD, _AT_RECURSIVE, _MOUNT_ATTR_RDONLY = -100, 0x8000, 1
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1

_LIBC: Any = None


def _libc() -> Any:
    global _LIBC
    if _LIBC is None:
        import ctypes

        _LIBC = ctypes.CDLL(None, use_errno=True)
    return _LIBC


def _check(result: int, what: str) -> None:
    if result != 0:
        import ctypes

        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _prctl(option: int, arg: int = 0) -> int:
    import ctypes

    return int(_libc().prctl(option, ctypes.c_ulong(arg), ctypes.c_ulong(0),
                             ctypes.c_ulong(0), ctypes.c_ulong(0)))


def _mount(source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    import ctypes

    def b(text: str | None) -> bytes | None:
        return os.fsencode(text) if text is not None else None

    _check(_libc().mount(b(source), b(target), b(fstype), ctypes.c_ulong(flags), b(data)),
           f"mount {target}")


def _mount_setattr(path: str, *, set_flags: int = 0, clear_flags: int = 0) -> None:
    import ctypes

    attr = (ctypes.c_uint64 * 4)(set_flags, clear_flags, 0, 0)
    result = _libc().syscall(ctypes.c_long(_SYS_MOUNT_SETATTR), ctypes.c_int(_AT_FDCWD),
                             os.fsencode(path), ctypes.c_uint(_AT_RECURSIVE),
                             ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)))
    _check(0 if result == 0 else -1, f"mount_setattr {path}")


def warm() -> None:
    """Import and load what `enter` needs, once, in a process that forks many children."""
    import fcntl  # noqa: F401
    import resource  # noqa: F401

    _libc()


# --- child side ---------------------------------------------------------------------------------

def enter(spec: dict[str, Any]) -> None:
    """Turn the calling process into a sandboxed snippet. Call it single-threaded, as the
    leader of a session of its own. Returns in the snippet's process only: the caller stays
    behind as the supervisor and exits with the snippet's status."""
    if not spec.get("isolate"):
        _split(pid_namespace=False)
        return
    control = None
    try:
        if spec.get("control"):
            # before unshare: a path socket outlives the network namespace switch, an
            # abstract one (a long temporary path) would not
            control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            control.connect(spec["control"])
        _isolate(spec, control)
    except OSError as exc:
        message = f"gemini-migrate sandbox: {exc}"
        if control is not None:
            with contextlib.suppress(OSError):
                control.sendall(message.encode())
        os.write(2, (message + "\n").encode())
        os._exit(70)
    if control is not None:
        control.close()
    _split(pid_namespace=True)
    _drop_capabilities()


def _isolate(spec: dict[str, Any], control: socket.socket | None) -> None:
    uid, gid = os.geteuid(), os.getegid()
    flags = _CLONE_NEWNS | _CLONE_NEWPID | _CLONE_NEWIPC
    if spec.get("net"):
        flags |= _CLONE_NEWNET
    if spec.get("userns"):
        flags |= _CLONE_NEWUSER
    _check(_libc().unshare(flags), "unshare")
    if spec.get("userns"):
        # the same ids inside as outside: files the snippet writes belong to the user
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                           ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w", encoding="ascii") as fh:
                fh.write(text)
    if spec.get("net"):
        _loopback_up()
        if control is not None:
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.bind(("127.0.0.1", int(spec.get("port") or EMULATOR_PORT)))
            listener.listen(128)
            socket.send_fds(control, [b"ok"], [listener.fileno()])
            listener.close()
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)  # nothing propagates back to the host
    if spec.get("readonly"):
        writable = [os.path.realpath(p) for p in spec.get("writable", [])]
        for path in writable:
            _mount(path, path, None, _MS_BIND | _MS_REC)
        _mount_setattr("/", set_flags=_MOUNT_ATTR_RDONLY)
        for path in writable:
            _mount_setattr(path, clear_flags=_MOUNT_ATTR_RDONLY)
        if os.path.isdir("/dev/shm"):
            # POSIX semaphores (multiprocessing) need it writable; a private one
            with contextlib.suppress(OSError):
                _mount("tmpfs", "/dev/shm", "tmpfs", _MS_NOSUID | _MS_NODEV, "size=64m")
        # the working directory was reached through the old, now read-only, mount
        os.chdir(os.getcwd())


def _loopback_up() -> None:
    import fcntl

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH22x", b"lo", 0)
        current = struct.unpack("16sH22x", fcntl.ioctl(sock, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", current | _IFF_UP))


def _split(*, pid_namespace: bool) -> None:
    """Fork the snippet; the caller becomes its supervisor and never returns from here."""
    linux = sys.platform.startswith("linux")
    if not pid_namespace and linux:
        _prctl(_PR_SET_CHILD_SUBREAPER, 1)  # orphaned descendants come back to us
    read_end, write_end = os.pipe() if pid_namespace else (-1, -1)
    first = os.fork()
    if first == 0:
        if not pid_namespace:
            return  # the snippet
        os.close(read_end)
        _init(write_end)  # PID 1 of the new namespace; returns in the snippet
        return
    if pid_namespace:
        os.close(write_end)
    status = _wait_for(first)
    if pid_namespace:
        relayed = _read_all(read_end)
        os.close(read_end)
        if len(relayed) == 4:
            status = struct.unpack("i", relayed)[0]
    else:
        # the snippet is gone: end whatever it left, daemons included (they are ours now)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(-1, os.WNOHANG)  # raises when there is no child at all: nothing to do
            kill_tree(os.getpid(), include_root=False)
            while True:
                os.wait()
    _exit_like(status)


def _init(status_pipe: int) -> None:
    """PID 1 of the snippet's namespace: mount its /proc, fork the snippet, reap orphans, and
    exit when the snippet does, which makes the kernel kill everything left."""
    try:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # the supervisor killed: the namespace ends
        _mount("proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    except OSError as exc:
        os.write(2, f"gemini-migrate sandbox: {exc}\n".encode())
        os._exit(70)
    snippet = os.fork()
    if snippet == 0:
        os.close(status_pipe)
        return
    status = _wait_for(snippet, reap_others=True)
    os.write(status_pipe, struct.pack("i", status))
    os._exit(0)


def _wait_for(pid: int, reap_others: bool = False) -> int:
    while True:
        try:
            found, status = os.waitpid(-1 if reap_others else pid, 0)
        except ChildProcessError:
            return 0
        if found == pid:
            return status


def _read_all(fd: int) -> bytes:
    data = b""
    while chunk := os.read(fd, 64):
        data += chunk
    return data


def _exit_like(status: int) -> None:
    """Exit as the snippet did: same code, or killed by the same signal."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        with contextlib.suppress(OSError, ValueError):
            import resource

            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)
        os._exit(128 + number)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)


def _drop_capabilities() -> None:
    """No capability now or after any exec: the snippet cannot remount, unmount, enter other
    namespaces or trace processes outside its own."""
    import ctypes

    try:
        with open("/proc/sys/kernel/cap_last_cap", encoding="ascii") as fh:
            last = int(fh.read())
    except (OSError, ValueError):
        last = 63
    for cap in range(last + 1):
        _prctl(_PR_CAPBSET_DROP, cap)
    _prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL)
    _check(_prctl(_PR_SET_NO_NEW_PRIVS, 1), "no_new_privs")
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this thread
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable (x2): all empty
    _check(_libc().capset(ctypes.byref(header), ctypes.byref(data)), "capset")


def _probe() -> dict[str, Any]:
    """Try the whole isolation once in a throw-away child; say what works."""
    root = tempfile.mkdtemp(prefix="gemini-verify-probe-")
    outside = tempfile.mkdtemp(prefix="gemini-verify-probe-")
    reasons = []
    try:
        for userns in ([False, True] if os.geteuid() == 0 else [True]):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                try:
                    os.setsid()
                    os.chdir(root)
                    _isolate({"net": True, "userns": userns, "readonly": True,
                              "writable": [root]}, None)
                    _split(pid_namespace=True)
                    _drop_capabilities()
                    with open(os.path.join(root, "ok"), "w", encoding="ascii"):
                        pass
                    try:
                        with open(os.path.join(outside, "leak"), "w", encoding="ascii"):
                            pass
                        raise OSError("the file system stayed writable")
                    except OSError as exc:
                        if exc.errno != errno.EROFS:
                            raise
                    with socket.socket() as sock:
                        sock.bind(("127.0.0.1", EMULATOR_PORT))
                    os.write(write_end, b"ok")
                except BaseException as exc:  # noqa: BLE001 - reported, whatever it is
                    os.write(write_end, str(exc).encode()[:500])
                os._exit(0)
            os.close(write_end)
            answer = _read_all(read_end).decode("utf-8", "replace")
            os.close(read_end)
            _wait_for(pid)
            if answer == "ok":
                return {"ok": True, "userns": userns}
            reasons.append(answer or "the sandbox's first process failed")
        return {"ok": False, "reason": reasons[-1]}
    finally:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(outside, ignore_errors=True)


def _launch(args: list[str]) -> int:
    """`python -I -S sandbox.py SPEC -- ARGV...`: sandbox this process, then run ARGV."""
    if args == ["--probe"]:
        print(json.dumps(_probe()), flush=True)
        return 0
    if len(args) < 3 or args[1] != "--":
        print("usage: sandbox.py SPEC -- ARGV...", file=sys.stderr)
        return 2
    enter(json.loads(args[0]))
    argv = args[2:]
    try:
        os.execvpe(argv[0], argv, os.environ)
    except OSError as exc:
        os.write(2, f"gemini-migrate: cannot start {argv[0]}: {exc.strerror}\n".encode())
    return 127


# --- process trees ------------------------------------------------------------------------------

def _stat_fields(pid: int | str) -> list[str] | None:
    """/proc/PID/stat after the command name (which may hold spaces and parentheses)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].decode().split()
    except (OSError, IndexError):
        return None


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid`, parents before children (Linux /proc)."""
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    children: dict[int, list[int]] = {}
    for name in names:
        if name.isdigit():
            fields = _stat_fields(name)
            if fields is not None and len(fields) > 1:
                children.setdefault(int(fields[1]), []).append(int(name))
    out: list[int] = []
    queue = [pid]
    while queue:
        for child in children.get(queue.pop(0), []):
            out.append(child)
            queue.append(child)
    return out


def kill_tree(pid: int, *, include_root: bool = True) -> None:
    """SIGKILL `pid`, its process group and every descendant. Stop them all first, so none
    forks or is reparented away while the tree is being collected."""
    if os.name != "posix":  # pragma: no cover - no signals to stop a tree with
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
        return
    stopped: list[int] = []
    for _ in range(100):
        fresh = [p for p in ([pid] if include_root else []) + descendants(pid)
                 if p not in stopped]
        if not fresh:
            break
        for target in fresh:
            with contextlib.suppress(OSError):
                os.kill(target, signal.SIGSTOP)
            stopped.append(target)
    for target in stopped:
        with contextlib.suppress(OSError):
            os.kill(target, signal.SIGKILL)
    if include_root and os.name == "posix":
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)


def listening(pids: list[int]) -> list[str]:
    """host:port of the TCP sockets these processes listen on."""
    inodes: set[str] = set()
    namespace_of = None
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
                        namespace_of = namespace_of or pid
        except OSError:
            continue
    if not inodes:
        return []
    found = []
    for table in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{namespace_of}/net/{table}", encoding="ascii") as fh:
                rows = fh.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 9 and fields[3] == "0A" and fields[9] in inodes:
                found.append(_address(fields[1]))
    return sorted(set(found))


def _address(hex_address: str) -> str:
    import ipaddress

    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    # /proc prints the address as 32-bit words in host byte order
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4)) \
        if sys.byteorder == "little" else raw
    address = ipaddress.ip_address(words)
    text = f"[{address}]" if address.version == 6 else str(address)
    return f"{text}:{int(port, 16)}"


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None and len(fields) > 14:
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total


# --- what runs now (Ctrl-C) ---------------------------------------------------------------------

_RUNNING: set[int] = set()
# Set on Ctrl-C. A process can start before its thread records it: a late arrival is stopped
# as soon as it is recorded.
_INTERRUPTED = threading.Event()


def track(pid: int) -> None:
    _RUNNING.add(pid)
    if _INTERRUPTED.is_set():
        kill_tree(pid)


def untrack(pid: int) -> None:
    _RUNNING.discard(pid)


def kill_running() -> None:
    """Stop every sandboxed process tree still running (Ctrl-C)."""
    _INTERRUPTED.set()  # before the snapshot: a pid recorded after it sees the flag
    for pid in list(_RUNNING):
        kill_tree(pid)


# --- runner side --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Isolation:
    """What this machine gives a snippet."""

    namespaces: bool
    userns: bool = False
    reason: str = ""  # why not, when not

    def describe(self, *, live: bool) -> dict[str, str]:
        """For reports: what is contained, per resource."""
        if self.namespaces:
            return {"network": "host network (--live)" if live else
                    "own network namespace: loopback with the emulator only",
                    "files": "read-only outside the snippet's temporary folder",
                    "processes": "own PID namespace and /proc; all killed at the end"}
        linux = sys.platform.startswith("linux")
        return {"network": "host network (--live)" if live else
                "not isolated: only Python's socket module is limited to loopback",
                "files": "not contained: the snippet can write wherever you can",
                "processes": "own session; every descendant killed at the end" if linux
                else "own session; its process group killed at the end",
                "reason": self.reason}


_ISOLATION: Isolation | None = None
_ISOLATION_LOCK = threading.Lock()


def isolation() -> Isolation:
    """Whether snippets get namespaces here (probed once per process).
    GEMINI_MIGRATE_VERIFY_SANDBOX=0 turns them off."""
    global _ISOLATION
    with _ISOLATION_LOCK:
        if _ISOLATION is None:
            _ISOLATION = _probe_isolation()
        return _ISOLATION


def _probe_isolation() -> Isolation:
    if os.environ.get("GEMINI_MIGRATE_VERIFY_SANDBOX") == "0":
        return Isolation(False, reason="turned off with GEMINI_MIGRATE_VERIFY_SANDBOX=0")
    if not sys.platform.startswith("linux"):
        return Isolation(False, reason="needs Linux namespaces")
    try:
        done = subprocess.run([sys.executable, "-I", "-S", _ME, "--probe"],
                              capture_output=True, text=True, timeout=60,
                              env={"PATH": os.environ.get("PATH", os.defpath)})
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
        return Isolation(False, reason="the namespace probe did not run")
    if answer.get("ok"):
        return Isolation(True, userns=bool(answer.get("userns")))
    return Isolation(False, reason=f"Linux namespaces are not available here "
                                   f"({answer.get('reason') or 'unknown'})")


@dataclass
class Outcome:
    """How one sandboxed process tree ended."""

    exit_code: int | None = None
    timed_out: bool = False
    server: str | None = None  # listening addresses when it was stopped as a server
    seconds: float = 0.0
    stdout: str = ""
    stderr: str = ""
    stdout_truncated: bool = False
    error: str | None = None  # could not start, or the sandbox failed


class LostProcess(Exception):
    """The process's exit status can no longer be known (its parent died)."""


def read_capped(stream: Any, sink: list[bytes], flags: dict[str, bool]) -> None:
    """Keep the first OUTPUT_CAP bytes; drain (and drop) the rest so the writer never blocks."""
    kept = 0
    while chunk := stream.read(65536):
        room = OUTPUT_CAP - kept
        if room > 0:
            sink.append(chunk[:room])
            kept += min(room, len(chunk))
        if len(chunk) > max(room, 0):
            flags["truncated"] = True
    stream.close()


class Sandbox:
    """One sandboxed execution in `root`, a fresh private temporary folder: the only place the
    snippet may write (give it its working directory and HOME under `root`; `env()` points the
    temporary directory there).

    With `emulator` (an Emulator not yet started) and `network`, the snippet reaches the
    emulator at `url` and nothing else. Without namespaces the emulator is started at once on
    the host's loopback and `url` is its address. `network=False` keeps the host network
    (--live)."""

    def __init__(self, root: str, *, emulator: Any = None, network: bool = True,
                 readonly: bool = True) -> None:
        self.root = os.path.realpath(root)
        self.isolation = isolation()
        self.emulator = emulator
        self.tmp = os.path.join(self.root, "tmp")
        os.makedirs(self.tmp, exist_ok=True)
        self._control: socket.socket | None = None
        self.spec: dict[str, Any] = {"isolate": self.isolation.namespaces,
                                     "userns": self.isolation.userns, "net": network,
                                     "readonly": readonly, "writable": [self.root],
                                     "port": EMULATOR_PORT}
        self.url: str | None = None
        if emulator is None:
            return
        if self.isolation.namespaces and network:
            self._control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address = os.path.join(self.root, "sandbox.sock")
            if len(os.fsencode(address)) >= 100:  # sun_path is 108 bytes
                address = f"\0gemini-verify-{os.getpid()}-{id(self)}"
            self._control.bind(address)
            self._control.listen(1)
            self.spec["control"] = address
            self.url = f"http://127.0.0.1:{EMULATOR_PORT}"
        else:
            emulator.start()
            self.url = emulator.url

    def env(self) -> dict[str, str]:
        return {"TMPDIR": self.tmp, "TMP": self.tmp, "TEMP": self.tmp}

    def close(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- a command --------------------------------------------------------------------------
    def run(self, argv: list[str], *, cwd: str, env: dict[str, str],
            timeout: float) -> Outcome:
        """Run `argv` (an executable and its arguments; PATH is searched) in the sandbox,
        stdin from /dev/null, output captured (OUTPUT_CAP per stream)."""
        start = time.monotonic()
        launcher = [sys.executable, "-I", "-S", _ME, json.dumps(self.spec), "--", *argv] \
            if hasattr(os, "fork") else argv  # no supervisor without fork (Windows)
        try:
            proc = subprocess.Popen(launcher, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=os.name == "posix")
        except OSError as exc:
            return Outcome(error=f"cannot start {argv[0]}: {exc.strerror or exc}")
        out: list[bytes] = []
        err: list[bytes] = []
        flags = {"stdout": {"truncated": False}, "stderr": {"truncated": False}}
        threads = [threading.Thread(target=read_capped, args=(proc.stdout, out,
                                                              flags["stdout"]), daemon=True),
                   threading.Thread(target=read_capped, args=(proc.stderr, err,
                                                              flags["stderr"]), daemon=True)]
        for thread in threads:
            thread.start()

        def wait_exit(seconds: float) -> int | None:
            try:
                return proc.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                return None

        outcome = self.supervise(proc.pid, wait_exit, timeout, start=start)
        for thread in threads:
            thread.join(timeout=5)
        outcome.stdout = b"".join(out).decode("utf-8", "replace")
        outcome.stderr = b"".join(err).decode("utf-8", "replace")
        outcome.stdout_truncated = flags["stdout"]["truncated"]
        return outcome

    # --- a process started elsewhere ------------------------------------------------------
    def supervise(self, pid: int, wait_exit: Callable[[float], int | None], timeout: float,
                  *, start: float | None = None) -> Outcome:
        """Serve the emulator to, wait for, and end the sandboxed tree whose supervisor is
        `pid` (a process that called enter(self.spec)). `wait_exit(seconds)` returns its exit
        code, None while it runs, or raises LostProcess."""
        start = time.monotonic() if start is None else start
        deadline = start + timeout
        outcome = Outcome()
        track(pid)
        try:
            code = self._attach(pid, wait_exit, deadline, outcome)
            watch = _ServerWatch(self.emulator)
            while code is None and outcome.error is None:
                now = time.monotonic()
                if now >= deadline:
                    outcome.timed_out = True
                    outcome.server = ", ".join(listening([pid, *descendants(pid)])) or None
                    break
                code = wait_exit(min(0.5, deadline - now))
                if code is None and now - start >= _WATCH_AFTER:
                    outcome.server = watch.idle_server(pid)
                    if outcome.server:
                        break
            if code is None:
                kill_tree(pid)  # still unreaped here, so the pid cannot have been reused
                code = wait_exit(10)
            outcome.exit_code = None if outcome.timed_out or outcome.server else code
        except LostProcess as exc:
            outcome.error = str(exc) or "the snippet's parent process died"
            kill_tree(pid)
        finally:
            # An exited supervisor left nothing behind: the namespace's end killed the rest,
            # or, without namespaces, it killed its descendants itself before exiting.
            untrack(pid)
            if not sys.platform.startswith("linux") and os.name == "posix":
                # no /proc to find descendants by: their process group at least
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
            outcome.seconds = time.monotonic() - start
        return outcome

    def _attach(self, pid: int, wait_exit: Callable[[float], int | None], deadline: float,
                outcome: Outcome) -> int | None:
        """Take the emulator's listening socket from the sandbox and serve it. Returns the
        exit code when the process ended first."""
        if self._control is None:
            return None
        self._control.settimeout(0.05)
        while True:
            try:
                connection, _ = self._control.accept()
                break
            except TimeoutError:
                code = wait_exit(0)
                if code is not None:
                    return code
                if time.monotonic() >= deadline:
                    outcome.timed_out = True
                    return None
        with connection:
            connection.settimeout(30)
            try:
                message, fds, _, _ = socket.recv_fds(connection, 4096, 1)
            except OSError as exc:
                message, fds = f"no answer from the sandbox: {exc}".encode(), []
        if fds:
            self.emulator.start(sock=socket.socket(fileno=fds[0]))
            return None
        outcome.error = message.decode("utf-8", "replace").strip() or \
            "the sandbox did not start"
        return None


class _ServerWatch:
    """A snippet that listens for connections and has been idle (no emulator request, almost
    no CPU) for SERVER_IDLE seconds is a server waiting for clients that will never come:
    `python app.py` ending in `app.run()`, `uvicorn.run(...)`, `serve_forever()`."""

    def __init__(self, emulator: Any) -> None:
        self.emulator = emulator
        self.since: float | None = None
        self.ticks = 0
        self.requests = 0
        self.hertz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def idle_server(self, pid: int) -> str | None:
        tree = [pid, *descendants(pid)]
        addresses = listening(tree)
        if not addresses:
            self.since = None
            return None
        now = time.monotonic()
        ticks = cpu_ticks(tree)
        requests = len(self.emulator.log) if self.emulator is not None else 0
        since = self.since
        if since is None or requests != self.requests or \
                ticks - self.ticks > 0.05 * (now - since) * self.hertz + 1:
            self.since, self.ticks, self.requests = now, ticks, requests
            return None
        return ", ".join(addresses) if now - since >= SERVER_IDLE else None


if __name__ == "__main__":
    sys.exit(_launch(sys.argv[1:]))
