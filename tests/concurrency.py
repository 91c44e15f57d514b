"""Run the same action in several threads released at the same moment (each thread its own DB connection)."""

import threading

from django.db import connection


def run_together(action, *, count=2, timeout=30):
    """Call `action()` in `count` threads started through one barrier; return (results, errors) in finishing order."""
    barrier, results, errors = threading.Barrier(count), [], []

    def worker():
        try:
            barrier.wait(timeout=timeout)
            results.append(action())
        except Exception as exc:  # noqa: BLE001 - handed back to the test, which asserts on it
            errors.append(exc)
        finally:
            connection.close()  # the thread's own connection, or PostgreSQL keeps it open after the test

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, errors
