"""Post-build steps of `make publish`: fingerprinted CSS/JS names and precompressed files."""

from __future__ import annotations

import gzip

import brotli

from bantin_publish.assets import fingerprint_assets, fingerprinted_name, precompress


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_fingerprinted_name_follows_the_content():
    assert fingerprinted_name("theme/css/bantin.css", b"a") != fingerprinted_name(
        "theme/css/bantin.css", b"b"
    )
    assert fingerprinted_name("theme/css/bantin.css", b"a").startswith("theme/css/bantin.")
    assert fingerprinted_name("theme/css/bantin.css", b"a").endswith(".css")


def test_references_are_rewritten_and_originals_removed(tmp_path):
    write(tmp_path / "theme/css/print.css", "p{color:black}")
    write(tmp_path / "theme/css/main.css", '@import "print.css"; a{background:url(../img/x.png)}')
    write(tmp_path / "theme/js/app.js", "console.log(1)")
    write(tmp_path / "pagefind/pagefind.js", "export {}")
    site = "https://thads.example.org"
    page = (
        f'<link rel="stylesheet" href="{site}/theme/css/main.css">'
        '<script src="/theme/js/app.js" defer></script>'
        '<script type="module" src="../theme/js/app.js?v=1"></script>'
        '<a href="/theme/css/main.css.html">not an asset</a>'
    )
    write(tmp_path / "2021/index.html", page)
    renames = fingerprint_assets(tmp_path, site)

    assert set(renames) == {"theme/css/print.css", "theme/css/main.css", "theme/js/app.js"}
    assert not (tmp_path / "theme/css/main.css").exists()
    assert (tmp_path / "pagefind/pagefind.js").exists(), "Pagefind keeps its own names"
    main_css = (tmp_path / renames["theme/css/main.css"]).read_text(encoding="utf-8")
    assert f'@import "{renames["theme/css/print.css"].rsplit("/", 1)[1]}"' in main_css
    html = (tmp_path / "2021/index.html").read_text(encoding="utf-8")
    app = renames["theme/js/app.js"].rsplit("/", 1)[1]
    assert f'href="{site}/{renames["theme/css/main.css"]}"' in html
    assert f'src="/theme/js/{app}"' in html and f'src="../theme/js/{app}"' in html
    assert 'href="/theme/css/main.css.html"' in html


def test_a_changed_import_changes_the_importing_name(tmp_path):
    names = []
    for colour in ("black", "navy"):
        site = tmp_path / colour
        write(site / "css/print.css", f"p{{color:{colour}}}")
        write(site / "css/main.css", '@import url("print.css");')
        names.append(fingerprint_assets(site)["css/main.css"])
    assert names[0] != names[1]


def test_precompress_writes_reproducible_gzip_and_brotli(tmp_path):
    text = "<p>Cục Thi hành án dân sự</p>\n" * 100
    write(tmp_path / "index.html", text)
    write(tmp_path / "tiny.txt", "x")
    (tmp_path / "images").mkdir()
    (tmp_path / "images/anh.jpg").write_bytes(b"\xff\xd8" + bytes(2000))
    assert precompress(tmp_path) == 2
    gz = (tmp_path / "index.html.gz").read_bytes()
    assert gzip.decompress(gz).decode() == text
    assert brotli.decompress((tmp_path / "index.html.br").read_bytes()).decode() == text
    assert not (tmp_path / "tiny.txt.gz").exists()
    assert not (tmp_path / "images/anh.jpg.gz").exists()
    precompress(tmp_path)
    assert (tmp_path / "index.html.gz").read_bytes() == gz, "no timestamp, no file name"


def test_stale_compressed_files_go(tmp_path):
    write(tmp_path / "a.html", "a" * 1000)
    precompress(tmp_path)
    write(tmp_path / "a.html", "b" * 1000)
    precompress(tmp_path)
    assert gzip.decompress((tmp_path / "a.html.gz").read_bytes()) == b"b" * 1000


def test_precompress_on_two_processes_writes_what_one_writes(tmp_path):
    """Enough files to share among processes (bantin_core.forked.run_calls): same files, same
    bytes as one process, every file counted once."""
    for site in ("two", "one"):
        for n in range(120):
            write(tmp_path / site / f"bai-{n}/index.html", f"<p>Thông báo số {n}</p>\n" * (n + 20))
    assert precompress(tmp_path / "two", workers=2) == precompress(tmp_path / "one") == 240

    def files(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.*")}

    assert files(tmp_path / "two") == files(tmp_path / "one")
