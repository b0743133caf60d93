"""Share-card cost, CPU per card in one process (never timed assertions in tests).

    .venv/bin/python bench/cards_bench.py [--cards 200] [--rounds 5] [--before REV]

Draws and writes ``--cards`` distinct Vietnamese titles (the corpus generator's vocabulary,
every third one longer) with the agency, address and logo of pelicanconf.py, the way one image
worker does, and measures ``time.process_time`` for: the whole card (layout, drawing, JPEG,
writing the file to a temporary folder) and its parts, for the code at ``--before`` (default:
the last commit before the cards were reworked, read with ``git show``) and for the working tree.
Each round starts with cold per-process caches (fonts, fixed part, glyphs), so the mean includes
the one-time set-up a worker pays; the set-up alone is printed too. Rounds: the median and
the least are printed (the machine is shared).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

from bench.make_corpus import OBJECTS, SUBJECTS, UNITS, VERBS  # noqa: E402

FONT = str(ROOT / "theme" / "fonts" / "NotoSans-Bold-vi.ttf")
LOGO = str(ROOT / "content" / "images" / "logo.svg")
AGENCY = "Cục Thi hành án dân sự tỉnh Hậu Giang"
FOOTER = "thads-haugiang.example.org"
#: 14360d0 "Share cards 2.5× cheaper: fonts loaded once per worker, baseline JPEG".
BEFORE = "14360d0"


def titles(count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    found: dict[str, None] = {}
    while len(found) < count:
        unit = rng.choice(UNITS)
        title = (
            f"{rng.choice(SUBJECTS).format(unit=unit)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        )
        if len(found) % 3 == 0:
            title += f" năm {rng.randint(2015, 2026)} tại {rng.choice(UNITS)}"
        found[title] = None
    return list(found)


def load_before(revision: str) -> types.ModuleType:
    source = subprocess.run(
        ["git", "show", f"{revision}:plugins/bantin_images/cards.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    spec = importlib.util.spec_from_loader("cards_before", loader=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    exec(compile(source, f"{revision}:cards.py", "exec"), module.__dict__)
    return module


def clear_caches(module) -> None:
    for name in ("_font", "_face", "_base", "_has_kern_table", "_solid"):
        function = getattr(module, name, None)
        if function is not None:
            function.cache_clear()


def timed(function, items) -> float:
    """CPU milliseconds per item."""
    started = time.process_time()
    for item in items:
        function(item)
    return (time.process_time() - started) * 1000 / len(items)


def measure(module, texts: list, logo: bytes, folder: str) -> dict:
    """One round, cold caches: ms per card of the whole and of each part, bytes per card."""
    style = module.CardStyle()
    width = style.width - 128
    clear_caches(module)
    # Like the cache: 256 folders (cards/<key[:2]>/<key>.jpg).
    paths = [os.path.join(folder, f"{i * 37 % 256:02x}", f"{i:04}.jpg") for i in range(len(texts))]
    started = time.process_time()
    module.write_card(paths[0], texts[0], style, FONT, logo)
    setup = (time.process_time() - started) * 1000
    clear_caches(module)
    items = list(zip(paths, texts, strict=True))
    row = {"total": timed(lambda item: module.write_card(*item, style, FONT, logo), items)}
    row["set-up (first card)"] = setup
    row["bytes"] = statistics.mean(os.path.getsize(p) for p in paths)
    # Parts, caches warm (what every card after a worker's first costs).
    row["fit_title"] = timed(lambda t: module.fit_title(t.title, FONT, width), texts)
    row["draw_card (whole image)"] = timed(lambda t: module.draw_card(t, style, FONT, logo), texts)
    if hasattr(module, "card_jpeg"):
        row["card_jpeg (draw + encode)"] = timed(
            lambda t: module.card_jpeg(t, style, FONT, logo), texts
        )
        row["  title layout (glyphs)"] = timed(
            lambda t: module._title_pieces(t.title, style, FONT), texts
        )
        row["  fixed part (cached)"] = timed(
            lambda t: module._base(style, t.agency, t.footer, FONT, logo), texts
        )
    else:
        row["  logo decode + LANCZOS"] = timed(lambda t: logo_thumbnail(logo), texts[:50])
        row["  title text (draw.text)"] = timed(lambda t: draw_title(module, t, style), texts)
        cards = [module.draw_card(t, style, FONT, logo) for t in texts]
        row["JPEG save q85 (default 4:2:0)"] = timed(
            lambda c: c.save(io.BytesIO(), "JPEG", quality=style.quality), cards
        )
        row["JPEG save q85 4:4:4"] = timed(
            lambda c: c.save(io.BytesIO(), "JPEG", quality=style.quality, subsampling=0),
            cards,
        )
    return row


def logo_thumbnail(logo: bytes) -> None:
    image = Image.open(io.BytesIO(logo)).convert("RGBA")
    image.thumbnail((110, 110), Image.LANCZOS)


def draw_title(module, text, style) -> None:
    """The title drawing of the old draw_card alone, onto a blank card."""
    card = Image.new("RGB", (style.width, style.height), style.background)
    draw = ImageDraw.Draw(card)
    font, lines = module.fit_title(text.title, FONT, style.width - 128)
    y = 200
    for line in lines:
        draw.text((64, y), line, font=font, fill=style.text)
        y += round(font.size * 1.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", default=BEFORE, help="git revision of the old cards.py")
    args = parser.parse_args()

    from bantin_images import cards as now

    before = load_before(args.before)
    logo = now.rasterize_logo(LOGO)
    words = titles(args.cards)
    results: dict[str, list[dict]] = {args.before: [], "now": []}
    folder = tempfile.mkdtemp(
        prefix="cards-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None
    )
    try:
        for _ in range(args.rounds):  # alternate, so both see the same load
            for name, module in ((args.before, before), ("now", now)):
                texts = [module.CardText(t, AGENCY, FOOTER) for t in words]
                out = os.path.join(folder, name)
                results[name].append(measure(module, texts, logo, out))
                shutil.rmtree(out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(
        f"{args.cards} distinct titles, one process, CPU ms per card (time.process_time), "
        f"median (min) of {args.rounds} rounds; load average {os.getloadavg()[0]:.1f}"
    )
    for name, rounds in results.items():
        print(f"\n{name}  (CARD_VERSION {(before if name != 'now' else now).CARD_VERSION})")
        for key in rounds[0]:
            values = [r[key] for r in rounds]
            value = statistics.median(values)
            if key == "bytes":
                print(f"  {'file size per card':32} {value / 1024:7.1f} KB")
            else:
                print(f"  {key:32} {value:7.2f} ms  ({min(values):.2f})")
    total = {n: statistics.median(r["total"] for r in rs) for n, rs in results.items()}
    print(f"\ntotal per card: {total[args.before]:.2f} → {total['now']:.2f} ms "
          f"({total[args.before] / total['now']:.1f}× less CPU)")  # fmt: skip


if __name__ == "__main__":
    main()
