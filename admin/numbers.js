// Vietnamese numbers as staff type and paste them, for the results form of the web editor.
// Pure functions (no Decap, no DOM): main.js wraps them in a widget; tests/test_numbers.mjs and
// tests/test_editor_numbers.py run the shared cases in tests/data/vi-number-cases.json.
//
// Kinds: "count" (việc), "money" (đồng), "percent" (0–100, at most two decimals), and the
// changes against the same period last year, "signed" and "signed-money" (the kinds of
// bantin_frontmatter.fields.FieldSpec.number).
// The site prints them through bantin_format.formatting (Babel, locale vi): «2.073»,
// «75.683.482.000 đồng», «37,10%», «tăng 53 việc»; formatNumber gives the same text.

export const KINDS = ["count", "money", "percent", "signed", "signed-money"];

const NBSP = "\u00a0";
// Spaces staff paste from Word and Excel between groups of digits.
const SPACES = /[\s\u00a0\u2007\u202f\u2009]+/g;
const MINUS = /^[-\u2212\u2013]/;

const EXAMPLES = {
  count: "2.073 hoặc 2073",
  money: "75.683.482.000 hoặc 75683482000",
  percent: "37,10",
  "signed": "53 hoặc -12",
  "signed-money": "6.627.608.000 hoặc -1.200.000",
};

function refuse(message, kind) {
  return { ok: false, message: `${message}. Ví dụ: ${EXAMPLES[kind]}` };
}

function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

// Digits grouped by threes with one kind of separator ("." or " "), or plain digits.
function readWhole(text) {
  if (/^\d+$/.test(text)) return text;
  if (/^\d{1,3}(\.\d{3})+$/.test(text)) return text.replace(/\./g, "");
  if (/^\d{1,3}( \d{3})+$/.test(text)) return text.replace(/ /g, "");
  return null;
}

function wholeNumber(text, kind) {
  const signed = kind.startsWith("signed");
  const what = kind.endsWith("money") ? "Số tiền" : "Số việc";
  let sign = 1;
  if (/^[-+\u2212\u2013]/.test(text)) {
    if (!signed) {
      return refuse(
        text.startsWith("+")
          ? `${what} không ghi dấu +`
          : `${what} không được âm (số giảm so với cùng kỳ ghi ở ô «So với cùng kỳ»)`,
        kind,
      );
    }
    if (MINUS.test(text)) sign = -1;
    text = text.slice(1).trim();
  }
  if (/[^\d., ]/.test(text)) {
    return refuse(`Chỉ ghi chữ số, không kèm chữ hay ký hiệu: «${text}»`, kind);
  }
  if (text.includes(",")) {
    return refuse(
      `Không rõ «${text}»: dấu phẩy là dấu thập phân, mà ${what.toLowerCase()} là số nguyên. ` +
        "Ngăn cách hàng nghìn bằng dấu chấm",
      kind,
    );
  }
  const digits = readWhole(text);
  if (digits === null) {
    return refuse(
      `Không rõ «${text}»: ${what.toLowerCase()} là số nguyên; dấu chấm chỉ dùng ngăn cách ` +
        "hàng nghìn, mỗi nhóm sau dấu chấm đủ 3 chữ số",
      kind,
    );
  }
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) {
    return refuse(`Số quá lớn: «${text}»`, kind);
  }
  return { ok: true, value: sign * value || 0 };
}

function percent(text, kind) {
  text = text.replace(/%$/, "").trim();
  if (/^[-+\u2212\u2013]/.test(text)) {
    return refuse("Tỷ lệ phần trăm từ 0 đến 100, không ghi dấu + hay -", kind);
  }
  if (/[^\d.,]/.test(text)) {
    return refuse(`Chỉ ghi chữ số và dấu phẩy thập phân: «${text}»`, kind);
  }
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(text);
  if (!match) {
    return refuse(`Không rõ «${text}»: tỷ lệ chỉ có một dấu phẩy thập phân`, kind);
  }
  const [, whole, decimals = ""] = match;
  if (decimals.length > 2) {
    return refuse(`Không rõ «${text}»: tỷ lệ ghi tối đa 2 chữ số sau dấu phẩy`, kind);
  }
  const value = Number(`${whole}.${decimals || "0"}`);
  if (value > 100) {
    return refuse(`Tỷ lệ phần trăm phải từ 0 đến 100, không phải ${text}`, kind);
  }
  return { ok: true, value };
}

// Text as typed or pasted → {ok: true, value} (null for an empty field) or {ok: false, message}.
export function parseNumber(input, kind) {
  if (!KINDS.includes(kind)) throw new Error(`unknown kind ${kind}`);
  let text = String(input ?? "").normalize("NFC").replace(SPACES, " ").trim();
  if (text === "") return { ok: true, value: null };
  if (kind.endsWith("money")) text = text.replace(/\s*(đồng|đ)$/i, "");
  return kind === "percent" ? percent(text, kind) : wholeNumber(text, kind);
}

// A stored value (number) checked against its kind: the message, or null when it is fine.
export function checkValue(value, kind) {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "string") {
    const parsed = parseNumber(value, kind);
    return parsed.ok ? null : parsed.message;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return refuse("Cần một số", kind).message;
  }
  const shown = formatNumber(value, kind);
  const reparsed = parseNumber(kind === "percent" ? shown : String(value), kind);
  if (!reparsed.ok) return reparsed.message;
  if (kind === "percent" && Math.abs(Math.round(value * 100) - value * 100) > 1e-6) {
    return refuse("Tỷ lệ ghi tối đa 2 chữ số sau dấu phẩy", kind).message;
  }
  return null;
}

// The value as the site prints it (bantin_format.formatting: format_number, format_money,
// format_percent, format_change); "" for no value.
export function formatNumber(value, kind) {
  if (value === null || value === undefined || value === "") return "";
  if (kind === "percent") {
    const [whole, decimals] = (Math.round(value * 100) / 100).toFixed(2).split(".");
    return `${groupThousands(whole)},${decimals}%`;
  }
  const digits = groupThousands(String(Math.abs(Math.round(value))));
  const unit = kind.endsWith("money") ? `${NBSP}đồng` : kind === "signed" ? " việc" : "";
  if (!kind.startsWith("signed")) return `${digits}${unit}`;
  if (Math.round(value) === 0) return "không thay đổi";
  return `${value > 0 ? "tăng" : "giảm"} ${digits}${unit}`;
}

// The value as it stands in the input box when a post is opened: Vietnamese grouping without
// the unit («2.073», «75.683.482.000», «37,10», «-12»), which parseNumber reads back.
export function inputText(value, kind) {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "string") return value;
  if (kind === "percent") return formatNumber(value, kind).replace(/%$/, "");
  const digits = groupThousands(String(Math.abs(Math.round(value))));
  return value < 0 ? `-${digits}` : digits;
}
