// The web editor's entry point, bundled by admin/build.mjs into cache/admin/bantin-admin.js.
import CMS from "decap-cms-app";
import { vi } from "decap-cms-locales";
import { frontmatterYAML } from "decap-cms-core/dist/esm/formats/frontmatter";
import viExtra from "./vi-extra.js";

function merged(base, extra) {
  const result = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    result[key] = typeof value === "object" ? merged(base[key] || {}, value) : value;
  }
  return result;
}

CMS.registerLocale("vi", merged(vi, viExtra));

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
