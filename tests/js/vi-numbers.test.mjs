// node --test tests/js/: the editor's number parsing (admin/numbers.js) on the cases shared with
// the Python tests (tests/data/vi-number-cases.json). tests/test_editor_numbers.py runs this.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { checkValue, formatNumber, inputText, parseNumber } from "../../admin/numbers.js";

const cases = JSON.parse(
  readFileSync(new URL("../data/vi-number-cases.json", import.meta.url), "utf-8"),
);

for (const { kind, input, value, shown } of cases.accepted) {
  test(`${kind}: «${input}» → ${value}`, () => {
    assert.deepEqual(parseNumber(input, kind), { ok: true, value });
    assert.equal(formatNumber(value, kind), shown);
    assert.equal(checkValue(value, kind), null);
  });
}

for (const { kind, input, error } of cases.refused) {
  test(`${kind}: «${input}» refused`, () => {
    const result = parseNumber(input, kind);
    assert.equal(result.ok, false);
    assert.ok(result.message.includes(error), result.message);
    // The stored text (the widget keeps what was typed) is refused by the save check too.
    assert.equal(checkValue(input, kind), result.message);
  });
}

test("stored numbers that do not fit their kind are refused", () => {
  assert.match(checkValue(1.5, "count"), /số nguyên/);
  assert.match(checkValue(-3, "money"), /không được âm/);
  assert.match(checkValue(37.105, "percent"), /tối đa 2 chữ số/);
  assert.match(checkValue(101, "percent"), /từ 0 đến 100/);
  assert.match(checkValue(2 ** 60, "money"), /quá lớn/);
  assert.equal(checkValue(37.1, "percent"), null);
  assert.equal(checkValue(0.07, "percent"), null);
});

test("an opened post shows its numbers in the input as staff write them, and reads back", () => {
  for (const { kind, value } of cases.accepted) {
    const text = inputText(value, kind);
    assert.deepEqual(parseNumber(text, kind), { ok: true, value }, `${kind} ${text}`);
  }
  assert.equal(inputText(75683482000, "money"), "75.683.482.000");
  assert.equal(inputText(37.1, "percent"), "37,10");
  assert.equal(inputText(-1234, "signed"), "-1.234");
});
