/* The search page: Pagefind's index (built with the site), loaded on first use, results in Chinese.
   Loaded by templates/search.html only; no other page loads this file or the index.

   Pagefind splits page text with jieba when it indexes and the query with the browser's
   Intl.Segmenter, and the two can disagree (七格公园 is 七格|公园 in the index, 七/格/公园 here;
   people's names are in neither dictionary). The build gives every page a `chars` field holding
   its title, names, topics and the opening of its text one character a word, and `people`
   holding its names the same way (generator/search.py).
   Each query then runs twice: as Pagefind splits it (ranked by Pagefind), and as an exact phrase,
   spelt one character a word where the browser's split leaves single characters ("七 格 公 园").
   Pages holding the phrase come first, in Pagefind's order; then the rest. */
(function () {
  "use strict";
  var root = document.querySelector("[data-search]");
  if (!root) return;
  var PAGE = 10;
  var form = root.querySelector("[data-search-form]");
  var input = root.querySelector("[data-search-input]");
  var status = root.querySelector("[data-search-status]");
  var list = root.querySelector("[data-search-results]");
  var more = root.querySelector("[data-search-more]");
  var selects = Array.prototype.slice.call(root.querySelectorAll("select[data-filter]"));
  var nojs = document.querySelector(".search-nojs");
  if (nojs) nojs.hidden = true;
  root.hidden = false;

  var bundle = new URL(root.getAttribute("data-bundle"), document.baseURI).href;
  var siteRoot = new URL(root.getAttribute("data-root"), document.baseURI).pathname;
  var loading = null;
  var siteCounts = null;
  var bundleIds = [];
  var results = [];
  var shown = 0;
  var seq = 0;
  var timer = 0;

  /* A big site's index comes in several bundles (generator/search.py: Pagefind holds a whole
     index in memory while making it), each of one stretch of dates. bundles.json in the first
     lists their ids, newest pages first ([] for one bundle); the others are at <first>/<id>/.
     Pagefind merges them into one search (they share its WebAssembly) and ranks a text search
     across all; but it interleaves their "newest first" lists, so a search by filters alone
     is run bundle by bundle (each page has its bundle's id as a filter) and the lists joined. */
  var SHARED = { baseUrl: siteRoot, excerptLength: 36, ranking: { metaWeights: { title: 5, people: 4, chars: 0.1 } } };
  function load() {
    if (!loading) {
      var ids = fetch(bundle + "bundles.json").then(function (r) {
        if (!r.ok) throw new Error("bundles.json: " + r.status);
        return r.json();
      });
      loading = Promise.all([import(bundle + "pagefind.js"), ids]).then(function (got) {
        var pf = got[0];
        var options = { basePath: bundle, noWorker: true };
        bundleIds = got[1];
        Object.keys(SHARED).forEach(function (k) { options[k] = SHARED[k]; });
        return Promise.resolve(pf.options(options))
          .then(function () { return pf.init ? pf.init() : null; })
          .then(function () {
            return Promise.all(bundleIds.slice(1).map(function (id) {
              return pf.mergeIndex(new URL(id + "/", bundle).href, SHARED);
            }));
          })
          /* Pagefind counts filter values only once their index is loaded: load it now, and keep
             the whole site's counts for searches by filter alone (they have no "total" of their own). */
          .then(function () { return pf.filters(); })
          .then(function (all) { siteCounts = all; return pf; });
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function clean(text) {
    return text.replace(/\u200b/g, "").replace(/\s+/g, " ").trim();
  }

  function filters() {
    var out = {};
    selects.forEach(function (s) { if (s.value) out[s.getAttribute("data-filter")] = s.value; });
    return out;
  }

  /* The exact-phrase form of a query of one term with Chinese in it, or null.
     Where the browser splits the query into words and none of them is a single character
     (共同富裕: 共同/富裕), the phrase of those words needs no more of the index than the query
     itself. Where it leaves single characters (names, 七/格/公园), the words may not be the
     index's, so the phrase is spelt one character a word ("七 格 公 园"), as the `chars` field
     holds every page's text. */
  var CJK = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])/g;
  var SPELT_MAX = 6;
  var SINGLE = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$/;
  function words(q) {
    if (typeof Intl === "undefined" || !Intl.Segmenter) return null;
    return Array.from(new Intl.Segmenter("zh-CN", { granularity: "word" }).segment(q))
      .filter(function (s) { return s.isWordLike; })
      .map(function (s) { return s.segment; });
  }
  function spelt(q) {
    var chars = q.replace(/[^\w\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g, " ").replace(CJK, " $1 ").trim();
    return "\"" + chars.split(/\s+/).join(" ") + "\"";
  }
  function exactPhrase(q) {
    if (q.length < 2 || /[\s"]/.test(q) || !q.match(CJK)) return null;
    var w = words(q);
    if (w && w.length >= 2 && !w.some(function (x) { return SINGLE.test(x); })) return "\"" + q + "\"";
    /* Spelt out, each character is a word to fetch from the index: keep that to short queries
       (names, places); a long one is precise enough as Pagefind splits it. */
    return q.length <= SPELT_MAX ? spelt(q) : "\"" + q + "\"";
  }

  function setStatus(text) { status.textContent = text; }

  /* Pages matching the filters, newest first: in each bundle, the bundles one after the other. */
  function newestFirst(pf, f) {
    var ids = bundleIds.length > 1 ? bundleIds : [null];
    return Promise.all(ids.map(function (id) {
      var only = {};
      Object.keys(f).forEach(function (k) { only[k] = f[k]; });
      if (id) only.bundle = id;
      return pf.search(null, { filters: only, sort: { date: "desc" } });
    })).then(function (found) {
      return { results: [].concat.apply([], found.map(function (r) { return r.results; })) };
    });
  }

  function remember(q, f) {
    var params = new URLSearchParams();
    if (q) params.set("q", q);
    Object.keys(f).forEach(function (k) { params.set(k, f[k]); });
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function updateCounts(counts) {
    selects.forEach(function (s) {
      var byValue = (counts && counts[s.getAttribute("data-filter")]) || {};
      Array.prototype.forEach.call(s.options, function (o) {
        if (!o.value) return;
        var n = byValue[o.value] || 0;
        o.textContent = o.value + "（" + n + "）";
      });
    });
  }

  /* Pagefind's excerpt is HTML with <mark>; keep only its text and the marks. Pagefind marks
     each word it matched on its own (<mark>七格</mark><mark>公园</mark>), which shows as two
     boxes with a gap: marks that touch become one. Where a heading or paragraph ends without
     a stop it writes ". ", in Chinese text "。" instead; and the excerpt never opens with one. */
  var HAN = "\u3400-\u9fff\uf900-\ufaff";
  var BLOCK_STOP = new RegExp("([" + HAN + "）》”’])\\.(?: (?=[" + HAN + "“‘《（])|$)", "g");
  var AFTER_STOP = new RegExp("。 (?=[" + HAN + "“‘《（])", "g");  /* 。 takes no space after it */
  /* A name is searched character by character (the segmenters split it), so Pagefind also
     marks a lone 大 in 大创 or 大会 when the query was 王大祝. A Chinese mark is kept only when
     it holds two characters in a row of the query (or the query is one character). */
  var markQuery = "";
  var ONLY_HAN = new RegExp("^[" + HAN + "]+$"), NOT_HAN = new RegExp("[^" + HAN + "]+", "g");
  function worthMarking(text) {
    var q = markQuery.replace(NOT_HAN, "");
    if (!ONLY_HAN.test(text) || q.length < 2) return true;
    for (var i = 0; i + 2 <= text.length; i++) {
      if (q.indexOf(text.slice(i, i + 2)) >= 0) return true;
    }
    return false;
  }

  function excerptNodes(html, into) {
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var parts = [];
    Array.prototype.forEach.call(doc.body.firstChild.childNodes, function (n) {
      var text = (n.textContent || "").replace(/\u200b/g, "").replace(/\s+/g, " ");
      var mark = n.nodeName === "MARK";
      if (!text) return;
      var last = parts[parts.length - 1];
      if (mark && last && last.mark && !/ $/.test(last.text)) {
        last.text += text;
      } else {
        parts.push({ text: text, mark: mark });
      }
    });
    var start = true;
    parts.forEach(function (part, i) {
      /* the characters on either side, for a stop right after or right before a mark */
      var before = i > 0 ? parts[i - 1].text.slice(-1) : "";
      var after = i + 1 < parts.length ? parts[i + 1].text.charAt(0) : "";
      var text = (before + part.text + after).replace(BLOCK_STOP, "$1。").replace(AFTER_STOP, "。")
        .slice(before.length, after ? -after.length : undefined);
      if (start) text = text.replace(/^[\s.,;:·、，。；：…]+/, "");
      if (!text) return;
      start = false;
      if (part.mark && !worthMarking(text.trim())) {
        into.appendChild(document.createTextNode(text));
      } else if (part.mark) {  /* a space Pagefind left inside a mark goes outside it */
        if (/^ /.test(text)) into.appendChild(document.createTextNode(" "));
        var m = document.createElement("mark");
        m.textContent = text.trim();
        into.appendChild(m);
        if (/ $/.test(text)) into.appendChild(document.createTextNode(" "));
      } else {
        into.appendChild(document.createTextNode(text));
      }
    });
  }

  function render(data) {
    var meta = data.meta || {};
    var li = document.createElement("li");
    li.className = "search-result";
    var h = document.createElement("h2");
    h.className = "search-result-title";
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = clean(meta.title || data.url);
    h.appendChild(a);
    li.appendChild(h);
    var info = document.createElement("p");
    info.className = "search-result-meta";
    [["kind", meta.kind], ["session", meta.session], ["date", meta.date]].forEach(function (pair) {
      if (!pair[1]) return;
      var span = document.createElement("span");
      span.className = "search-result-" + pair[0];
      span.textContent = pair[1];
      info.appendChild(span);
    });
    li.appendChild(info);
    var p = document.createElement("p");
    p.className = "search-result-excerpt";
    excerptNodes(data.excerpt || "", p);
    li.appendChild(p);
    return li;
  }

  function showMore() {
    var my = seq;
    var next = results.slice(shown, shown + PAGE);
    shown += next.length;
    more.hidden = true;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (items) {
      if (my !== seq) return;
      items.forEach(function (d) { list.appendChild(render(d)); });
      more.hidden = shown >= results.length;
      return items;
    });
  }

  function search() {
    var q = clean(input.value);
    markQuery = q;
    var f = filters();
    var my = ++seq;
    remember(q, f);
    if (!q && !Object.keys(f).length) {
      results = []; shown = 0; list.textContent = ""; more.hidden = true;
      setStatus("请输入要搜索的词，或选择筛选条件。");
      return Promise.resolve();
    }
    setStatus("正在搜索…");
    root.setAttribute("aria-busy", "true");
    return load().then(function (pf) {
      var runs = [q ? pf.search(q, { filters: f }) : newestFirst(pf, f)];
      var phrase = exactPhrase(q);
      if (phrase) runs.push(pf.search(phrase, { filters: f }));
      return Promise.all(runs).then(function (found) {
        /* Nothing found as the browser split it: the characters spelt out may still be there. */
        if (q && phrase && !found[0].results.length && !found[1].results.length && phrase !== spelt(q)) {
          return pf.search(spelt(q), { filters: f }).then(function (r) { return [found[0], r]; });
        }
        /* Spelt out, the phrase looks only where the `chars` field reaches (titles, names, the
           opening of a body): before saying no page holds the query, look as Pagefind segments it. */
        var whole = "\"" + q + "\"";
        if (q && phrase && phrase !== whole && found[0].results.length && !found[1].results.length) {
          return pf.search(whole, { filters: f }).then(function (r) { return [found[0], r]; });
        }
        return found;
      });
    }).then(function (found) {
      if (my !== seq) return;
      var loose = found[0];
      var exact = {};
      var exactList = found[1] ? found[1].results : [];
      exactList.forEach(function (x) { exact[x.id] = true; });
      /* Pages holding the literal query first (in Pagefind's ranking where it ranked them),
         then the other pages Pagefind found. */
      var first = [], rest = [], seen = {};
      loose.results.forEach(function (x) { seen[x.id] = true; (exact[x.id] ? first : rest).push(x); });
      exactList.forEach(function (x) { if (!seen[x.id]) first.push(x); });
      results = first.concat(rest);
      updateCounts(q ? loose.totalFilters : siteCounts);
      list.textContent = "";
      shown = 0;
      var what = q ? "“" + q + "”" : "所选条件";
      var apart = found[1] && !exactList.length && results.length;
      setStatus(results.length ? "找到 " + results.length + " 条与" + what + "有关的结果。"
                               : "没有找到与" + what + "有关的内容。请换一个词，或减少筛选条件。");
      return showMore().then(function (items) {
        /* A Chinese query no page holds as written (a name not on the site): where neither the
           index's phrase search nor the text of the first results holds it, say that the pages
           listed only hold its characters apart, rather than call them results for it. */
        var literal = q.replace(/\s+/g, "");
        if (my !== seq || !apart || !items || items.some(function (d) {
          return (d.content || "").replace(/\s+/g, "").indexOf(literal) >= 0;
        })) return;
        setStatus("没有找到完整包含" + what + "的内容；以下 " + results.length + " 条含有其中的字词，但不相连。");
      });
    }).catch(function (err) {
      if (my !== seq) return;
      setStatus("搜索暂时不可用：搜索索引未能加载。请稍后再试，或按栏目浏览。");
      if (window.console) console.error(err);
    }).then(function () {
      if (my === seq) root.removeAttribute("aria-busy");
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
    search();
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  input.addEventListener("focus", function () { load().catch(function () {}); }, { once: true });
  selects.forEach(function (s) { s.addEventListener("change", search); });
  more.addEventListener("click", function () {
    var first = list.children.length;
    showMore().then(function () {
      var link = list.children[first] && list.children[first].querySelector("a");
      if (link) link.focus();
    });
  });

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  selects.forEach(function (s) {
    var v = params.get(s.getAttribute("data-filter"));
    if (v && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) s.value = v;
  });
  if (input.value || Object.keys(filters()).length) search();
})();
