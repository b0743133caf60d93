"""Strict YAML front-matter for Markdown content (see ``reader.py``)."""

from pelican import signals

from bantin_core.problems import problem_log

from .reader import PROBLEMS_KEY, BantinMarkdownReader


def add_reader(readers):
    """Replace Pelican's Markdown reader with the strict one."""
    for extension in BantinMarkdownReader.file_extensions:
        readers.reader_classes[extension] = BantinMarkdownReader
        readers.readers[extension] = BantinMarkdownReader(readers.settings)


def collect_problems(generator, metadata):
    """Report a file's problems on every build, cached read or not."""
    problem_log.extend(metadata.get(PROBLEMS_KEY, ()))


def register():
    signals.readers_init.connect(add_reader)
    signals.article_generator_context.connect(collect_problems)
    signals.page_generator_context.connect(collect_problems)
