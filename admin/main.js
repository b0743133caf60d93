// The web editor's entry point, bundled by admin/build.mjs into cache/admin/bantin-admin.js.
import CMS from "decap-cms-app";
import { vi } from "decap-cms-locales";
import { frontmatterYAML } from "decap-cms-core/dist/esm/formats/frontmatter";
import React from "react";
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
  const kind = field.get("kind", "count");
  const shown = typeof value === "number" ? formatNumber(value, kind) : "";
  return React.createElement("span", null, shown);
}

CMS.registerWidget("vi_number", ViNumberControl, ViNumberPreview, {
  properties: { kind: { type: "string", enum: KINDS } },
});

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
CMS.registerCustomFormat("bantin-frontmatter", "md", {
  fromFile: (content) => yamlFrontmatter.fromFile(content),
  toFile: (data, sortedKeys, comments) => {
    const { body, ...fields } = data;
    return yamlFrontmatter.toFile({ ...prune(fields), body: body || "" }, sortedKeys, comments);
  },
});

// index.html checks this to tell staff when the bundle is missing (make admin builds it).
window.CMS = CMS;
CMS.init();
