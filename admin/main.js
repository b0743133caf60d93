// The web editor's entry point, bundled by admin/build.mjs into cache/admin/bantin-admin.js.
import CMS from "decap-cms-app";
import { vi } from "decap-cms-locales";
import { frontmatterYAML } from "decap-cms-core/dist/esm/formats/frontmatter";
import yamlFormat from "decap-cms-core/dist/esm/formats/yaml";
import image from "decap-cms-editor-component-image";
import React from "react";
import { checkBeforeSaving, editorServer } from "./check.js";
import { checkValue, formatNumber, inputText, KINDS, parseNumber } from "./numbers.js";
import viExtra from "./vi-extra.js";

function merged(base, extra) {
  const result = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    result[key] = typeof value === "object" ? merged(base[key] || {}, value) : value;
  }
  return result;
}

CMS.registerLocale("vi", merged(vi, viExtra));

// The rich-text editor's «Chèn thành phần» menu and its dialogs, in Vietnamese (Decap registers
// them with English labels that no locale reaches).
CMS.registerEditorComponent({
  ...image,
  label: "Ảnh",
  fields: [
    { label: "Ảnh", name: "image", widget: "image", media_library: { allow_multiple: false } },
    { label: "Mô tả ảnh (cho người khiếm thị)", name: "alt" },
    { label: "Chú thích khi rê chuột", name: "title", required: false },
  ],
});
CMS.registerEditorComponent({ id: "code-block", label: "Khối mã", widget: "code", type: "code-block" });

// Screen readers hear each field's box as «Trường string» (Decap names it by its widget):
// name it by the field's Vietnamese label instead.
// The notifications' close button and timer (react-toastify) have English names too.
const NAMES = { close: "Đóng", "notification timer": "Thời gian còn lại của thông báo" };

function nameFieldBoxes(root) {
  for (const element of root.querySelectorAll('[aria-label="close"], [aria-label="notification timer"]')) {
    element.setAttribute("aria-label", NAMES[element.getAttribute("aria-label")]);
  }
  for (const box of root.querySelectorAll('[aria-label^="Trường "]')) {
    const label = box.querySelector("label");
    const text = label?.firstChild?.textContent?.trim();
    const name = text ? `Trường «${text}»` : null;
    if (name && box.getAttribute("aria-label") !== name) box.setAttribute("aria-label", name);
  }
}
new MutationObserver(() => nameFieldBoxes(document)).observe(document.documentElement, {
  subtree: true,
  childList: true,
});

// Figures of the results form (config: widget vi_number, kind count|money|percent|signed|
// signed-money): what staff type and paste, read the Vietnamese way (admin/numbers.js), shown
// as the site will print it while typing, stored as the number. Text that cannot be read is
// kept as typed, so isValid names the problem and Decap refuses to save.
class ViNumberControl extends React.Component {
  constructor(props) {
    super(props);
    this.state = { text: inputText(props.value, this.kind()) };
  }

  kind() {
    return this.props.field.get("kind", "count");
  }

  componentDidUpdate(previous) {
    // A value set from outside (another entry opened, a draft restored): show it.
    const { value } = this.props;
    if (value !== previous.value && value !== this.typedValue) {
      this.setState({ text: inputText(value, this.kind()) });
    }
  }

  isValid = () => {
    const message = checkValue(this.props.value, this.kind());
    return message ? { error: { type: "CUSTOM", message } } : true;
  };

  handleChange = (event) => {
    const text = event.target.value;
    const parsed = parseNumber(text, this.kind());
    this.typedValue = parsed.ok ? (parsed.value ?? "") : text;
    this.setState({ text });
    this.props.onChange(this.typedValue);
  };

  render() {
    const { forID, classNameWrapper, setActiveStyle, setInactiveStyle } = this.props;
    const kind = this.kind();
    const parsed = parseNumber(this.state.text, kind);
    const noteId = `bt-so-${forID}`;
    let note = "";
    if (!parsed.ok) note = parsed.message;
    else if (parsed.value !== null) note = `Trang sẽ in: ${formatNumber(parsed.value, kind)}`;
    return React.createElement(
      "div",
      { className: "bt-number" },
      React.createElement("input", {
        id: forID,
        type: "text",
        inputMode: kind === "percent" ? "decimal" : "numeric",
        autoComplete: "off",
        className: classNameWrapper,
        value: this.state.text,
        onChange: this.handleChange,
        onFocus: setActiveStyle,
        onBlur: setInactiveStyle,
        "aria-invalid": parsed.ok ? undefined : "true",
        "aria-describedby": noteId,
      }),
      React.createElement(
        "p",
        {
          id: noteId,
          className: parsed.ok ? "bt-number__shown" : "bt-number__error",
          "aria-live": "polite",
        },
        note,
      ),
    );
  }
}

function ViNumberPreview({ value, field }) {
  if (typeof value !== "number") return null;
  const shown = formatNumber(value, field.get("kind", "count"));
  return React.createElement("p", null, `${field.get("label")}: ${shown}`);
}

CMS.registerWidget("vi_number", ViNumberControl, ViNumberPreview, {
  properties: { kind: { type: "string", enum: KINDS } },
});

// Decap's image field (and its preview) asks for its photo once, while the photo is still
// loading, and then shows the blank placeholder for good (an existing post's featured photo
// was a blank box). These wrappers ask again until the photo is there, then hand Decap's
// component a new getAsset, which makes it show the photo.
const baseImage = CMS.getWidget("image");
class WaitForPhoto extends React.Component {
  getAsset = (...args) => this.props.getAsset(...args);

  componentDidMount() {
    this.watch();
  }

  componentDidUpdate(previous) {
    if (previous.value !== this.props.value) this.watch();
  }

  componentWillUnmount() {
    clearTimeout(this.timer);
  }

  watch() {
    clearTimeout(this.timer);
    const { value, field } = this.props;
    if (!value || typeof value !== "string") return;
    let tries = 0;
    let waited = false;
    const check = () => {
      const asset = this.props.getAsset(value, field);
      if (asset && asset.path !== "empty.svg") {
        if (waited) {
          this.getAsset = (...args) => this.props.getAsset(...args);
          this.forceUpdate();
        }
        return;
      }
      waited = true;
      tries += 1;
      if (tries < 100) this.timer = setTimeout(check, 200);
    };
    check();
  }

  render() {
    return React.createElement(this.constructor.base, { ...this.props, getAsset: this.getAsset });
  }
}

class ImageControl extends WaitForPhoto {
  static base = baseImage.control;

  // Decap's Widget asks the control whether to re-render: a photo picked in the library
  // arrives through mediaPaths, as for Decap's own image field.
  shouldComponentUpdate(next) {
    return ["value", "getAsset", "mediaPaths", "classNameWrapper", "hasActiveStyle"].some(
      (name) => next[name] !== this.props[name],
    );
  }
}

class ImagePreview extends WaitForPhoto {
  static base = baseImage.preview;
}

CMS.registerWidget("image", ImageControl, ImagePreview, baseImage.schema);

// Decap's YAML front-matter, without the empty values its widgets leave behind: a cleared number
// is "", an untouched group is {}; the strict reader would reject "" where a number belongs and a
// ket_qua block without its period. Leaving such fields out is what staff writing by hand do.
function isEmpty(value) {
  if (value === "" || value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object" && !(value instanceof Date)) return Object.keys(value).length === 0;
  return false;
}

function prune(value) {
  if (Array.isArray(value)) return value.map(prune).filter((item) => !isEmpty(item));
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const kept = {};
    for (const [key, item] of Object.entries(value)) {
      const clean = prune(item);
      if (!isEmpty(clean)) kept[key] = clean;
    }
    return kept;
  }
  return typeof value === "string" ? value.trim() : value;
}

const yamlFrontmatter = frontmatterYAML();
const bantinFormat = {
  fromFile: (content) => yamlFrontmatter.fromFile(content),
  toFile: (data, sortedKeys, comments) => {
    const { body, ...fields } = data;
    return yamlFrontmatter.toFile({ ...prune(fields), body: body || "" }, sortedKeys, comments);
  },
};
CMS.registerCustomFormat("bantin-frontmatter", "md", bantinFormat);

// The public notices' files (content/cong-khai/*/*.yml): Decap's YAML, without the same empty
// values (a new debtor would otherwise end with «sua_doi: []» and an empty «thu_hoi» block).
const bantinYaml = {
  fromFile: (content) => yamlFormat.fromFile(content),
  toFile: (data, sortedKeys, comments) => yamlFormat.toFile(prune(data), sortedKeys, comments),
};
CMS.registerCustomFormat("bantin-yml", "yml", bantinYaml);

const FORMATS = { "bantin-frontmatter": bantinFormat, "bantin-yml": bantinYaml };

// The build's own check before every save (admin/check.js): the entry as its file will be written.
CMS.registerEventListener({
  name: "preSave",
  handler: (event) =>
    checkBeforeSaving(event, {
      toFile: (data, collection) => (FORMATS[collection.format] || bantinFormat).toFile(data),
    }),
});

// index.html checks this to tell staff when the bundle is missing (make admin builds it).
window.CMS = CMS;
// Without the editor server (the page opened from `make devserver`), the editor could show its
// form but never save: index.html's message says to run `make admin` instead.
editorServer().then(({ state, message }) => {
  if (state !== "absent") {
    CMS.init();
    return;
  }
  const notice = document.getElementById("bt-admin-no-server");
  if (!notice) return;
  if (message) notice.querySelector(".bt-admin-detail").textContent = `Máy chủ trả lời: ${message}`;
  notice.hidden = false;
});
