"""A seccomp filter for the sandbox's child: system calls no exercise needs are refused.

Loaded into the sandbox's worker (standard library only) and built with
libseccomp, the kernel interface's own library, through ``ctypes``: it knows
each machine's system-call numbers and refuses calls made through another
architecture's numbering (a 32-bit ``int 0x80`` on x86_64) by killing the
process. The worker opens the library before it forks, so a child needs no
file of it once its filesystem is cut down.

What is refused, with ``EPERM`` unless noted:

- the kernel keyring (``keyctl``, ``add_key``, ``request_key``);
- looking into or writing other processes (``ptrace``, ``process_vm_readv``,
  ``process_vm_writev``, ``kcmp``, ``pidfd_getfd``);
- changing the filesystem view or namespaces (``mount`` and the new mount
  API, ``umount2``, ``pivot_root``, ``chroot``, ``unshare``, ``setns``, and
  ``clone`` with any namespace flag; ``clone3``, whose flags a filter cannot
  read, answers ``ENOSYS`` so that the C library falls back to ``clone``);
- the kernel itself (module loading, ``bpf``, ``perf_event_open``,
  ``kexec_*``, ``reboot``, ``swapon``/``swapoff``, ``syslog``, ``acct``,
  ``quotactl``, ``userfaultfd``, ``io_uring_*``, file handles by number).

The child also runs unprivileged and with no capabilities, so most of these
would fail anyway; the filter closes them for kernels with bugs in the paths
an unprivileged process can still reach.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
from typing import Any

REFUSED = (
    "keyctl", "add_key", "request_key",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
    "init_module", "finit_module", "delete_module", "bpf", "perf_event_open",
    "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff", "syslog", "acct", "quotactl",
    "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "open_by_handle_at", "name_to_handle_at", "lookup_dcookie",
)
"""system calls refused outright"""

NAMESPACE_FLAGS = {
    "CLONE_NEWNS": 0x00020000,
    "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000,
    "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
    "CLONE_NEWTIME": 0x00000080,
}
"""``clone`` flags that would make a new namespace: a ``clone`` with any of them is refused"""

_ACT_ALLOW = 0x7FFF0000
_CMP_MASKED_EQ = 7


def _act_errno(number: int) -> int:
    return 0x00050000 | (number & 0xFFFF)


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]


_library: Any = None
_library_error = ""


def load_library() -> str:
    """Open libseccomp; return why it cannot be used, or an empty string."""
    global _library, _library_error
    if _library is not None or _library_error:
        return _library_error
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        library = ctypes.CDLL(name, use_errno=True)
    except OSError as exc:
        _library_error = f"libseccomp is not installed ({exc}); on Debian: apt-get install libseccomp2"
        return _library_error
    library.seccomp_init.restype = ctypes.c_void_p
    library.seccomp_init.argtypes = [ctypes.c_uint32]
    library.seccomp_syscall_resolve_name.restype = ctypes.c_int
    library.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    library.seccomp_rule_add_array.restype = ctypes.c_int
    library.seccomp_rule_add_array.argtypes = [
        ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(_ArgCmp)]
    library.seccomp_load.restype = ctypes.c_int
    library.seccomp_load.argtypes = [ctypes.c_void_p]
    library.seccomp_release.restype = None
    library.seccomp_release.argtypes = [ctypes.c_void_p]
    _library = library
    return ""


def install() -> None:
    """Install the filter on this process (and every process it starts). Raises OSError if it cannot."""
    problem = load_library()
    if problem:
        raise OSError(errno.ENOSYS, problem)
    library = _library
    context = library.seccomp_init(_ACT_ALLOW)
    if not context:
        raise OSError(errno.ENOMEM, "seccomp_init failed")
    try:
        def add(name: str, action: int, comparisons: list[_ArgCmp] = ()) -> None:
            number = library.seccomp_syscall_resolve_name(name.encode())
            if number < 0:
                return  # not a system call on this machine
            array = (_ArgCmp * max(len(comparisons), 1))(*comparisons)
            result = library.seccomp_rule_add_array(context, action, number, len(comparisons), array)
            if result < 0:
                raise OSError(-result, f"seccomp rule for {name}: {os.strerror(-result)}")

        refuse = _act_errno(errno.EPERM)
        for name in REFUSED:
            add(name, refuse)
        for flag in NAMESPACE_FLAGS.values():
            add("clone", refuse, [_ArgCmp(0, _CMP_MASKED_EQ, flag, flag)])
        add("clone3", _act_errno(errno.ENOSYS))
        result = library.seccomp_load(context)
        if result < 0:
            raise OSError(-result, f"seccomp_load: {os.strerror(-result)}")
    finally:
        library.seccomp_release(context)
