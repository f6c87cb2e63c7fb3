"""What a long command shows on the terminal, and where its full logs go (no Dagster here).

``LogCapture`` sends everything the process and its children write to standard output and
standard error (Dagster's log, dbt's output, warnings) to a log file, and to the terminal as
well only when asked (``verbose``). The command's own lines go to the terminal through
``say``. ``progress`` shows what is running and for how long, on a terminal only, on one line
that the next line replaces.
"""

from __future__ import annotations

import codecs
import os
import select
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

KEEP_LOGS = 20  # log files kept per folder: the newest


def new_log_path(folder: Path, command: str) -> Path:
    """A new log file in folder (``refresh-20261123T175705.log``); the oldest beyond
    ``KEEP_LOGS`` are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    old = sorted(folder.glob(f"{command}-*.log"))
    for path in old[: max(0, len(old) - KEEP_LOGS + 1)]:
        path.unlink(missing_ok=True)
    return folder / f"{command}-{datetime.now().strftime('%Y%m%dT%H%M%S')}.log"


class LogCapture:
    """Redirect file descriptors 1 and 2 into ``log_path`` (and, when ``verbose``, on to the
    terminal's standard error) while the block runs; ``say`` writes to the terminal."""

    def __init__(self, log_path: Path, verbose: bool = False):
        self.log_path = log_path
        self.verbose = verbose
        self._saved: dict[int, int] = {}
        self._thread: threading.Thread | None = None
        self.terminal = sys.stdout
        self._status = ""  # the progress line now shown (cleared before each line said)
        self._lock = threading.Lock()
        self._done = threading.Event()  # set when the block has ended

    def __enter__(self) -> LogCapture:
        sys.stdout.flush()
        sys.stderr.flush()
        self._saved = {fd: os.dup(fd) for fd in (1, 2)}
        self.terminal = os.fdopen(os.dup(self._saved[1]), "w", buffering=1, encoding="utf-8")
        self._err = os.fdopen(os.dup(self._saved[2]), "w", buffering=1, encoding="utf-8")
        read_fd, write_fd = os.pipe()
        for fd in (1, 2):
            os.dup2(write_fd, fd)
        os.close(write_fd)
        self._thread = threading.Thread(target=self._pump, args=(read_fd,), daemon=True)
        self._thread.start()
        return self

    def _pump(self, read_fd: int) -> None:
        """Copy what arrives on the pipe to the log (and the terminal) until the block has
        ended and nothing more is waiting: a process started in the block that outlives it
        (and so keeps the pipe open) does not hold the command up."""
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")  # chunks split characters
        with open(self.log_path, "ab") as log:
            while True:
                ready, _, _ = select.select([read_fd], [], [], 0.1)
                if not ready:
                    if self._done.is_set():
                        break
                    continue
                chunk = os.read(read_fd, 65536)
                if not chunk:
                    break
                log.write(chunk)
                log.flush()
                if self.verbose:
                    with self._lock:
                        self._clear_status()
                        self._err.write(decoder.decode(chunk))
                        self._err.flush()
        os.close(read_fd)

    def __exit__(self, *exc) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, saved in self._saved.items():
            os.dup2(saved, fd)
            os.close(saved)
        self._done.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self._lock:
            self._clear_status()
        self.terminal.close()
        self._err.close()
        self.terminal = sys.stdout

    def say(self, text: str) -> None:
        with self._lock:
            self._clear_status()
            self.terminal.write(text + "\n")
            self.terminal.flush()

    # -- the progress line, on a terminal only --------------------------------------------------
    def _clear_status(self) -> None:
        if self._status:
            self.terminal.write("\r" + " " * len(self._status) + "\r")
            self.terminal.flush()
            self._status = ""

    def _show_status(self, text: str) -> None:
        with self._lock:
            width = 100
            text = text if len(text) <= width else text[: width - 1] + "…"
            pad = max(0, len(self._status) - len(text))
            self.terminal.write("\r" + text + " " * pad)
            self.terminal.flush()
            self._status = text

    @contextmanager
    def progress(self, label: str, step: int | None = None, steps: int | None = None):
        """While the block runs, show ``[step/steps] ▕████····▏ label  12 s`` on a terminal."""
        if not self.terminal.isatty():
            yield
            return
        done = threading.Event()
        start = time.monotonic()

        def tick() -> None:
            while not done.is_set():
                bar = ""
                if step is not None and steps:
                    filled = round(20 * (step - 1) / steps)
                    bar = f"[{step}/{steps}] ▕{'█' * filled}{'·' * (20 - filled)}▏ "
                self._show_status(f"{bar}{label}  {time.monotonic() - start:.0f} s")
                done.wait(0.5)

        thread = threading.Thread(target=tick, daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()
            with self._lock:
                self._clear_status()
