"""The agency's data files (content/data/*.yml) as ``DATA`` in every template.

``menu.yml`` (the main menu), ``don_vi.yml`` (units), ``chi_tieu.yml`` (yearly targets). Each is
read with the strict front-matter loader and checked; problems are reported like content errors.
"""

from __future__ import annotations

import os

from pelican import signals

from bantin_core.problems import problem_log

from .schema import load_data_folder


def add_data(generator):
    """Load the data folder once per build and share it through the build's context."""
    context = generator.context
    if "DATA" in context:
        return
    folder = os.path.join(generator.settings["PATH"], generator.settings.get("DATA_PATH", "data"))
    data, problems = load_data_folder(folder)
    problem_log.extend(problems)
    context["DATA"] = data


def register():
    signals.generator_init.connect(add_data)
