// Search page: reads ?q= (and filters) from the URL, asks Pagefind, lists the results.
// Loaded only on /tim-kiem/; the page works as a plain form without it.
const form = document.querySelector("[data-bt-search]");
const statusBox = document.querySelector("[data-bt-search-status]");
const list = document.querySelector("[data-bt-search-results]");
const MAX_RESULTS = 20;

function message(name, values) {
  let text = statusBox.dataset[name] || "";
  for (const [key, value] of Object.entries(values)) text = text.replace(`%(${key})s`, value);
  return text;
}

function resultItem(result) {
  const item = document.createElement("li");
  item.className = "bt-search__result";
  if (result.meta.image) {
    // The title beside it names the story: the thumbnail is decoration for screen readers.
    const image = document.createElement("img");
    image.className = "bt-search__image";
    image.src = result.meta.image;
    image.alt = "";
    image.width = 160;
    image.height = 107;
    image.loading = "lazy";
    item.append(image);
    item.classList.add("bt-search__result--image");
  }
  const heading = document.createElement("h2");
  heading.className = "bt-search__title";
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = result.meta.title || result.url;
  heading.append(link);
  item.append(heading);
  if (result.meta.date) {
    const date = document.createElement("p");
    date.className = "bt-search__date";
    date.textContent = result.meta.date;
    item.append(date);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "bt-search__excerpt";
  // Pagefind's excerpt is our own page text with <mark> around matches; keep only <mark>.
  for (const part of result.excerpt.split(/(<mark>.*?<\/mark>)/)) {
    const marked = part.match(/^<mark>(.*)<\/mark>$/);
    if (marked) {
      const mark = document.createElement("mark");
      mark.textContent = marked[1];
      excerpt.append(mark);
    } else {
      excerpt.append(document.createTextNode(part.replace(/<[^>]*>/g, "")));
    }
  }
  item.append(excerpt);
  if (result.meta.pdf) {
    // Văn bản: the document itself, one tap away.
    const pdf = document.createElement("p");
    const pdfLink = document.createElement("a");
    pdfLink.href = result.meta.pdf;
    pdfLink.textContent = `${statusBox.dataset.msgPdf} ${result.meta.so_ky_hieu || ""}`.trim();
    pdf.className = "bt-search__pdf";
    pdf.append(pdfLink);
    item.append(pdf);
  }
  return item;
}

const NON_ASCII = /[^\u0000-\u007f]/;

function fold(word) {
  return word.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
}

// "dau gia" typed without a Vietnamese keyboard: đấu, đầu or dầu? The site's own word pairs
// (tu-ghep.json, written by the build) say which one this site means: "đấu giá".
async function readAsWritten(query) {
  const words = query.split(/\s+/).filter(Boolean);
  const plain = words.filter((word) => !NON_ASCII.test(word));
  if (words.length < 2 || plain.length < 2 || !form.dataset.btCompounds) return query;
  let compounds;
  try {
    compounds = await (await fetch(form.dataset.btCompounds)).json();
  } catch {
    return query;
  }
  const read = [];
  for (let i = 0; i < words.length; i += 1) {
    const [first, second] = [words[i], words[i + 1]];
    const pair = second !== undefined && !NON_ASCII.test(first + second)
      ? compounds[`${fold(first)} ${fold(second)}`]
      : undefined;
    if (pair) {
      read.push(pair);
      i += 1;
    } else {
      read.push(first);
    }
  }
  return read.join(" ");
}

async function run() {
  const params = new URLSearchParams(window.location.search);
  const query = (params.get("q") || "").normalize("NFC").trim();
  const category = params.get("chuyen-muc") || "";
  const year = params.get("nam") || "";
  form.elements.q.value = query;
  form.elements["chuyen-muc"].value = category;
  form.elements.nam.value = year;
  if (!query) return;
  statusBox.textContent = message("msgLoading", {});
  try {
    const pagefind = await import(`${form.dataset.btBundle}pagefind.js`);
    // d typed for đ: folded words live in metadata (see plugins/bantin_search/folding.py).
    await pagefind.options({
      ranking: { diacriticSimilarity: 0, metaWeights: { tkd: 5, bkd: 1, kw: 3, title: 5 } },
    });
    const filters = {};
    if (category) filters.category = category;
    if (year) filters.year = year;
    const understood = await readAsWritten(query);
    const search = await pagefind.search(understood, { filters });
    const results = await Promise.all(search.results.slice(0, MAX_RESULTS).map((r) => r.data()));
    list.replaceChildren(...results.map(resultItem));
    statusBox.textContent = results.length
      ? message("msgCount", { n: search.results.length, q: query })
      : message("msgNone", { q: query });
    if (understood !== query) statusBox.textContent += ` ${message("msgRead", { q: understood })}`;
  } catch (error) {
    statusBox.textContent = message("msgError", {});
    console.warn("search failed", error);
  }
}

run();
