"""The production server: gunicorn embedded, so ``kundpuls serve`` needs no separate config file."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _KundpulsServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from kundpuls.web.wsgi import application

        return application


def _start_refresher(worker: Any) -> None:
    """gunicorn's post-fork hook: every worker keeps the lake fresh in a thread of its own (computing each
    survey's shared results after every change, so that the first page after a sync does not), and fits the
    comment reader's model in another, so that the first results page does not wait for it."""
    import threading

    from kundpuls.text.reading import comment_model
    from kundpuls.web.dashboards.warming import warm_results
    from kundpuls.web.responses.refresher import start_lake_refresher

    start_lake_refresher(after_change=warm_results)
    threading.Thread(target=comment_model, name="kundpuls-comment-model", daemon=True).start()


def run_gunicorn(*, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the WSGI application until interrupted (threads per worker for I/O-bound requests)."""
    _KundpulsServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "timeout": 60,
            "graceful_timeout": 10,
            "preload_app": True,
            "post_worker_init": _start_refresher,
        }
    ).run()
