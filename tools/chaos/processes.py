"""Every process the harness starts, in its own process group, logged to a file, and stopped however the run ends."""

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field


@dataclass
class Service:
    name: str
    argv: list
    log_path: str
    process: subprocess.Popen | None = None
    starts: int = 0
    history: list = field(default_factory=list)


class Supervisor:
    """Starts named services; `kill9`, `restart` and `stop_all` act on whole process groups (workers fork)."""

    def __init__(self, *, env, cwd, log_dir):
        self.env, self.cwd, self.log_dir = env, cwd, log_dir
        self.services = {}

    def start(self, name, argv):
        service = self.services.get(name) or Service(name, argv, os.path.join(self.log_dir, f"{name}.log"))
        self.services[name] = service
        log = open(service.log_path, "ab")  # noqa: SIM115 – the child keeps writing to it after we return
        # A new session: Ctrl-C in the terminal reaches only the harness, which then stops everything in order.
        service.process = subprocess.Popen(service.argv, cwd=self.cwd, env=self.env, stdout=log,
                                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        service.starts += 1
        return service.process

    def alive(self, name):
        service = self.services.get(name)
        return service is not None and service.process is not None and service.process.poll() is None

    def kill9(self, name):
        """kill -9 of the service's whole process group (a Celery worker and its pool children alike)."""
        service = self.services[name]
        self._signal_group(service.process, signal.SIGKILL)
        service.process.wait()

    def stop(self, name, timeout=10):
        """SIGTERM, then SIGKILL after `timeout` seconds."""
        service = self.services.get(name)
        if service is None or service.process is None:
            return
        process = service.process
        if process.poll() is None:
            self._signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(process, signal.SIGKILL)
                process.wait()
        # Pool children left behind by a parent that died first share its group id: make sure they are gone.
        self._signal_group(process, signal.SIGKILL)

    def stop_all(self, timeout=8):
        """SIGTERM to every service at once, SIGKILL to whatever still runs after `timeout` seconds."""
        running = [s.process for s in self.services.values() if s.process is not None]
        for process in running:
            if process.poll() is None:
                self._signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in running:
            try:
                process.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                pass
        for process in running:
            # Pool children left behind by a parent that died first share its group id: make sure they are gone.
            self._signal_group(process, signal.SIGKILL)
            process.wait()

    @staticmethod
    def _signal_group(process, sig):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass


def wait_until(check, *, timeout, interval=0.25, what="service"):
    """Poll `check()` until it is truthy; raise TimeoutError naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 – a service that is still starting may refuse or reset connections
            pass
        time.sleep(interval)
    raise TimeoutError(f"{what} did not become ready within {timeout} s")
