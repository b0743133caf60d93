"""One build's shared state, reachable by every signal receiver without a module global.

Pelican hands its receivers different things: ``finalized`` gets the Pelican object, the other
signals a generator (or the list of them). Both reach the same settings dict: each generator's
``settings`` *is* ``pelican.settings``, and the build's context starts as a copy of it. The
:class:`BuildState` stored there (under :data:`KEY`, made when the Pelican object is, emptied
at the start of each build: the live preview builds many times with one Pelican object) is
therefore the same object from ``pelican.settings``, ``generator.settings`` and
``generator.context``.

What goes in it lives for one build: the drafts seen (``bantin_core``), the share cards still
drawing (``bantin_images``), the build's standby workers (:mod:`bantin_core.forked`), old
output folders being removed (``bantin_build``). Each owner keeps its values under its own key.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from pelican import signals
from pelican.contents import Content
from pelican.utils import memoized

#: Where the state lives in Pelican's settings (and so in the build's context). Not a setting
#: name (no BANTIN_ prefix, a dot): nobody sets it, no template can name it.
KEY = "bantin.build"


class BuildState(dict):
    """Values of the build under way, each under its owner's key.

    Pickled empty: Pelican's content cache pickles each article with its settings and context,
    and a cached article must not carry a build's processes and pages into the next build.
    """

    def __init__(self):
        super().__init__()
        #: Called (last registered first) when the next build starts, or the state is reset:
        #: what an owner must end even if its build stopped half-way (worker processes).
        self._on_reset: list[Callable[[], None]] = []

    def on_reset(self, call: Callable[[], None]) -> None:
        self._on_reset.append(call)

    def reset(self) -> None:
        calls, self._on_reset = self._on_reset, []
        self.clear()
        for call in reversed(calls):
            call()

    def __reduce__(self):
        return (BuildState, ())

    def __repr__(self) -> str:  # constant: the page cache hashes the settings' text
        return "BuildState()"


def build_state(settings_or_context: dict) -> BuildState:
    """The state of the build whose settings (``pelican.settings``, ``generator.settings``) or
    context (``generator.context``) this is."""
    state = settings_or_context.get(KEY)
    if state is None:  # a Pelican object made before this plugin was loaded (tests)
        state = settings_or_context[KEY] = BuildState()
    return state


def create(pelican) -> None:
    """``initialized``: the Pelican object gets its state before its first build copies the
    settings into the build's context."""
    build_state(pelican.settings)


def start(pelican) -> None:
    """``get_generators`` (sent once per build, before any generator is made): the last build's
    state is forgotten, what it left running is ended."""
    build_state(pelican.settings).reset()


def connect() -> None:
    """Connect :func:`create` and :func:`start`. Every plugin that keeps state calls this in its
    ``register``: Blinker connects a receiver once, however often it is asked to."""
    signals.initialized.connect(create)
    signals.get_generators.connect(start)


def release_previous_build() -> None:
    """Let go of what earlier builds of this process left: Pelican's ``@memoized`` content
    methods (``get_content``, ``get_summary``) keep every content object they were called on,
    with its whole build, for as long as the process lives (≈ 25 MB more for each save at
    2,000 articles in the live preview); what a build froze and never released (it stopped on
    an error) is released; then the garbage is collected."""
    for klass in (Content, *Content.__subclasses__()):
        for value in vars(klass).values():
            if isinstance(value, memoized):
                value.cache.clear()
    gc.unfreeze()
    gc.collect()
