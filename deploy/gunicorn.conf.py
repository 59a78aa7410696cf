"""gunicorn settings for jixiao (docs/operations.md#deploy).

    gunicorn -c deploy/gunicorn.conf.py jixiao.web.wsgi

Everything can be changed through the environment: JIXIAO_BIND (address, default
127.0.0.1:8000 — the reverse proxy in front terminates TLS), JIXIAO_WEB_WORKERS (processes,
default 2 per core plus one, at most 9) and JIXIAO_WEB_THREADS (threads per process, default 4).
"""

import multiprocessing
import os

bind = os.environ.get("JIXIAO_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("JIXIAO_WEB_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 9))
# Threads let a process wait on the database for one request while it answers another.
worker_class = "gthread"
threads = int(os.environ.get("JIXIAO_WEB_THREADS", "4"))
# A request that runs longer than this is a bug (reports are made by the task worker, not here).
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then: a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# Requests and errors to standard output/error: systemd's journal or the process manager keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("JIXIAO_LOG_LEVEL", "warning").lower()
# Behind a proxy on the same machine: trust its X-Forwarded-* headers only from there.
forwarded_allow_ips = os.environ.get("JIXIAO_PROXY_IPS", "127.0.0.1")
proc_name = "jixiao-web"
