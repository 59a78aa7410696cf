"""``python -m web_load_site.serve PORT``: the product's WSGI application on 127.0.0.1:PORT.

Django's development server (the same code as ``runserver --noreload``, threaded, HTTP/1.1
keep-alive) with one change: accepted sockets get TCP_NODELAY, as production servers and
proxies set it. Without it, wsgiref's separate writes of headers and body meet the client's
delayed ACK and every small answer waits ~40 ms on loopback, which would measure the
benchmark's server rather than jixiao.
"""

from __future__ import annotations

import contextlib
import socket
import sys
from typing import Any

import django
from django.core.servers.basehttp import WSGIServer, get_internal_wsgi_application, run


class NoDelayServer(WSGIServer):
    def get_request(self) -> tuple[Any, Any]:
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


def main() -> None:
    port = int(sys.argv[1])
    django.setup()
    print(f"jixiao（性能测试）：http://127.0.0.1:{port}/", flush=True)
    run("127.0.0.1", port, get_internal_wsgi_application(), threading=True, server_cls=NoDelayServer)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
