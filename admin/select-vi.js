// What the list of a select field (react-select 5, inside Decap's select widget) says to a
// screen reader, in Vietnamese: react-select has these words only in English, and Decap passes
// none of its own. admin/build.mjs adds these props to Decap's SelectControl.

function position(list, item) {
  return list?.length ? `${list.indexOf(item) + 1} trên ${list.length}` : "";
}

export const ariaLiveMessages = {
  guidance({ isSearchable, isMulti, tabSelectsValue, context, isInitialFocus, ...props }) {
    if (context === "menu") {
      return (
        "Dùng mũi tên lên, xuống để tìm lựa chọn, Enter để chọn lựa chọn đang đứng, " +
        `Esc để đóng danh sách${tabSelectsValue ? ", Tab để chọn và đóng danh sách" : ""}.`
      );
    }
    if (context === "input") {
      if (!isInitialFocus) return "";
      const name = props["aria-label"] ? `Ô «${props["aria-label"]}»` : "Ô chọn";
      return (
        `${name}: ${isSearchable ? "gõ để lọc danh sách, " : ""}nhấn mũi tên xuống để mở ` +
        `danh sách${isMulti ? ", mũi tên trái để đến các lựa chọn đã chọn" : ""}.`
      );
    }
    if (context === "value") {
      return "Dùng mũi tên trái, phải để chuyển giữa các lựa chọn đã chọn, Backspace để bỏ lựa chọn đang đứng.";
    }
    return "";
  },
  onChange({ action, label = "", labels = [], isDisabled }) {
    switch (action) {
      case "deselect-option":
      case "pop-value":
      case "remove-value":
        return `Đã bỏ «${label}».`;
      case "clear":
        return "Đã bỏ hết các lựa chọn.";
      case "initial-input-focus":
        return `Đang chọn: ${labels.join(", ")}.`;
      case "select-option":
        return isDisabled ? `«${label}» không chọn được, hãy chọn mục khác.` : `Đã chọn «${label}».`;
      default:
        return "";
    }
  },
  onFocus({ context, focused, options, label = "", selectValue, isDisabled, isSelected, isAppleDevice }) {
    if (context === "value" && selectValue) {
      return `Lựa chọn đã chọn «${label}», ${position(selectValue, focused)}.`;
    }
    if (context === "menu" && isAppleDevice) {
      const state = `${isSelected ? ", đang được chọn" : ""}${isDisabled ? ", không chọn được" : ""}`;
      return `${label}${state}, ${position(options, focused)}.`;
    }
    return "";
  },
  onFilter({ inputValue, resultsMessage }) {
    return `${resultsMessage}${inputValue ? ` khớp với «${inputValue}»` : ""}.`;
  },
};

export default {
  ariaLiveMessages,
  screenReaderStatus: ({ count }) => (count ? `Có ${count} lựa chọn` : "Không có lựa chọn nào"),
  noOptionsMessage: () => "Không có lựa chọn nào",
  loadingMessage: () => "Đang tải…",
};
