// Checked before saving: the entry goes to the editor server's "bantinCheck" action
// (plugins/bantin_editor/backend.py), which reads it with the build's own reader. An entry to be
// published with problems is not saved; a draft is saved with its problems listed (a public
// notice, content/cong-khai/*/*.yml, has no draft: it is sent as its YAML file and saved only
// without problems). Either way staff see the build's Vietnamese messages: all of them in a
// dialog, and each under its field.
// Decap's own YAML reader (its `yaml` dependency, whatever npm hoists).
import yamlFormat from "decap-cms-core/dist/esm/formats/yaml";
import viExtra from "./vi-extra.js";

const EXPAND = viExtra.editor.editorWidgets.object.expand;

let configPromise = null;

function loadConfig() {
  // The editor server writes this run's API address (with its token) into the served copy.
  configPromise ??= fetch("config.yml", { credentials: "same-origin" })
    .then((response) => (response.ok ? response.text() : ""))
    .then((text) => yamlFormat.fromFile(text) || {})
    .catch(() => ({}));
  return configPromise;
}

// Is the editor server of `make admin` there? It writes its API address with this run's token
// (/api/<token>/v1) into the served config and answers «info». Under `make devserver` (no editor
// server) the address is the one written in the file, where nothing answers, or another program
// does: "absent", with the server's own message when it gave one. A shared Git server
// (config.backend, no local_backend): "other", Decap logs in there.
export async function editorServer() {
  const config = await loadConfig();
  const url = config.local_backend?.url;
  if (!url) return { state: config.backend ? "other" : "absent" };
  if (!/\/api\/[^/]+\/v1\/?$/.test(url)) return { state: "absent" };
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ action: "info", params: {} }),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.ok && answer.type === "local_fs") return { state: "ready" };
    return { state: "absent", message: typeof answer.error === "string" ? answer.error : "" };
  } catch {
    return { state: "absent" };
  }
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

// A problem's field as steps: ``ket_qua.don_vi[2].ten`` (the build's names, counting list
// items from 1, bantin_frontmatter.loader.field_name) or ``ket_qua.don_vi.1.ten`` (from 0)
// → [{name: "ket_qua"}, {name: "don_vi"}, {index: 1}, {name: "ten"}].
export function fieldPath(dotted) {
  const steps = [];
  for (const part of String(dotted || "").split(".")) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      steps.push({ name: part });
    } else if (/^\d+$/.test(match[1])) {
      steps.push({ index: Number(match[1]) });
    } else {
      if (match[1]) steps.push({ name: match[1] });
      for (const number of match[2].match(/\d+/g) || []) steps.push({ index: Number(number) - 1 });
    }
  }
  return steps;
}

// «Kết quả thi hành án › Về việc › Giải quyết xong» for ket_qua.viec.giai_quyet_xong.
export function fieldLabel(fields, dotted) {
  const labels = [];
  let current = fields || [];
  for (const step of fieldPath(dotted)) {
    if (step.index !== undefined) {
      labels.push(`mục thứ ${step.index + 1}`);
      continue;
    }
    const field = current.find((candidate) => candidate.name === step.name);
    if (!field) {
      labels.push(step.name);
      current = [];
      continue;
    }
    labels.push(field.label || step.name);
    current = field.fields || [];
  }
  return labels.join(" › ");
}

// --- The message under its field ------------------------------------------------------------
// Decap gives every field's control the id «<name>-field-<n>» and its label for= that id; a
// block (object) or a list is a control holding its fields' controls. A path is followed from
// the form down: at each step the nearest controls of that name (fewest controls between),
// the list item's when an index came before.
const FIELD_ID = /^(.+)-field-\d+$/;

function depthWithin(element, scope) {
  let depth = 0;
  for (let node = element.parentElement; node && node !== scope; node = node.parentElement) {
    if (node.id && FIELD_ID.test(node.id)) depth += 1;
  }
  return depth;
}

export function findControl(dotted, root = document.body) {
  const steps = fieldPath(dotted);
  let scope = root;
  let index = 0;
  let from = 0;
  let found = null;
  for (let i = 0; i < steps.length; i += 1) {
    const step = steps[i];
    if (step.index !== undefined) {
      index = step.index;
      continue;
    }
    const labels = [...scope.querySelectorAll("label[for]")].filter(
      (label) => FIELD_ID.exec(label.htmlFor)?.[1] === step.name && !label.closest(".bt-check"),
    );
    const least = Math.min(...labels.map((label) => depthWithin(label, scope)));
    const label = labels.filter((item) => depthWithin(item, scope) === least)[index];
    const control = label && document.getElementById(label.htmlFor);
    if (!control) return { found, missing: steps.slice(from) };
    found = { label, control };
    scope = control;
    index = 0;
    from = i + 1;
  }
  return { found, missing: [] };
}

const NOTE = "bt-field-problem";

export function clearFieldNotes() {
  for (const note of document.querySelectorAll(`.${NOTE}`)) {
    for (const element of document.querySelectorAll(`[aria-describedby~="${note.id}"]`)) {
      const rest = element
        .getAttribute("aria-describedby")
        .split(/\s+/)
        .filter((id) => id && id !== note.id);
      if (rest.length) element.setAttribute("aria-describedby", rest.join(" "));
      else element.removeAttribute("aria-describedby");
    }
    note.remove();
  }
}

// Staff changing a field: its message told of what was there before.
document.addEventListener("input", (event) => {
  const ids = (event.target.getAttribute?.("aria-describedby") || "").split(/\s+/);
  for (const id of ids) {
    const note = id.startsWith("bt-loi-") && document.getElementById(id);
    if (note) {
      const rest = ids.filter((other) => other && other !== id);
      event.target.setAttribute("aria-describedby", rest.join(" "));
      note.remove();
    }
  }
});

// A block the field is in that Decap shows folded («Mở ra»): opened, so the message is seen.
function unfold(control) {
  const blocks = [];
  for (let node = control.parentElement; node; node = node.parentElement) {
    if (node.id && FIELD_ID.test(node.id)) blocks.unshift(node);
  }
  for (const block of blocks) {
    const button = block.firstElementChild?.querySelector('[data-testid="expand-button"]');
    if (button && button.getAttribute("aria-label") === EXPAND) button.click();
  }
}

// Each problem with a field: its message right under that field's control (under the label of a
// block), in the field's accessible description. Problems of the body or of the file as a whole
// are in the dialog only. Returns how many were placed.
export function showFieldNotes(problems, fields) {
  clearFieldNotes();
  let placed = 0;
  problems.forEach((problem, number) => {
    if (!problem.field) return;
    const { found, missing } = findControl(problem.field);
    if (!found) return;
    const { label, control } = found;
    const container = label.parentElement?.parentElement;
    if (!container) return;
    const note = document.createElement("p");
    note.className = NOTE;
    note.id = `bt-loi-${number + 1}`;
    const where = missing.length ? `${fieldLabel(fields, problem.field)}: ` : "";
    note.textContent = where + problemText(problem);
    const block = control.querySelector("label[for]");
    if (block || !container.contains(control)) {
      label.parentElement.after(note);
    } else {
      let child = control;
      while (child.parentElement !== container) child = child.parentElement;
      child.after(note);
    }
    const described = (control.getAttribute("aria-describedby") || "").split(/\s+/);
    control.setAttribute("aria-describedby", [...described, note.id].filter(Boolean).join(" "));
    unfold(control);
    placed += 1;
  });
  return placed;
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

// The list and the messages belong to the entry they were made for: gone when staff open
// another page.
window.addEventListener("hashchange", () => {
  closeDialog();
  clearFieldNotes();
});

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
  clearFieldNotes();
  const data = entry.get("data").toJS();
  let verdict;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        action: "bantinCheck",
        params: { path: entryPath(entry, collection, data), raw: toFile(data, collection) },
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
    showFieldNotes(problems, collection.fields);
    return undefined;
  }
  // Public notices (their own YAML files) have no draft: saved is published.
  const notice = collection.format === "bantin-yml";
  const what = notice ? "mục" : "bài";
  const title = notice
    ? `Chưa lưu: mục có ${problems.length} lỗi, trang web sẽ không đăng mục này. ` +
      "Sửa các trường nêu dưới đây rồi lưu lại; mục được đăng ngay khi lưu được " +
      "(mục công khai không có bản nháp)"
    : `Chưa lưu: bài có ${problems.length} lỗi, trang web sẽ không đăng bài này. ` +
      "Sửa các lỗi dưới đây rồi lưu lại, hoặc chọn trạng thái «Bản nháp (chưa đăng)» để lưu tạm";
  showProblems(title, problems, collection.fields);
  showFieldNotes(problems, collection.fields);
  throw new NotSaved(`${what} có ${problems.length} lỗi (xem danh sách trong khung thông báo)`);
}
