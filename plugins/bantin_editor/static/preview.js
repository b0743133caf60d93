/* Live preview (make devserver): reload after each rebuild, show content problems as a banner.
 * The bantin_editor plugin writes __preview/build.json after every build: {build, finished,
 * seconds, problems: [{source, line, field, message, found, expected, hint, draft, text}],
 * drafts, drafts_url, stage, pages, pages_finished}: a draft's problems are marked and never
 * block the rest. stage "page": only the open pages listed in "pages" are written yet (at
 * pages_finished), with the problems found so far; "done": the whole site, every problem.
 * The preview's server (bantin_editor/live.py) answers __preview/doi?build=…&page=… as soon as
 * the status changes (a long poll; it also learns which page is open); another server (make
 * admin) gets the status polled. Pages do not name the build that wrote them (bantin_build
 * reuses unchanged pages across builds): the page reloads when its page was written after it
 * was requested. Preview only. */
(function () {
  "use strict";
  var holder = document.getElementById("bt-preview");
  if (!holder || !window.fetch) return;
  var statusUrl = holder.getAttribute("data-status");
  // When this page was served (its response began; else when it was asked for): a build that
  // finished later may have rewritten it. The preview's server holds a page while a build
  // writes it, so a page served after the build is that build's.
  var requestedAt = (window.performance && performance.timeOrigin) || Date.now();
  var navigation = window.performance && performance.getEntriesByType &&
    performance.getEntriesByType("navigation")[0];
  if (navigation && navigation.responseStart > 0) requestedAt += navigation.responseStart;
  var RELOADED = "bt-preview-reloaded";
  var seenKey = null;
  var root = statusUrl.replace(/__preview\/build\.json$/, "");
  var waitUrl = root + "__preview/doi";
  var longPoll = true;
  var INTERVAL = 250; // polling the status when the server cannot wait (make admin)
  var name = decodeURIComponent(location.pathname).replace(/^\//, "");
  if (name === "" || /\/$/.test(name)) name += "index.html";

  var STYLE =
    ".bt-preview{position:fixed;left:0;right:0;bottom:0;z-index:1000;max-height:45vh;overflow:auto;" +
    "background:#fff4e5;color:#1b1b1b;border-top:4px solid #b3261e;padding:.75rem 1rem;" +
    "font:1rem/1.5 system-ui,sans-serif;box-shadow:0 -2px 8px rgba(0,0,0,.2)}" +
    ".bt-preview h2{font-size:1.1rem;margin:0 0 .5rem;color:#b3261e}" +
    ".bt-preview ol{margin:0;padding-left:1.5rem}.bt-preview li{margin:0 0 .5rem}" +
    ".bt-preview code{background:#fff;padding:0 .2em}.bt-preview p{margin:0}" +
    ".bt-preview__note{font-style:italic}" +
    ".bt-preview--drafts{border-top-color:#5c5c5c;background:#f3f3f3;padding:.4rem 1rem}" +
    ".bt-preview a{color:#0b4f8a}";

  function addStyle() {
    var style = document.createElement("style");
    style.textContent = STYLE;
    document.head.appendChild(style);
  }

  function text(tag, content, className) {
    var node = document.createElement(tag);
    node.textContent = content;
    if (className) node.className = className;
    return node;
  }

  function describe(problem) {
    var item = document.createElement("li");
    var where = problem.source + (problem.line ? ":" + problem.line : "");
    var head = document.createElement("p");
    head.appendChild(text("code", where));
    if (problem.field) head.appendChild(document.createTextNode(" — trường «" + problem.field + "»"));
    item.appendChild(head);
    item.appendChild(text("p", (problem.draft ? "(bản nháp) " : "") + problem.message));
    if (problem.found !== null && problem.found !== undefined)
      item.appendChild(text("p", "Đang ghi: " + problem.found));
    if (problem.expected) item.appendChild(text("p", "Cần: " + problem.expected));
    if (problem.hint) item.appendChild(text("p", "Cách sửa: " + problem.hint));
    return item;
  }

  function draftsLink(status) {
    // The drafts page (__preview/ban-nhap/): every draft and scheduled post, with its problems.
    var paragraph = document.createElement("p");
    var link = text("a", "Bản nháp và bài hẹn giờ đăng (" + (status.drafts || 0) + ")");
    link.href = root + (status.drafts_url || "__preview/ban-nhap/");
    paragraph.appendChild(link);
    return paragraph;
  }

  function show(status, pageMissing) {
    var problems = status.problems || [];
    holder.textContent = "";
    holder.className = "bt-preview";
    if (!problems.length && !pageMissing) {
      holder.removeAttribute("role");
      if (!status.drafts) {
        holder.hidden = true;
        return;
      }
      // Nothing wrong: only a slim bar leading to the drafts.
      holder.hidden = false;
      holder.className = "bt-preview bt-preview--drafts";
      holder.appendChild(draftsLink(status));
      return;
    }
    holder.hidden = false;
    holder.setAttribute("role", "alert");
    var blocking = problems.filter(function (p) { return !p.draft; }).length;
    holder.appendChild(
      text("h2", problems.length
        ? "Có " + problems.length + " lỗi nội dung — bài có lỗi chưa được dựng" +
          (blocking < problems.length
            ? " (" + (problems.length - blocking) + " lỗi của bản nháp, không chặn việc đăng)"
            : "")
        : "Trang này không còn trong bản dựng mới")
    );
    holder.appendChild(draftsLink(status));
    if (pageMissing)
      holder.appendChild(text("p",
        "Trang đang xem chưa dựng được trong bản mới (lỗi dưới đây, hoặc đã đổi tên đường dẫn). " +
        "Sửa lỗi rồi lưu: trang tự tải lại.", "bt-preview__note"));
    var list = document.createElement("ol");
    problems.forEach(function (problem) { list.appendChild(describe(problem)); });
    holder.appendChild(list);
  }

  function remembered() {
    try { return sessionStorage.getItem(RELOADED); } catch (e) { return null; }
  }

  function remember(build) {
    try { sessionStorage.setItem(RELOADED, build); } catch (e) { /* private mode */ }
  }

  function get(url, method) {
    return fetch(url, { cache: "no-store", method: method || "GET" });
  }

  function onNewBuild(status) {
    // Reload only if this page still exists; otherwise keep it on screen with the reasons.
    // No more polls from this page once it reloads: the server takes the next poll for this
    // address as the reloaded page's (the build waits for it, live.py).
    get(location.href, "HEAD").then(function (response) {
      if (response.ok) location.reload();
      else { show(status, true); next(); }
    }, function () { show(status, true); next(); });
  }

  function keyOf(status) {
    return status.build + ":" + (status.stage || "done");
  }

  // When this page's file was last written by the build the status speaks of (ms), or null
  // when it is not written yet (only the open pages are, and not this one).
  function writtenAt(status) {
    if ((status.pages || []).indexOf(name) >= 0) return status.pages_finished || status.finished;
    return status.stage === "page" ? null : status.finished;
  }

  // True when the page reloads (onNewBuild asks again if it cannot).
  function seen(status) {
    var key = keyOf(status);
    if (key === seenKey) return false;
    seenKey = key;
    var written = writtenAt(status);
    if (written === null) return false; // the rest of the site is being built: wait for it
    // Once per build stage (remembered for this tab), so a clock ahead cannot loop.
    if (written > requestedAt && remembered() !== key) {
      remember(key);
      onNewBuild(status);
      return true;
    }
    show(status, false);
    return false;
  }

  function wait() {
    var url = waitUrl + "?build=" + encodeURIComponent(seenKey || "") +
      "&page=" + encodeURIComponent(location.pathname);
    get(url).then(function (response) {
      if (response.status === 404) {
        longPoll = false;
        return null;
      }
      return response.status === 200 ? response.json() : null;
    }).then(function (status) {
      if (!(status && seen(status))) setTimeout(next, 0);
    }, function () {
      setTimeout(next, 1000); // the server restarts: try again
    });
  }

  function poll() {
    get(statusUrl).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (status) {
      return status && seen(status);
    }, function () { /* building, or the server restarts: try again */ }).then(function (reloading) {
      if (!reloading) setTimeout(next, INTERVAL);
    });
  }

  function next() {
    if (longPoll) wait();
    else poll();
  }

  holder.hidden = true;
  holder.className = "bt-preview";
  addStyle();
  next();
})();
