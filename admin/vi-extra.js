// Strings Decap's own Vietnamese locale (decap-cms-locales 3.8) still has in English; merged
// over it in main.js. Only what staff meet in this editor (no editorial workflow, no notes).
export default {
  collection: {
    collectionTop: {
      viewAs: "Xem dạng",
      viewAsList: "Danh sách",
      viewAsGrid: "Lưới",
      groupBy: "Nhóm theo",
    },
    groups: { other: "Khác", negateLabel: "Không %{label}" },
  },
  editor: {
    editorControl: { field: { widgetLabel: "Trường %{widgetLabel}" } },
    editorInterface: {
      togglePreview: "Bật/tắt xem trước",
      toggleScrollSync: "Cuộn đồng bộ",
    },
    editorWidgets: {
      markdown: {
        bold: "Đậm",
        italic: "Nghiêng",
        strikethrough: "Gạch ngang",
        code: "Mã",
        link: "Liên kết",
        linkPrompt: "Nhập địa chỉ của liên kết",
        headings: "Tiêu đề mục",
        quote: "Trích dẫn",
        bulletedList: "Danh sách gạch đầu dòng",
        numberedList: "Danh sách đánh số",
        addComponent: "Chèn thành phần",
        markdown: "Markdown",
        toggleMode: {
          rich: "Chuyển sang soạn thảo định dạng",
          markdown: "Chuyển sang Markdown",
        },
      },
      image: {
        chooseUrl: "Chèn ảnh từ địa chỉ web",
        replaceUrl: "Thay bằng địa chỉ web",
        promptUrl: "Nhập địa chỉ web của ảnh",
        chooseMultiple: "Chọn ảnh",
        addMore: "Thêm ảnh",
        removeAll: "Bỏ tất cả ảnh",
      },
      file: {
        chooseUrl: "Chèn tệp từ địa chỉ web",
        replaceUrl: "Thay bằng địa chỉ web",
        promptUrl: "Nhập địa chỉ web của tệp",
        chooseMultiple: "Chọn tệp",
        addMore: "Thêm tệp",
        removeAll: "Bỏ tất cả tệp",
      },
      // The field's label (admin/build.mjs makes Decap pass it, not the field's name).
      datetime: { setToNow: "Đặt «%{fieldLabel}» là thời điểm hiện tại" },
      list: { add: "Thêm %{item}", addType: "Thêm %{item}" },
      object: { expand: "Mở ra", collapse: "Thu gọn" },
    },
  },
  mediaLibrary: {
    mediaLibraryCard: {
      copy: "Chép",
      copyUrl: "Chép địa chỉ",
      copyPath: "Chép đường dẫn",
      copyName: "Chép tên",
      copied: "Đã chép",
    },
    mediaLibraryModal: { close: "Đóng" },
  },
  ui: {
    settingsDropdown: { account: "Tài khoản" },
    // The check before saving (admin/check.js) says what is wrong; the server's refusal too.
    toast: { onFailToPersist: "Chưa lưu được bài: %{details}" },
  },
};
