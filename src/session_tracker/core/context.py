"""What every command needs: where the store is, the configuration, who is acting."""

from __future__ import annotations

import os

from session_tracker.core import config as config_mod
from session_tracker.core.paths import Layout, locate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.model import Session

ACTOR_ENV = "SESSION_TRACKER_ACTOR"
SESSION_ENV = "CURRENT_SESSION"  # seed 001's variable


class Context:
    """The resolved environment of one command.

    Attributes:
        layout: every path of the store (:class:`Layout`).
        env: the environment mapping consulted (``os.environ`` unless a test passes its own).
        actor: who writes events (``SESSION_TRACKER_ACTOR``, default ``human``).
    """

    __slots__ = ("_config", "actor", "env", "layout")

    def __init__(self, layout: Layout | None = None, env: dict[str, str] | None = None, actor: str | None = None) -> None:
        self.env = dict(os.environ) if env is None else env
        self.layout = layout or locate()
        self.actor = actor or self.env.get(ACTOR_ENV) or "human"
        self._config: config_mod.Config | None = None

    @property
    def config(self) -> config_mod.Config:
        """The effective configuration, read once (see :mod:`session_tracker.core.config`)."""
        if self._config is None:
            self._config = config_mod.load(self.layout)
        return self._config

    @property
    def redact(self) -> bool:
        """Whether secrets are redacted before events are written (default on)."""
        return self.config["redact"].get("enabled") is not False

    def document(self, kind: str, session: str) -> str | None:
        """Absolute path of a per-session document, or None when switched off."""
        return config_mod.document_path(self.config, self.layout, kind, session)

    def session_document(self, kind: str, session: Session) -> str | None:
        """Absolute path of ``session``'s document ``kind``: named by its label
        (:attr:`Session.doc`), or by ``<number>-<sid>`` when documents are committed
        (``[git] commit_documents``), so two branches never add one path."""
        committed = self.config.get("git", {}).get("commit_documents") is True
        return self.document(kind, f"{session.name}-{session.sid}" if committed else session.doc)
