"""Work split over the machine's cores with fork(): each part runs in a child process that
inherits everything the parent has built (no pickling of the work itself), and only the part's
result comes back, pickled through a pipe.

The results are the same, in the same order, as running the parts one after another in this
process, which is what happens with one core, on a platform without fork(), when other threads
run (a fork would copy their locks half-held) or when there is too little work to share.
"""
from __future__ import annotations

import ctypes
import gc
import os
import pickle
import signal
import sys
import threading
import traceback
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_SHARE = 64  # fewer items than this per core: forking costs more than it saves


def cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1 \
        and os.environ.get("BRIEFING_PROCESSES") != "1"


def shares(count: int, minimum: int = MIN_SHARE) -> int:
    """How many processes `count` items are worth: one per core, at least `minimum` items each."""
    if not can_fork():
        return 1
    wanted = int(os.environ.get("BRIEFING_PROCESSES", "0") or 0) or cores()
    return max(1, min(wanted, count // max(1, minimum)))


def split(items: Sequence[Item], parts: int) -> list[Sequence[Item]]:
    """Every parts-th item, so that each part gets a like mix of the kinds of item."""
    return [items[i::parts] for i in range(parts)] if parts > 1 else [items]


def map_items(work: Callable[[Item], Result], items: Sequence[Item], minimum: int = MIN_SHARE) -> list[Result]:
    """[work(item) for item in items], shared among the cores (see shares), in the items' order."""
    parts = split(items, shares(len(items), minimum))
    done = run_parts(lambda part: [work(item) for item in part], parts)
    ordered: list[Result] = [None] * len(items)  # type: ignore[list-item]
    for i, results in enumerate(done):  # part i holds items i, i + n, i + 2n, ...
        ordered[i::len(done)] = results
    return ordered


class ChildFailed(RuntimeError):
    """A child process failed in a way that could not be sent back as its own exception."""


def run_parts(work: Callable[[Item], Result], parts: Sequence[Item]) -> list[Result]:
    """work(part) for every part: parts after the first in forked children, the first here.

    An exception in any part is raised here (the first part's first, then the children's in
    order), after every child has ended.
    """
    if len(parts) <= 1 or not can_fork():
        return [work(part) for part in parts]
    children: list[tuple[int, int]] = []
    try:
        for part in parts[1:]:
            children.append(fork_child(work, part))
        first = work(parts[0])
    except BaseException:
        for pid, fd in children:
            end_child(pid, fd, kill=True)
        raise
    results: list[Result] = [first]
    failure: BaseException | None = None
    for pid, fd in children:
        ok, value = end_child(pid, fd)
        if ok:
            results.append(value)
        elif failure is None:
            failure = value
    if failure is not None:
        raise failure
    return results


def fork_child(work: Callable[[Item], Result], part: Item) -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read_fd)
            die_with_parent()
            if os.getppid() != parent:  # the build was killed before the line above took effect
                os._exit(1)
            try:
                result, failure = work(part), b""
            except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
                result, failure = None, pickled_failure(exc)
            with os.fdopen(write_fd, "wb") as pipe:  # streamed: a result of 50,000 documents is never one bytes object
                if failure:
                    pipe.write(failure)
                else:
                    pickle.dump((True, result), pipe, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - the pipe broke: the parent reports a child without a result
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def pickled_failure(exc: BaseException) -> bytes:
    text = "".join(traceback.format_exception(exc))
    try:
        payload = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(payload)  # an exception whose arguments do not survive pickling is sent as text
        return payload
    except Exception:  # noqa: BLE001
        return pickle.dumps((False, ChildFailed(text)), protocol=pickle.HIGHEST_PROTOCOL)


def end_child(pid: int, fd: int, kill: bool = False) -> tuple[bool, object]:
    """Read a child's result and reap it."""
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if kill:
        os.close(fd)
        os.waitpid(pid, 0)
        return False, None
    was = gc.isenabled()
    gc.disable()  # the result is many objects that live on: the cycle collector would scan them again and again
    try:
        with os.fdopen(fd, "rb") as pipe:
            ok, value = pickle.load(pipe)
    except (EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        ok, value = False, None
    finally:
        if was:
            gc.enable()
    _, status = os.waitpid(pid, 0)
    if not ok and value is None:
        return False, ChildFailed(f"a build process ended without a whole result (wait status {status})")
    return ok, value


def die_with_parent() -> None:
    """Linux: the child is killed when the build is (a killed build leaves no writer behind)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def trim_memory() -> None:
    """Hand the memory the C library holds free back to the system (glibc's malloc_trim; nothing
    elsewhere). After the model and page plan of a big site are made, their scaffolding is free
    but still resident: at 100,000 releases, 136 MB of the 1.8 GB, counted again in every process
    forked to render, and under the table pickle builds to save the cache. It takes 10 ms."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass
