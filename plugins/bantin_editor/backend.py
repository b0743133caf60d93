"""Bantin's own server side of the web editor: Decap CMS's ``local_backend`` protocol.

Decap posts ``{"action": …, "params": {…}}`` and expects JSON back; :class:`EditorBackend`
answers it without any HTTP (``handle(body) → (status, payload)``), and :mod:`.server` puts it on
the live preview's address. Compared with the npm ``decap-server`` it replaces:

- **Scope.** Entries are read and written only under the content folder's article and page
  folders (``ARTICLE_PATHS``, ``PAGE_PATHS``, Markdown files only) and, with the
  ``bantin_congkhai`` plugin, its notice folders (``cong-khai/<kind>/*.yml``, judged by
  ``bantin_congkhai.editor.judge``, no drafts); media only under ``images/`` and
  ``documents/``. Absolute paths, ``..``, backslashes and symbolic links are refused (403)
  with a Vietnamese message. Paths come as Decap writes them, from the repository
  (``content/articles/2021/x.md``), or from the content folder (``images/2021/x.jpg``).
- **Media.** ``getMedia`` lists a media folder with its year folders, paths as the site writes
  them (``images/2021/x.jpg``). ``getMediaFile`` takes that path, or the flat path Decap makes
  from an entry's field (``content/images/x.jpg`` for ``images/2021/x.jpg``: the one file of that
  name in a year folder). Uploads are judged by content as the build judges them
  (:func:`bantin_core.uploads.refusal`: HTML, scripts, SVG with code refused), go into the folder
  of the entry's year (of this year for the media library) and never replace a different file
  (``x-2.jpg``); references the editor wrote to the flat path are rewritten to the real one.
- **Round trip.** ``persistEntry`` over an existing file edits only the values that changed
  (:mod:`.roundtrip`): an unchanged post stays byte-identical.
- **One judge.** Every entry is read with the build's own reader before it is written. A draft
  (``status: draft``) is saved with its problems listed in the answer; an entry to be published
  with problems is refused (HTTP 422), the problems in the answer, nothing written.

Beyond Decap's actions, for the editor's form (checks while typing, before saving):

``{"action": "bantinCheck", "params": {"path": "content/articles/2021/x.md", "raw": "---\\n…"}}``
→ 200 ``{"problems": [Problem.as_dict(), …], "status": "draft", "publishable": false,
"saved": false}``. ``path`` is where the entry is or will be (it decides article or page and
what relative paths mean); ``raw`` is the whole file as Decap would save it. ``publishable`` is
true when there is no problem. ``persistEntry`` answers the same shape with ``saved: true`` and
``message``; its 422 answer is ``{"error": "<Vietnamese text>", "problems": […],
"status": …, "publishable": false, "saved": false}`` (Decap shows ``error``).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import glob
import hashlib
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

import yaml

from bantin_core.uploads import ALLOWED, refusal
from bantin_frontmatter.body import MARKDOWN_SUFFIXES
from bantin_frontmatter.fields import schema
from bantin_frontmatter.loader import StrictLoader
from bantin_frontmatter.reader import PROBLEMS_KEY, BantinMarkdownReader

from . import settings as editor_settings
from .roundtrip import merge_entry, merge_front, split_entry

MEDIA_ROOTS = tuple(ALLOWED)  # images, documents
ENTRY_EXTENSIONS = MARKDOWN_SUFFIXES
# A media path without a folder below images/ or documents/, as Decap writes a picked file.
_FLAT_MEDIA = re.compile(r"(?<![\w./-])(?:images|documents)/[^/\s\"'()\[\]<>]+\.\w+(?![\w.-])")


class EditorError(Exception):
    """A request the editor's server answers with an HTTP error and a Vietnamese message."""

    def __init__(self, http_status: int, message: str, **extra):
        super().__init__(message)
        self.http_status = http_status
        self.message = message
        self.extra = extra


def _refused(path, why: str) -> EditorError:
    return EditorError(403, f"Không được phép: «{path}» — {why}")


class EditorBackend:
    """The answers to Decap's local_backend actions for one site (see the module docstring)."""

    def __init__(self, settings, *, now=None):
        self.settings = settings
        self.content = Path(settings["PATH"]).resolve()
        repo = editor_settings.read(settings).admin_repo or self.content.parent
        self.repo = Path(repo).resolve()
        prefix = os.path.relpath(self.content, self.repo).replace(os.sep, "/")
        self.prefix = "" if prefix == "." else prefix + "/"
        self.entry_roots = tuple(
            p.strip("/") for p in (*settings["ARTICLE_PATHS"], *settings["PAGE_PATHS"])
        )
        # Public notices (bantin_congkhai): YAML entries under content/cong-khai/<kind>/, judged
        # by that plugin's own rules.
        self.data_folders = {}
        if "bantin_congkhai" in settings.get("PLUGINS", ()):
            from bantin_congkhai.editor import judge as judge_notice
            from bantin_congkhai.model import FOLDERS

            self.data_folders = dict.fromkeys(FOLDERS, judge_notice)
        self.entry_places = (*self.entry_roots, *{f.split("/")[0] for f in self.data_folders})
        schema()  # the blocks (ket_qua) the build's plugins register, here without Pelican
        self.reader = BantinMarkdownReader(settings)
        self.timezone = ZoneInfo(settings.get("TIMEZONE") or "Asia/Ho_Chi_Minh")
        self._now = now or (lambda: dt.datetime.now(self.timezone))
        # Uploads of this run: the flat path Decap writes into the entry → where the file went.
        self.uploaded: dict[str, str] = {}
        self._lock = threading.Lock()  # one request at a time touches the files

    # --- Requests ----------------------------------------------------------------------------
    def handle(self, body) -> tuple[int, object]:
        """(HTTP status, JSON-able answer) for one decoded request body."""
        if not isinstance(body, dict) or not isinstance(body.get("action"), str):
            return 400, {"error": "Yêu cầu không hợp lệ: thiếu «action»"}
        params = body.get("params") or {}
        handler = self.ACTIONS.get(body["action"])
        if handler is None or not isinstance(params, dict):
            return 422, {"error": f"Máy chủ soạn thảo không hỗ trợ thao tác «{body['action']}»"}
        try:
            with self._lock:
                return 200, handler(self, params)
        except EditorError as error:
            return error.http_status, {"error": error.message, **error.extra}
        except OSError as error:  # a full disk, a file another program holds
            where = f" «{error.filename}»" if error.filename else ""
            return 500, {"error": f"Không đọc/ghi được tệp{where}: {error.strerror or error}"}
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            return 400, {"error": f"Yêu cầu không hợp lệ ({type(error).__name__}: {error})"}

    # --- Paths -------------------------------------------------------------------------------
    def _parts(self, path) -> list[str]:
        """The path's segments from the content folder, after the checks every path passes."""
        if not isinstance(path, str) or not path:
            raise EditorError(400, "Yêu cầu không hợp lệ: thiếu đường dẫn tệp")
        if "\\" in path or "\x00" in path:
            raise _refused(path, "đường dẫn có ký tự không được dùng")
        if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
            raise _refused(path, "không nhận đường dẫn tuyệt đối")
        if self.prefix and path.startswith(self.prefix):
            path = path[len(self.prefix) :]
        parts = path.split("/")
        if any(part in ("", ".", "..") for part in parts):
            raise _refused(path, "đường dẫn không được chứa «..» hay phần rỗng")
        return parts

    def _resolve(self, path, roots) -> tuple[Path, list[str]]:
        """(file on disk, segments) of a path inside one of ``roots`` of the content folder."""
        parts = self._parts(path)
        if parts[0] not in roots or len(parts) < 2:
            places = ", ".join(f"{self.prefix}{root}/" for root in roots)
            raise _refused(path, f"trình soạn thảo chỉ làm việc trong {places}")
        current = self.content
        for part in parts:
            current = current / part
            if current.is_symlink():
                raise _refused(path, "không đi theo liên kết tượng trưng (symlink)")
        root = (self.content / parts[0]).resolve()
        if not current.resolve().is_relative_to(root):
            raise _refused(path, "đường dẫn ra ngoài thư mục nội dung")
        return current, parts

    def _entry(self, path) -> tuple[Path, list[str]]:
        target, parts = self._resolve(path, self.entry_places)
        if parts[0] in self.entry_roots:
            if not parts[-1].endswith(ENTRY_EXTENSIONS):
                raise _refused(path, "bài viết phải là tệp .md")
        elif "/".join(parts[:-1]) not in self.data_folders or not parts[-1].endswith(".yml"):
            raise _refused(path, "mục công khai phải là tệp .yml trong thư mục của loại mục")
        return target, parts

    def _notice_judge(self, target: Path):
        """The public notices' judge for an entry in their folders, else None."""
        folder = target.parent.relative_to(self.content).as_posix()
        return self.data_folders.get(folder)

    def _media(self, path) -> tuple[Path, list[str]]:
        return self._resolve(path, MEDIA_ROOTS)

    def _repo_path(self, parts) -> str:
        return self.prefix + "/".join(parts)

    # --- Entries ------------------------------------------------------------------------------
    @staticmethod
    def _entry_answer(target: Path, shown_path: str, label=None) -> dict:
        try:
            data = target.read_bytes()
        except OSError:
            return {"data": None, "file": {"path": shown_path, "label": label, "id": None}}
        return {
            "data": data.decode("utf-8", "replace"),
            "file": {"path": shown_path, "label": label, "id": hashlib.sha256(data).hexdigest()},
        }

    def entries_by_folder(self, params) -> list[dict]:
        folder = str(params["folder"]).rstrip("/")
        extension = str(params.get("extension") or "md").lstrip(".")
        depth = int(params.get("depth") or 1)
        parts = self._parts(folder)
        if parts[0] not in self.entry_roots and "/".join(parts) not in self.data_folders:
            raise _refused(folder, "trình soạn thảo chỉ đọc bài trong thư mục bài viết, trang")
        base = self.content.joinpath(*parts)
        if any(self.content.joinpath(*parts[: i + 1]).is_symlink() for i in range(len(parts))):
            raise _refused(folder, "không đi theo liên kết tượng trưng (symlink)")
        found = []

        def walk(directory: Path, level: int, segments: list[str]):
            if level > depth or not directory.is_dir():
                return
            for item in sorted(directory.iterdir()):
                if item.is_symlink() or item.name.startswith("."):
                    continue
                if item.is_dir():
                    walk(item, level + 1, [*segments, item.name])
                elif item.name.endswith("." + extension):
                    found.append(self._entry_answer(item, self._repo_path([*segments, item.name])))

        walk(base, 1, parts)
        return found

    def entries_by_files(self, params) -> list[dict]:
        answers = []
        for file in params["files"]:
            target, _ = self._entry(file["path"])
            answers.append(self._entry_answer(target, file["path"], file.get("label")))
        return answers

    def get_entry(self, params) -> dict:
        target, _ = self._entry(params["path"])
        return self._entry_answer(target, params["path"])

    # --- Checking with the build's reader ----------------------------------------------------
    def _status(self, raw: str) -> str:
        parts = split_entry(raw.removeprefix("\ufeff").replace("\r\n", "\n"))
        default = (self.settings.get("DEFAULT_METADATA") or {}).get("status", "published")
        if parts is None:
            return default
        try:
            front = yaml.load(parts[1], Loader=StrictLoader)
        except yaml.YAMLError:
            return default
        status = front.get("status", default) if isinstance(front, dict) else default
        return status if isinstance(status, str) else default

    def judge(self, target: Path, raw: str) -> dict:
        """The build's verdict on ``raw`` saved at ``target``: problems, status, publishable."""
        notice_judge = self._notice_judge(target)
        if notice_judge:  # a notice has no draft state: published as soon as it is saved
            problems = [p.as_dict() for p in notice_judge(str(target), raw, self.settings)]
            return {"problems": problems, "status": "published", "publishable": not problems}
        _, metadata = self.reader.read_bytes(raw.encode("utf-8"), str(target))
        problems = [p.as_dict() for p in metadata.get(PROBLEMS_KEY, ())]
        return {"problems": problems, "status": self._status(raw), "publishable": not problems}

    def check(self, params) -> dict:
        target, _ = self._entry(params["path"])
        return {**self.judge(target, str(params["raw"])), "saved": False}

    # --- Saving entries ------------------------------------------------------------------------
    def _entry_year(self, raw: str) -> int:
        parts = split_entry(raw.replace("\r\n", "\n"))
        if parts:
            match = re.search(r"^date:\s*['\"]?(\d{4})-\d{1,2}-\d{1,2}", parts[1], re.M)
            if match and 1990 <= int(match.group(1)) <= 2099:
                return int(match.group(1))
        return self._now().year

    def _year_folder_file(self, flat: str) -> str | None:
        """``images/2021/x.jpg`` for ``images/x.jpg``: the one file of that name in a folder."""
        root, name = flat.split("/")
        matches = [
            path
            for path in (self.content / root).glob("*/" + glob.escape(name))
            if path.is_file() and not path.is_symlink() and not path.parent.is_symlink()
        ]
        return f"{root}/{matches[0].parent.name}/{name}" if len(matches) == 1 else None

    def _rewrite_references(self, raw: str, moved: dict[str, str], original: str) -> str:
        """Paths Decap writes as ``images/x.jpg`` (it keeps only a file's name) → the file's
        real place, ``images/2021/x.jpg``: an upload of this run, else the one file of that
        name in a year folder. Paths to real files, and any the file already had, stay."""

        def real_place(match):
            flat = match.group(0)
            if (self.content / flat).exists() or flat in original:
                return flat
            return moved.get(flat) or self._year_folder_file(flat) or flat

        return _FLAT_MEDIA.sub(real_place, raw)

    def _plan_entry(self, data_file, options, moved) -> tuple:
        """(file now, file to write, text to write, verdict) of one entry, or EditorError."""
        target, _ = self._entry(data_file["path"])
        destination = target
        if data_file.get("newPath"):
            destination, _ = self._entry(data_file["newPath"])
            if destination.exists() and destination != target:
                raise EditorError(
                    409, f"Đã có bài ở «{data_file['newPath']}»: đổi tên đường dẫn (slug) khác"
                )
        elif options.get("newEntry") and target.exists():
            raise EditorError(
                409,
                f"Đã có bài ở «{data_file['path']}»: đổi tên đường dẫn (slug) hoặc tiêu đề "
                "để không ghi đè lên bài đó",
            )
        original = target.read_bytes().decode("utf-8", "replace") if target.exists() else None
        raw = self._rewrite_references(str(data_file["raw"]), moved, original or "")
        if original is not None:
            merge = merge_front if target.suffix == ".yml" else merge_entry
            # Not YAML at all: written as sent (if a draft), and the judge says what is wrong.
            with contextlib.suppress(yaml.YAMLError):
                raw = merge(original, raw)
        verdict = self.judge(destination, raw)
        if verdict["problems"] and verdict["status"] != "draft":
            listing = "\n".join(f"- {p['text']}" for p in verdict["problems"])
            raise EditorError(
                422,
                f"Chưa lưu: bài có {len(verdict['problems'])} lỗi, trang web sẽ không đăng "
                f"bài này.\n{listing}\nSửa các lỗi trên rồi lưu lại; hoặc chọn trạng thái "
                "«Bản nháp» để lưu tạm.",
                **verdict,
                saved=False,
            )
        return target, destination, raw, verdict

    def persist_entry(self, params) -> dict:
        data_files = params.get("dataFiles") or [params["entry"]]
        options = params.get("options") or {}
        first_raw = str(data_files[0].get("raw", "")) if data_files else ""
        year = self._entry_year(first_raw)
        assets = [self._place_upload(asset, year) for asset in params.get("assets") or []]
        moved = {**self.uploaded, **{a["flat"]: a["path"] for a in assets}}
        # The photos are in place while the entry is judged (the reader looks for them) and
        # taken away again if the entry is refused.
        written = [a["target"] for a in assets if not a["exists"]]
        for asset in assets:
            if not asset["exists"]:
                _write(asset["target"], asset["data"])
        try:
            plans = [self._plan_entry(data_file, options, moved) for data_file in data_files]
        except EditorError:
            for target in written:
                target.unlink(missing_ok=True)
            raise
        for target, destination, raw, _ in plans:
            data = raw.encode("utf-8")
            if not destination.exists() or destination.read_bytes() != data:
                _write(destination, data)
            if destination != target and target.exists():
                target.unlink()
        problems = [p for *_, verdict in plans for p in verdict["problems"]]
        message = (
            f"Đã lưu bản nháp; còn {len(problems)} lỗi cần sửa trước khi đăng."
            if problems
            else "Đã lưu."
        )
        return {
            "message": message,
            "problems": problems,
            "status": plans[0][3]["status"] if plans else None,
            "publishable": not problems,
            "saved": True,
        }

    # --- Media -------------------------------------------------------------------------------
    def _media_answer(self, target: Path, parts: list[str]) -> dict:
        data = target.read_bytes()
        return {
            "id": hashlib.sha256(data).hexdigest(),
            "content": base64.b64encode(data).decode("ascii"),
            "encoding": "base64",
            "path": "/".join(parts),
            "name": target.name,
        }

    def get_media(self, params) -> list[dict]:
        parts = self._parts(str(params["mediaFolder"]).rstrip("/"))
        if parts[0] not in MEDIA_ROOTS or len(parts) != 1:
            raise _refused(params["mediaFolder"], "thư viện chỉ mở images/ hoặc documents/")
        root = self.content / parts[0]
        if root.is_symlink():
            raise _refused(params["mediaFolder"], "không đi theo liên kết tượng trưng (symlink)")
        answers = []
        for directory, folders, files in os.walk(root):
            folders[:] = sorted(
                f for f in folders if not f.startswith(".") and not Path(directory, f).is_symlink()
            )
            for name in sorted(files):
                target = Path(directory, name)
                if name.startswith(".") or target.is_symlink():
                    continue
                if refusal(parts[0], name, str(target)):
                    continue  # what the build would not publish (a README.md) is not offered
                answers.append(
                    self._media_answer(target, list(target.relative_to(self.content).parts))
                )
        # The newest year first (what staff look for), files outside year folders last.
        return sorted(answers, key=_library_order)

    def get_media_file(self, params) -> dict:
        target, parts = self._media(params["path"])
        if not target.is_file() and len(parts) == 2:
            # Decap asks for content/images/x.jpg when the entry says images/2021/x.jpg.
            found = self._year_folder_file("/".join(parts))
            if found:
                target, parts = self._media(found)
        if not target.is_file():
            raise EditorError(404, f"Không tìm thấy tệp «{params['path']}» trong thư mục nội dung")
        return self._media_answer(target, parts)

    def _place_upload(self, asset, year: int) -> dict:
        """Where an uploaded file goes: checked by content, in the year's folder, never over a
        different file (``x-2.jpg``). Returns what to write and the paths before and after."""
        if asset.get("encoding", "base64") != "base64":
            raise EditorError(400, "Yêu cầu không hợp lệ: tệp phải gửi dạng base64")
        try:
            data = base64.b64decode(asset["content"], validate=True)
        except (binascii.Error, ValueError) as error:
            raise EditorError(400, "Yêu cầu không hợp lệ: tệp gửi lên bị hỏng") from error
        target, parts = self._media(asset["path"])
        refused = refusal(parts[0], parts[-1], data)
        if refused:
            raise EditorError(
                415,
                f"Không nhận tệp «{parts[-1]}»: {refused.rstrip('.')}. Trang web, mã chạy trên "
                "trình duyệt (HTML, JavaScript) và SVG có mã không được tải lên. Cách sửa: lưu "
                "ảnh dạng JPEG hoặc PNG, văn bản dạng PDF, rồi tải lên lại",
            )
        flat = f"{parts[0]}/{parts[-1]}"
        if len(parts) == 2:
            parts = [parts[0], str(year), parts[1]]
            target, parts = self._media("/".join(parts))
        stem, dot, extension = parts[-1].rpartition(".")
        number = 1
        while target.exists() and target.read_bytes() != data:  # the same file again: kept
            number += 1
            parts[-1] = f"{stem}-{number}{dot}{extension}"
            target, parts = self._media("/".join(parts))
        return {
            "target": target,
            "parts": parts,
            "data": data,
            "exists": target.exists(),
            "flat": flat,
            "path": "/".join(parts),
        }

    def persist_media(self, params) -> dict:
        placed = self._place_upload(params["asset"], self._now().year)
        if not placed["exists"]:
            _write(placed["target"], placed["data"])
        self.uploaded[placed["flat"]] = placed["path"]
        return self._media_answer(placed["target"], placed["parts"])

    def delete_files(self, params) -> dict:
        paths = params.get("paths") or [params["path"]]
        targets = []
        for path in paths:
            parts = self._parts(path)
            if parts[0] in MEDIA_ROOTS:
                targets.append(self._media(path)[0])
            else:
                targets.append(self._entry(path)[0])
        for target in targets:
            if target.is_file():
                target.unlink()
        return {"message": "Đã xóa: " + ", ".join(paths)}

    def info(self, params) -> dict:
        return {"repo": self.repo.name, "publish_modes": ["simple"], "type": "local_fs"}

    def deploy_preview(self, params):
        return None

    ACTIONS: ClassVar[dict] = {
        "info": info,
        "entriesByFolder": entries_by_folder,
        "entriesByFiles": entries_by_files,
        "getEntry": get_entry,
        "persistEntry": persist_entry,
        "getMedia": get_media,
        "getMediaFile": get_media_file,
        "persistMedia": persist_media,
        "deleteFile": delete_files,
        "deleteFiles": delete_files,
        "getDeployPreview": deploy_preview,
        "bantinCheck": check,
    }


def _library_order(media: dict) -> tuple:
    parts = media["path"].split("/")
    if len(parts) > 2 and parts[1].isdigit():
        return (0, -int(parts[1]), media["path"])
    return (1, 0, media["path"])


def _write(target: Path, data: bytes) -> None:
    """Write through a temporary file beside the target: a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".bantin-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
