"""gunicorn settings of the bench server (``-c bench/gunicorn_conf.py``)."""

import multiprocessing
import os

bind = os.environ.get("BENCH_BIND", "127.0.0.1:8790")
workers = int(os.environ.get("BENCH_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("BENCH_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
accesslog = None
errorlog = "-"
loglevel = "warning"
keepalive = 30


def post_worker_init(worker: object) -> None:
    """Put each worker on the bench's morning (see bench/clock.py)."""
    from bench import clock

    clock.start()
