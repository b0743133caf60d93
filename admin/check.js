// Checked before saving: the entry goes to the editor server's "bantinCheck" action
// (plugins/bantin_editor/backend.py), which reads it with the build's own reader. An entry to be
// published with problems is not saved; a draft is saved with its problems listed. Either way
// staff see the build's Vietnamese messages, field by field, in a dialog.
// Decap's own YAML reader (its `yaml` dependency, whatever npm hoists).
import yamlFormat from "decap-cms-core/dist/esm/formats/yaml";

let configPromise = null;

function loadConfig() {
  // The editor server writes this run's API address (with its token) into the served copy.
  configPromise ??= fetch("config.yml", { credentials: "same-origin" })
    .then((response) => (response.ok ? response.text() : ""))
    .then((text) => yamlFormat.fromFile(text) || {})
    .catch(() => ({}));
  return configPromise;
}

function collectionOf(config, name) {
  return (config.collections || []).find((collection) => collection.name === name);
}

// Where the entry is, or will be saved: Decap's path for an existing one, else the
// collection's folder and path template (the server needs it to judge relative paths).
function entryPath(entry, collection, data) {
  if (entry.get("path") && !entry.get("newRecord")) return entry.get("path");
  const year = String(data.date || "").slice(0, 4) || String(new Date().getFullYear());
  const slug = data.slug || "bai-moi";
  const name = (collection.path || "{{slug}}")
    .replace("{{year}}", year)
    .replace("{{slug}}", slug)
    .replace("{{fields.slug}}", slug);
  return `${collection.folder}/${name}.${collection.extension || "md"}`;
}

// «Kết quả thi hành án › Về việc › Giải quyết xong» for ket_qua.viec.giai_quyet_xong.
export function fieldLabel(fields, dotted) {
  const labels = [];
  let current = fields || [];
  for (const part of String(dotted || "").split(".")) {
    if (/^\d+$/.test(part)) {
      labels.push(`mục thứ ${Number(part) + 1}`);
      continue;
    }
    const field = current.find((candidate) => candidate.name === part);
    if (!field) {
      labels.push(part);
      current = [];
      continue;
    }
    labels.push(field.label || part);
    current = field.fields || [];
  }
  return labels.join(" › ");
}

function problemText(problem) {
  // The build's own paragraph without «file:line: trường «…»:», which the dialog puts first.
  let text = problem.text || problem.message || "";
  const where = problem.line == null ? `${problem.source}:` : `${problem.source}:${problem.line}:`;
  if (problem.source && text.startsWith(where)) text = text.slice(where.length).trim();
  if (problem.field && text.startsWith(`trường «${problem.field}»:`)) {
    text = text.slice(`trường «${problem.field}»:`.length).trim();
  }
  return text;
}

function closeDialog() {
  document.getElementById("bt-check-dialog")?.remove();
}

// The list belongs to the entry it was made for: gone when staff open another page.
window.addEventListener("hashchange", closeDialog);

// A dialog listing field → message; focus goes to it, «Đóng» (or Escape) closes it.
export function showProblems(title, problems, fields) {
  closeDialog();
  const dialog = document.createElement("div");
  dialog.id = "bt-check-dialog";
  dialog.className = "bt-check";
  dialog.setAttribute("role", "alertdialog");
  dialog.setAttribute("aria-modal", "true");
  dialog.setAttribute("aria-labelledby", "bt-check-title");
  const heading = document.createElement("h2");
  heading.id = "bt-check-title";
  heading.textContent = title;
  heading.tabIndex = -1;
  const list = document.createElement("ul");
  for (const problem of problems) {
    const item = document.createElement("li");
    if (problem.field) {
      const name = document.createElement("strong");
      name.textContent = `${fieldLabel(fields, problem.field)}: `;
      item.append(name);
    }
    item.append(problemText(problem));
    list.append(item);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "Đóng";
  close.addEventListener("click", closeDialog);
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeDialog();
  });
  dialog.append(heading, list, close);
  document.body.append(dialog);
  heading.focus();
}

class NotSaved extends Error {
  toString() {
    return this.message;
  }
}

// Decap's preSave listener: resolves (the entry is saved) or throws NotSaved (it is not).
export async function checkBeforeSaving({ entry }, { toFile }) {
  const config = await loadConfig();
  const url = config.local_backend?.url;
  const collection = collectionOf(config, entry.get("collection"));
  if (!url || !collection) return undefined; // a Git server backend: its CI checks
  const data = entry.get("data").toJS();
  let verdict;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        action: "bantinCheck",
        params: { path: entryPath(entry, collection, data), raw: toFile(data) },
      }),
    });
    if (!response.ok) return undefined; // an older server: it still refuses on saving
    verdict = await response.json();
  } catch {
    return undefined;
  }
  // Files picked for upload are written only with the entry: a problem about one of them
  // («Không tìm thấy tệp») is not one yet. The server judges the entry again with them.
  const pending = (entry.get("mediaFiles")?.toJS?.() || [])
    .filter((file) => file.draft)
    .map((file) => String(file.path || file.name || "").split("/").pop())
    .filter(Boolean);
  const problems = (verdict.problems || []).filter(
    (problem) => !pending.some((name) => String(problem.found || "").includes(name)),
  );
  if (!problems.length) {
    closeDialog();
    return undefined;
  }
  if (verdict.status === "draft") {
    showProblems(
      `Đã lưu bản nháp; còn ${problems.length} lỗi cần sửa trước khi đăng`,
      problems,
      collection.fields,
    );
    return undefined;
  }
  const title =
    `Chưa lưu: bài có ${problems.length} lỗi, trang web sẽ không đăng bài này. ` +
    "Sửa các lỗi dưới đây rồi lưu lại, hoặc chọn trạng thái «Bản nháp (chưa đăng)» để lưu tạm";
  showProblems(title, problems, collection.fields);
  throw new NotSaved(`bài có ${problems.length} lỗi (xem danh sách trong khung thông báo)`);
}
