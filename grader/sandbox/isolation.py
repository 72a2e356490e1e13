"""Linux primitives for isolating a child: namespaces, mounts, credentials, limits.

Loaded into the sandbox's worker process (standard library only). Python's
``os`` module lacks ``unshare``, ``mount`` and ``capset`` on 3.11, so they are
called through ``ctypes``; every failure raises :class:`OSError` with the
call's name, and callers decide whether it is fatal or a logged degradation.
It imports on every OS (the sandbox package is imported where only the
portable runner can run); its calls are made on Linux only.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

try:
    import resource
except ImportError:  # Windows: this module is imported there (by the portable runner's side), never used
    resource = None  # type: ignore[assignment]

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000

MNT_DETACH = 0x2

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36

_LINUX_CAPABILITY_VERSION_3 = 0x20080522

try:
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
except (OSError, TypeError):  # Windows has no C library by that name; nothing here is called there
    _libc = None


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    encode = lambda text: text.encode() if text is not None else None  # noqa: E731
    _check(
        _libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)),
        f"mount {target}",
    )


def umount(target: str, flags: int = MNT_DETACH) -> None:
    _check(_libc.umount2(target.encode(), ctypes.c_int(flags)), f"umount {target}")


def pivot_root(new_root: str) -> None:
    """Make ``new_root`` (a mount point) this mount namespace's root and drop the old one.

    The old root is stacked under the new one by ``pivot_root(".", ".")`` and
    then detached, so nothing of the host's tree stays reachable, not even
    through a file descriptor opened later.
    """
    os.chdir(new_root)
    number = _SYSCALLS["pivot_root"]
    if _libc.syscall(ctypes.c_long(number), b".", b".") != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"pivot_root {new_root}: {os.strerror(errno)}")
    umount(".", MNT_DETACH)
    os.chdir("/")


KEYCTL_JOIN_SESSION_KEYRING = 1


def join_new_session_keyring() -> None:
    """Give this process an anonymous session keyring of its own, so it holds none of the grader's keys."""
    number = _SYSCALLS["keyctl"]
    if _libc.syscall(ctypes.c_long(number), ctypes.c_long(KEYCTL_JOIN_SESSION_KEYRING), None) < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"keyctl(JOIN_SESSION_KEYRING): {os.strerror(errno)}")


# The two system calls that have no wrapper in libc or in Python's os module, by machine.
_SYSCALLS = {
    "x86_64": {"pivot_root": 155, "keyctl": 250},
    "aarch64": {"pivot_root": 41, "keyctl": 219},
}.get(os.uname().machine if hasattr(os, "uname") else "", {"pivot_root": -1, "keyctl": -1})


def prctl(option: int, value: int) -> None:
    _check(_libc.prctl(ctypes.c_int(option), ctypes.c_ulong(value), 0, 0, 0), f"prctl {option}")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    """Clear every capability of this process (effective, permitted, inheritable)."""
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def drop_privileges(uid: int, gid: int) -> None:
    """Become ``uid``/``gid`` for good: no supplementary groups, no way back."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def map_user_namespace(uid: int, gid: int) -> None:
    """Map this process's own user and group into the user namespace it just entered."""
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as handle:
        handle.write(f"{gid} {gid} 1")


def set_limit(kind: int, soft: int, hard: int | None = None) -> None:
    resource.setrlimit(kind, (soft, soft if hard is None else hard))


def virtual_memory_bytes(pid: int | str = "self") -> int:
    """The process's current address-space size (VmSize)."""
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds_from(stat: bytes) -> float:
    """User plus system CPU time of a whole process (all its threads), from its /proc/<pid>/stat."""
    fields = stat.rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS
