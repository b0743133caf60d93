// Bundle the web editor (Decap CMS from node_modules, never a CDN) into one script.
// Usage: node admin/build.mjs cache/admin/bantin-admin.js   (make admin runs it when stale)
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

// Photos and documents live in year folders (content/images/2021/x.jpg), and the editor server
// (bantin_editor.backend) lists them with their path from the content folder (images/2021/x.jpg).
// Decap 3.16 keeps in an entry's media library only the files directly in its media folder, and
// writes a picked file as public_folder + its bare name (images/x.jpg). Two small changes to its
// code make year folders visible and picked files keep their folder. The build stops if the code
// they change is not found (a newer Decap: look again). The same way, English written into the
// code widget's own code is put in Vietnamese (below).
const PATCHES = [
  {
    file: "decap-cms-core/dist/esm/reducers/mediaLibrary.js",
    replace: [
      [
        "return fileFolder === mediaFolder || fileFolder.startsWith(`${mediaFolder}/_transformations/`);",
        "const root = mediaFolder.split('/').pop();\n" +
          "  return fileFolder === mediaFolder || fileFolder.startsWith(`${mediaFolder}/`) ||\n" +
          "    fileFolder === root || fileFolder.startsWith(`${root}/`);",
      ],
    ],
  },
  {
    file: "decap-cms-core/dist/esm/reducers/entries.js",
    replace: [
      [
        "  return basename(mediaPath);\n}\nfunction hasCustomFolder",
        "  const year = /(?:^|\\/)(?:images|documents)\\/(\\d{4}\\/[^/]+)$/.exec(normalizedPath);\n" +
          "  return year ? year[1] : basename(mediaPath);\n}\nfunction hasCustomFolder",
      ],
    ],
  },
  // The rich-text editor's «Khối mã» (code widget): its settings are written in English in the
  // code, out of any locale's reach; its settings button has no name at all.
  {
    file: "decap-cms-widget-code/dist/esm/SettingsPane.js",
    replace: [
      ['children: "Field Settings"', 'children: "Cài đặt khối mã"'],
      ['children: "Mode"', 'children: "Ngôn ngữ lập trình"'],
      ['children: "Global Settings"', 'children: "Cài đặt chung"'],
      ['children: "Theme"', 'children: "Màu nền"'],
      ['children: "KeyMap"', 'children: "Kiểu phím tắt"'],
      [
        "    autoFocus: autoFocus\n",
        '    autoFocus: autoFocus,\n    placeholder: "Chọn…",\n' +
          '    noOptionsMessage: () => "Không có lựa chọn nào"\n',
      ],
    ],
  },
  {
    file: "decap-cms-widget-code/dist/esm/SettingsButton.js",
    replace: [
      [
        "  return _jsx(StyledSettingsButton, {\n    onClick: onClick,",
        "  return _jsx(StyledSettingsButton, {\n    onClick: onClick,\n" +
          '    "aria-label": showClose ? "Đóng cài đặt khối mã" : "Cài đặt khối mã",\n' +
          '    title: showClose ? "Đóng cài đặt khối mã" : "Cài đặt khối mã",',
      ],
    ],
  },
  // A list item whose first field is still empty is summed up as «No <field name>».
  {
    file: "decap-cms-widget-list/dist/esm/ListControl.js",
    replace: [
      [
        "`No ${labelField.get('name')}`",
        "`Chưa có «${labelField.get('label') || labelField.get('name')}»`",
      ],
    ],
  },
  {
    file: "decap-cms-widget-code/dist/esm/CodeControl.js",
    replace: [["label: 'none'", "label: 'không chọn'"]],
  },
  // The date fields' «Bây giờ» button is named after the field's name (ngay_phat_sinh): give
  // it the field's label, which admin/vi-extra.js puts in its name.
  {
    file: "decap-cms-widget-datetime/dist/esm/DateTimeControl.js",
    replace: [["fieldName: field.get('name'),", "fieldName: field.get('label') || field.get('name'),"]],
  },
  // A select field's list (react-select) tells screen readers, in English, how to use it and
  // what was chosen: admin/select-vi.js has the Vietnamese words, given to it as props.
  {
    file: "decap-cms-widget-select/dist/esm/SelectControl.js",
    replace: [
      [
        "import Select from 'react-select';\n",
        "import Select from 'react-select';\n" +
          `import bantinSelectVi from ${JSON.stringify(fileURLToPath(new URL("select-vi.js", import.meta.url)))};\n`,
      ],
      ['      placeholder: ""\n    });', '      placeholder: "",\n      ...bantinSelectVi\n    });'],
    ],
  },
];

const patched = {
  name: "bantin-patches",
  setup(builder) {
    for (const patch of PATCHES) {
      const filter = new RegExp(`${patch.file.replace(/[./]/g, "\\$&")}$`);
      builder.onLoad({ filter }, async ({ path }) => {
        let code = await readFile(path, "utf-8");
        for (const [from, to] of patch.replace) {
          if (!code.includes(from)) {
            throw new Error(`${patch.file}: đoạn mã cần sửa không còn như trước (Decap đã đổi?)`);
          }
          code = code.replace(from, to);
        }
        return { contents: code, loader: "jsx" };
      });
    }
  },
};

const outfile = process.argv[2] || "cache/admin/bantin-admin.js";
const started = Date.now();
await build({
  entryPoints: [fileURLToPath(new URL("main.js", import.meta.url))],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  outfile,
  loader: { ".js": "jsx" },
  define: { "process.env.NODE_ENV": '"production"', global: "window" },
  logLevel: "warning",
  plugins: [patched],
});
console.log(`Đã đóng gói trình soạn thảo: ${outfile} (${((Date.now() - started) / 1000).toFixed(1)} giây)`);
