"""Resource limits for an isolated step's runtime process, set before it starts.

``limited(command, limits)`` is the command run under the limits:
``python -m stephost_host.runtimes.limits DATA_BYTES CPU_SECONDS -- command...`` sets
them with ``setrlimit`` and ``exec``s the command, so they hold from the runtime's
first instruction on and for nothing else (a ``preexec_fn`` would run in a host that
has threads, where forking then running Python is unsafe).

- Memory is **RLIMIT_DATA** (``memoryMb``): since Linux 4.7 it counts every private
  writable mapping, so the heap of Python, Ruby and V8 alike. RLIMIT_AS is not used:
  V8 reserves gigabytes of address space it never touches, so Node would not start
  under any useful RLIMIT_AS. At the limit, V8 aborts (the process dies); Python
  raises MemoryError and Ruby NoMemoryError, and their runtimes then exit (a process at
  its limit is not trusted to run on; STEPHOST_MEMORY_LIMIT_MB tells them). Thread
  stacks count as they are reserved (Ruby's worker threads: ~260 MB).
- CPU is **RLIMIT_CPU** (``cpuSeconds``): CPU time over the process's whole life. Past
  the soft limit the kernel sends SIGXCPU (which ends the process), one second later
  SIGKILL. Either way the supervisor restarts the runtime, alone.
"""

from __future__ import annotations

import os
import resource
import sys

from ..model import Limits

MB = 1024 * 1024


def limited(command: list[str], limits: Limits) -> list[str]:
    """``command``, run under ``limits``."""
    data = limits.memory_mb * MB if limits.memory_mb else -1
    cpu = limits.cpu_seconds or -1
    module = __name__
    return [sys.executable, "-m", module, str(data), str(cpu), "--", *command]


def main(argv: list[str]) -> None:
    data, cpu, separator, *command = argv
    if separator != "--" or not command:
        sys.exit("usage: python -m stephost_host.runtimes.limits DATA_BYTES CPU_S -- COMMAND...")
    if int(data) > 0:
        resource.setrlimit(resource.RLIMIT_DATA, (int(data), int(data)))
    if int(cpu) > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu), int(cpu) + 1))
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
