/* The search page: our own index of Chinese character pairs (generator/searchindex.py),
   fetched a piece at a time, ranked and shown here. No library, no WebAssembly.
   Loaded by templates/search.html only; no other page loads this file or the index.

   A query is folded (NFKC and case folding) and cut exactly as the build cuts page text
   (generator/searchtext.py): each space-separated part becomes pairs of Chinese characters
   that cover it (every other overlapping pair and the last; a part of one character, that
   character) and its words of letters or digits. Only the shards holding those terms are
   fetched, in parallel, and kept. A page must hold every term; pages are ranked by BM25
   (impacts computed at build time, titles and names weighted up), newer first on ties. The
   first results' records are fetched to show them; those holding each part as written come
   first, and an excerpt is cut from the body (or the labels) around the best match. When one
   of those shown does not hold the query as written, the pairs between the covering ones are
   fetched (in at most BOOST_SHARDS shards) and the results ranked again: a page holding every
   pair of a part almost surely holds it as written, and goes before pages holding its pieces. */
(function () {
  "use strict";
  var root = document.querySelector("[data-search]");
  if (!root) return;
  var FIRST = 4, MORE = 10, QUERY_MAX = 100, TERMS_MAX = 16, PART_MAX = 12, WORD_MAX = 32;
  var EXCERPT = 90, BOOST_SHARDS = 4;
  var form = root.querySelector("[data-search-form]");
  var input = root.querySelector("[data-search-input]");
  var status = root.querySelector("[data-search-status]");
  var list = root.querySelector("[data-search-results]");
  var more = root.querySelector("[data-search-more]");
  var selects = Array.prototype.slice.call(root.querySelectorAll("select[data-filter]"));
  var filtersBox = root.querySelector("[data-search-filters]");
  var nojs = document.querySelector(".search-nojs");
  if (nojs) nojs.hidden = true;
  root.hidden = false;

  var indexUrl = new URL(root.getAttribute("data-index"), document.baseURI).href;
  var siteRoot = new URL(root.getAttribute("data-root"), document.baseURI).href;
  var manifest = null, shards = {}, docs = {};
  var results = [], shown = 0, seq = 0, timer = 0, current = null;
  var ignored = "";  /* what the address asked that the page cannot do: said with the first search */

  /* -- text, exactly as generator/searchtext.py cuts it -------------------------------- */
  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  var HAN_RUN = new RegExp("^[" + HAN + "]+$", "u");
  var TOKEN = new RegExp("[" + HAN + "]+|(?:(?![" + HAN + "])[\\p{L}\\p{N}])+", "gu");
  /* Full case folding beyond toLowerCase (Unicode CaseFolding.txt, what Python's casefold does). */
  var FOLDS = { "\u00df": "ss", "\u03c2": "\u03c3", "\u0345": "\u03b9", "\u1c80": "\u0432", "\u1c81": "\u0434",
    "\u1c82": "\u043e", "\u1c83": "\u0441", "\u1c84": "\u0442", "\u1c85": "\u0442", "\u1c86": "\u044a",
    "\u1c87": "\u0463", "\u1c88": "\ua64b" };
  var FOLD = /[\u00df\u03c2\u0345\u1c80-\u1c88\u1f80-\u1fff\u13f8-\u13fd\uab70-\uabbf]/g;
  function foldChar(c) {
    var code = c.charCodeAt(0);
    if (code >= 0xab70 && code <= 0xabbf) return String.fromCharCode(code - 0xab70 + 0x13a0);
    if (code >= 0x13f8 && code <= 0x13fd) return String.fromCharCode(code - 8);
    if (code >= 0x1f80 && code <= 0x1fff) return c.normalize("NFD").replace(/\u0345/g, "\u03b9");
    return FOLDS[c] || c;
  }
  function fold(text) {
    return text.normalize("NFKC").toLowerCase().replace(FOLD, foldChar).normalize("NFKC");
  }
  function chars(s) { return Array.from(s); }
  /* The terms a page must hold for one folded part: pairs of each Chinese run, words. */
  function partTerms(part) {
    var out = [];
    (part.match(TOKEN) || []).forEach(function (token) {
      if (HAN_RUN.test(token)) {  /* pairs that cover the run: every other one, and the last */
        var cs = chars(token);
        if (cs.length === 1) out.push(cs[0]);
        for (var i = 0; i + 1 < cs.length; i += 2) out.push(cs[i] + cs[i + 1]);
        if (cs.length > 2 && cs.length % 2) out.push(cs[cs.length - 2] + cs[cs.length - 1]);
      } else {
        out.push(chars(token).slice(0, WORD_MAX).join(""));
      }
    });
    return unique(out).slice(0, PART_MAX);
  }
  /* Each part's Chinese runs of one character: the characters a page holds apart. */
  function partChars(part) {
    var out = [];
    (part.match(TOKEN) || []).forEach(function (token) {
      if (HAN_RUN.test(token)) out = out.concat(chars(token)); else out.push(chars(token).slice(0, WORD_MAX).join(""));
    });
    return unique(out).slice(0, PART_MAX);
  }
  function unique(items) {
    var seen = {}, out = [];
    items.forEach(function (x) { if (!seen[x]) { seen[x] = true; out.push(x); } });
    return out;
  }
  /* The pairs of a part's Chinese runs that the covering ones skip: they rank, they do not filter. */
  function partBoosts(part, terms) {
    var out = [];
    (part.match(TOKEN) || []).forEach(function (token) {
      var cs = chars(token);
      if (!HAN_RUN.test(token)) return;
      for (var i = 1; i + 1 < cs.length; i += 2) out.push(cs[i] + cs[i + 1]);
    });
    return unique(out).filter(function (b) { return terms.indexOf(b) < 0; });
  }
  function parseQuery(q) {
    var parts = fold(q).split(/\s+/).filter(function (p) { return p.match(TOKEN); });
    return parts.map(function (p) {
      var terms = partTerms(p);
      return { text: p, runs: p.match(TOKEN) || [], terms: terms, chars: partChars(p), boosts: partBoosts(p, terms) };
    });
  }
  function termHash(term) {
    var h = 0x811c9dc5;
    for (var c of term) h = Math.imul(h ^ c.codePointAt(0), 0x01000193) >>> 0;
    return h;
  }

  /* -- the index ------------------------------------------------------------------------ */
  var ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  var VALUE = {};
  for (var a = 0; a < ALPHABET.length; a++) VALUE[ALPHABET.charAt(a)] = a;
  /* Reads varints (5 bits a character, lowest first; 32..63 means more follow). */
  function Reader(text) { this.text = text; this.at = 0; }
  Reader.prototype.more = function () { return this.at < this.text.length; };
  Reader.prototype.varint = function () {
    var value = 0, shift = 1, d;
    do {
      d = VALUE[this.text.charAt(this.at++)];
      if (d === undefined) throw new Error("bad index data");
      value += (d & 31) * shift;
      shift *= 32;
    } while (d >= 32);
    return value;
  };
  Reader.prototype.digit = function () {
    var d = VALUE[this.text.charAt(this.at++)];
    if (d === undefined) throw new Error("bad index data");
    return d;
  };
  function getJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }
  function loadManifest() {
    if (!manifest) {
      manifest = getJson(indexUrl + "manifest.json").then(function (m) {
        if (m.format !== 2) throw new Error("unknown index format");
        return facets(m);
      });
      manifest.catch(function () { manifest = null; });
    }
    return manifest;
  }
  /* Each page's row: id, kind, session and topics; "newest first" is descending id. */
  function facets(m) {
    var rows = new Reader(m.rows), id = 0, ids = [], group = [], rowOf = {};
    while (rows.more()) {
      id += rows.varint();
      rowOf[id] = ids.length;
      ids.push(id);
      group.push(rows.varint());
    }
    var topics = ids.map(function () { return []; });
    m.topic_rows.forEach(function (text, t) {
      var r = new Reader(text), row = 0;
      while (r.more()) { row += r.varint(); topics[row].push(t); }
    });
    var hashes = m.shards.match(/.{8}/g) || [];
    return { pages: m.pages, hashes: hashes, ids: ids, rowOf: rowOf, topics: topics,
      kindOf: group.map(function (g) { return m.kinds[m.groups[g][0]]; }),
      sessionOf: group.map(function (g) { var s = m.groups[g][1]; return s < 0 ? "" : m.sessions[s]; }),
      topicNames: m.topics };
  }
  function shard(m, term) {
    var n = termHash(term) % m.hashes.length;
    if (!shards[n]) {
      shards[n] = getJson(indexUrl + "t/" + n + "." + m.hashes[n] + ".json");
      shards[n].catch(function () { delete shards[n]; });
    }
    return shards[n].then(function (s) { return Object.prototype.hasOwnProperty.call(s, term) ? s[term] : ""; });
  }
  /* A term's postings: page id -> impact. A term in most pages comes as "!ids!ids in the title"
     (searchcodec.published_postings): its pages count DENSE_IMPACT, plus TITLE_BONUS by title. */
  var DENSE_IMPACT = 15, TITLE_BONUS = 32;
  function decode(text) {
    var id = 0, out = new Map(), r;
    if (text.charAt(0) === "!") {
      var cut = text.indexOf("!", 1);
      if (cut < 0) throw new Error("damaged postings");
      for (r = new Reader(text.slice(1, cut)); r.more();) { id += r.varint(); out.set(id, DENSE_IMPACT); }
      for (r = new Reader(text.slice(cut + 1)), id = 0; r.more();) { id += r.varint(); out.set(id, DENSE_IMPACT + TITLE_BONUS); }
      return out;
    }
    r = new Reader(text);
    while (r.more()) { id += r.varint(); out.set(id, r.digit()); }
    return out;
  }
  function doc(id) {
    if (!docs[id]) {
      docs[id] = getJson(indexUrl + "d/" + id.toString(36) + ".json");
      docs[id].catch(function () { delete docs[id]; });
    }
    return docs[id];
  }

  /* -- ranking -------------------------------------------------------------------------- */
  function shardOf(m, term) { return termHash(term) % m.hashes.length; }
  /* The boosts worth fetching: those in shards fetched already, and others in BOOST_SHARDS more. */
  function affordable(m, boosts) {
    var seen = {}, count = 0;
    return boosts.filter(function (b) {
      var n = shardOf(m, b);
      if (seen[n] || shards[n]) return true;  /* fetched already */
      if (count >= BOOST_SHARDS) return false;
      seen[n] = true;
      count++;
      return true;
    });
  }
  /* Pages holding every term, with BM25 scores: idf from the postings' length. */
  function match(m, terms) {
    return Promise.all(terms.map(function (t) { return shard(m, t); })).then(function (texts) {
      var lists = texts.map(decode), scores = new Map();
      if (!lists.length || lists.some(function (l) { return !l.size; })) return scores;
      lists.sort(function (x, y) { return x.size - y.size; });
      lists[0].forEach(function (impact, id) { scores.set(id, 0); });
      lists.forEach(function (postings) {
        var idf = Math.log(1 + (m.pages - postings.size + 0.5) / (postings.size + 0.5));
        scores.forEach(function (score, id) {
          var impact = postings.get(id);
          if (impact === undefined) scores.delete(id); else scores.set(id, score + idf * impact);
        });
      });
      return scores;
    });
  }
  /* The results again, those holding more of the parts' inner pairs first (a stable sort: the
     ranking stands within each tier); null when nothing is to be gained. */
  function reranked(m, parts, ids) {
    var boosts = affordable(m, allTerms(parts, "boosts"));
    if (!boosts.length) return Promise.resolve(null);
    return Promise.all(boosts.map(function (b) { return shard(m, b); })).then(function (texts) {
      var lists = texts.map(decode);
      var tiers = ids.map(function (id, at) {
        return [lists.filter(function (l) { return l.has(id); }).length, at];
      });
      tiers.sort(function (x, y) { return y[0] - x[0] || x[1] - y[1]; });
      return tiers.map(function (x) { return ids[x[1]]; });
    });
  }
  /* Up to TERMS_MAX terms, taken from each part in turn, so that every part counts. */
  function termsOf(parts, key) {
    var all = [], longest = 0;
    parts.forEach(function (p) { longest = Math.max(longest, p[key].length); });
    for (var i = 0; i < longest; i++) parts.forEach(function (p) { if (i < p[key].length) all.push(p[key][i]); });
    return unique(all).slice(0, TERMS_MAX);
  }
  function allTerms(parts, key) {
    var all = [];
    parts.forEach(function (p) { all = all.concat(p[key]); });
    return unique(all);
  }

  function chosen() {
    var out = {};
    selects.forEach(function (s) { if (s.value) out[s.getAttribute("data-filter")] = s.value; });
    return out;
  }
  function holds(m, row, key, value) {
    if (key === "kind") return m.kindOf[row] === value;
    if (key === "session") return m.sessionOf[row] === value;
    return m.topics[row].some(function (t) { return m.topicNames[t] === value; });
  }
  /* Filtered rows, and the counts each select shows: its own dimension left out. */
  function applyFilters(m, rows, f) {
    var keys = Object.keys(f);
    var counts = {};
    selects.forEach(function (s) { counts[s.getAttribute("data-filter")] = {}; });
    var kept = rows.filter(function (row) {
      var misses = keys.filter(function (k) { return !holds(m, row, k, f[k]); });
      Object.keys(counts).forEach(function (k) {
        if (misses.length && !(misses.length === 1 && misses[0] === k)) return;
        var values = k === "kind" ? [m.kindOf[row]] : k === "session" ? [m.sessionOf[row]]
          : m.topics[row].map(function (t) { return m.topicNames[t]; });
        values.forEach(function (v) { if (v) counts[k][v] = (counts[k][v] || 0) + 1; });
      });
      return !misses.length;
    });
    return { rows: kept, counts: counts };
  }
  function updateCounts(counts) {
    selects.forEach(function (s) {
      var byValue = counts[s.getAttribute("data-filter")] || {};
      Array.prototype.forEach.call(s.options, function (o) {
        if (o.value) o.textContent = o.value + "（" + (byValue[o.value] || 0) + "）";
      });
    });
  }

  /* -- excerpts ------------------------------------------------------------------------- */
  /* The text folded character by character, with where each folded character came from. */
  function folded(text) {
    var out = "", from = [], cs = chars(text), at = 0;
    cs.forEach(function (c) {
      var f = fold(c);
      for (var i = 0; i < f.length; i++) { out += f.charAt(i); from.push(at); }
      at += c.length;
    });
    from.push(at);
    return { text: out, from: from };
  }
  function spans(hay, needles) {
    var found = [];
    needles.forEach(function (n) {
      if (!n) return;
      for (var i = hay.indexOf(n); i >= 0; i = hay.indexOf(n, i + 1)) found.push([i, i + n.length]);
    });
    found.sort(function (x, y) { return x[0] - y[0] || y[1] - x[1]; });
    var merged = [];
    found.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]); else merged.push(s.slice());
    });
    return merged;
  }
  /* What to mark: each part as written where the text holds it; else its runs, else their pairs.
     A lone character or digit is marked only when it is the whole part (年 of 2022年 is not). */
  function needles(parts, hay) {
    var out = [];
    parts.forEach(function (p) {
      if (hay.indexOf(p.text) >= 0) { out.push(p.text); return; }
      var single = chars(p.text).length === 1;
      p.runs.forEach(function (run) {
        if (chars(run).length === 1 && !single) return;
        if (hay.indexOf(run) >= 0) out.push(run);
        else out = out.concat(partTerms(run).filter(function (t) { return chars(t).length > 1 || single; }));
      });
    });
    return out;
  }
  function holdsPhrases(parts, d) {
    var hay = fold([d.t, d.p, d.l || "", d.x].join(" "));
    return parts.every(function (p) {
      return hay.indexOf(p.text) >= 0 || p.runs.every(function (run) { return hay.indexOf(run) >= 0; });
    });
  }
  var WORDISH = /[\p{L}\p{N}]/u, HAN_CHAR = new RegExp("[" + HAN + "]", "u");
  function inWord(text, at) {  /* between two letters or digits of one word (not Chinese) */
    var a = text.charAt(at - 1), b = text.charAt(at);
    return WORDISH.test(a) && WORDISH.test(b) && !HAN_CHAR.test(a) && !HAN_CHAR.test(b);
  }
  var OPENING = /^[\s.,;:!?·、，。；：！？…）》」』”’)\]]+/;
  /* The passage of the body around the best match, as text and marked spans. */
  function excerpt(body, parts) {
    var f = folded(body), marks = parts.length ? spans(f.text, needles(parts, f.text)) : [];
    var center = 0, best = -1;
    marks.forEach(function (s) {  /* the passage with the most marked text: a whole match beats pieces */
      var near = 0;
      marks.forEach(function (o) { if (Math.abs(o[0] - s[0]) < EXCERPT / 2) near += o[1] - o[0]; });
      if (near > best) { best = near; center = s[0]; }
    });
    var start = Math.floor(Math.max(0, center - EXCERPT / 3)), end = Math.min(f.text.length, start + EXCERPT);
    if (end - start < EXCERPT) start = Math.max(0, end - EXCERPT);
    for (var back = 0; back < 12 && start > 0 && inWord(f.text, start); back++) start--;  /* not inside 1200 */
    if (inWord(f.text, start)) while (start < center && inWord(f.text, start)) start++;
    while (end < f.text.length && end - start < EXCERPT + 12 && inWord(f.text, end)) end++;
    var from = f.from[start], to = f.from[end];
    var text = body.slice(from, to), lead = text.match(OPENING);
    if (lead && from + lead[0].length <= (marks.length ? f.from[marks[0][0]] : to)) {
      from += lead[0].length;
      text = text.slice(lead[0].length);
    }
    return { text: text, before: from > 0, after: to < body.length,
      marks: marks.map(function (s) { return [f.from[s[0]] - from, f.from[s[1]] - from]; })
        .filter(function (s) { return s[1] > 0 && s[0] < text.length; }) };
  }
  function excerptNodes(x, into) {
    var at = 0;
    if (x.before) into.appendChild(document.createTextNode("…"));
    x.marks.forEach(function (s) {
      var a = Math.max(at, s[0]), b = Math.min(x.text.length, s[1]);
      if (b <= a) return;
      if (a > at) into.appendChild(document.createTextNode(x.text.slice(at, a)));
      var mark = document.createElement("mark");
      mark.textContent = x.text.slice(a, b);
      into.appendChild(mark);
      at = b;
    });
    if (at < x.text.length) into.appendChild(document.createTextNode(x.text.slice(at)));
    if (x.after) into.appendChild(document.createTextNode("…"));
  }

  /* -- the page ------------------------------------------------------------------------- */
  function setStatus(text) { status.textContent = text; }
  function render(d, parts) {
    var li = document.createElement("li");
    li.className = "search-result";
    var h = document.createElement("h2");
    h.className = "search-result-title";
    var a = document.createElement("a");
    a.href = new URL(d.u, siteRoot).href;
    var title = document.createElement("span");  /* one flex item: the title's text and its marks */
    marked(d.t, parts, title);
    a.appendChild(title);
    h.appendChild(a);
    li.appendChild(h);
    var info = document.createElement("p");
    info.className = "search-result-meta";
    [["kind", d.k], ["people", d.p], ["session", d.s], ["date", d.d]].forEach(function (pair) {
      if (!pair[1] || (pair[0] === "people" && d.t.indexOf(pair[1]) >= 0)) return;
      var span = document.createElement("span");
      span.className = "search-result-" + pair[0];
      span.textContent = pair[1];
      info.appendChild(span);
    });
    li.appendChild(info);
    var x = d.x ? excerpt(d.x, parts) : null;
    if (d.l && parts.length && (!x || !x.marks.length)) {  /* the match is in the labels (文号, 作者…) alone */
      var inLabels = excerpt(d.l, parts);
      if (inLabels.marks.length) x = inLabels;
    }
    if (x) {
      var p = document.createElement("p");
      p.className = "search-result-excerpt";
      excerptNodes(x, p);
      li.appendChild(p);
    }
    return li;
  }
  /* A short text (a title) with its matches marked. */
  function marked(text, parts, into) {
    var f = folded(text), marks = parts.length ? spans(f.text, needles(parts, f.text)) : [];
    excerptNodes({ text: text, before: false, after: false,
      marks: marks.map(function (s) { return [f.from[s[0]], f.from[s[1]]]; }) }, into);
  }
  function showMore(parts) {
    var my = seq, next = results.slice(shown, shown + (shown ? MORE : FIRST));
    shown += next.length;
    more.hidden = true;
    return Promise.all(next.map(doc)).then(function (found) {
      if (my !== seq) return null;
      var order = found.map(function (d, i) { return i; });
      if (parts.length) {  /* pages holding each part as written come first */
        order.sort(function (i, j) { return holdsPhrases(parts, found[j]) - holdsPhrases(parts, found[i]) || i - j; });
      }
      order.forEach(function (i) { list.appendChild(render(found[i], parts)); });
      more.hidden = shown >= results.length;
      if (current) {
        current.exact = current.exact || found.some(function (d) { return holdsPhrases(parts, d); });
        tell(current);
      }
      return found;
    });
  }
  /* The status line: how many were found, and whether they hold the query as written. */
  function tell(c) {
    var n = results.length, text;
    var none = c.parts.length && !c.exact;  /* none shown holds the query as written */
    if (!n) text = "没有找到与" + c.what + "有关的内容。请换一个词，或减少筛选条件。";
    else if (c.apart || (none && shown >= n))
      text = "没有找到完整包含" + c.what + "的内容；以下 " + n + " 条含有其中的字词，但不相连。";
    else if (none)
      text = "找到 " + n + " 条与" + c.what + "有关的结果；已显示的 " + shown + " 条都不完整包含它，只含有其中的字词。";
    else text = "找到 " + n + " 条与" + c.what + "有关的结果。";
    if (c.cut) text += "搜索词较长，只按其中一部分查找。";
    if (c.note) text += c.note;
    setStatus(text);
  }
  function remember(q, f) {
    var params = new URLSearchParams();
    if (q) params.set("q", q);
    Object.keys(f).forEach(function (k) { params.set(k, f[k]); });
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function ranked(m, scores) {
    var rows = [];
    scores.forEach(function (score, id) { if (m.rowOf[id] !== undefined) rows.push(m.rowOf[id]); });
    rows.sort(function (x, y) { return scores.get(m.ids[y]) - scores.get(m.ids[x]) || m.ids[y] - m.ids[x]; });
    return rows;
  }
  function search() {
    var q = input.value.replace(/\s+/g, " ").trim().slice(0, QUERY_MAX);
    var f = chosen(), my = ++seq;
    remember(q, f);
    if (!q && !Object.keys(f).length) {
      results = []; shown = 0; list.textContent = ""; more.hidden = true;
      setStatus("请输入要搜索的词，或选择筛选条件。");
      return Promise.resolve();
    }
    var parts = parseQuery(q), what = q ? "“" + q + "”" : "所选条件";
    current = null;
    if (q && !parts.length) {  /* punctuation or emoji only: nothing to look for */
      results = []; shown = 0; list.textContent = ""; more.hidden = true;
      setStatus("“" + q + "”中没有可以搜索的字词，请输入汉字、字母或数字。");
      return Promise.resolve();
    }
    setStatus("正在搜索…");
    root.setAttribute("aria-busy", "true");
    var note = ignored;
    ignored = "";
    return loadManifest().then(function (m) {
      if (!parts.length) {  /* filters only: everything, newest first */
        return { m: m, rows: m.ids.map(function (id, row) { return row; }).reverse(), apart: false };
      }
      var terms = termsOf(parts, "terms");
      return match(m, terms).then(function (scores) {
        var cut = allTerms(parts, "terms").length > terms.length;
        if (scores.size) return { m: m, rows: ranked(m, scores), apart: false, cut: cut };
        /* No page holds the pairs: pages holding the characters apart, said to be so. */
        var loose = termsOf(parts, "chars");
        return match(m, loose).then(function (apart) {
          return { m: m, rows: ranked(m, apart), apart: apart.size > 0, cut: allTerms(parts, "chars").length > loose.length };
        });
      });
    }).then(function (got) {
      if (my !== seq) return null;
      var filtered = applyFilters(got.m, got.rows, f);
      results = filtered.rows.map(function (row) { return got.m.ids[row]; });
      updateCounts(filtered.counts);
      list.textContent = "";
      shown = 0;
      current = { what: what, parts: parts, apart: got.apart, cut: got.cut, exact: false, note: note };
      tell(current);
      return showMore(parts).then(function (found) {
        if (my !== seq || !found || got.apart || found.every(function (d) { return holdsPhrases(parts, d); })) return null;
        /* one shown does not hold the query as written: rank again by the inner pairs */
        return reranked(got.m, parts, results).then(function (next) {
          if (my !== seq || !next || next.slice(0, shown).join() === results.slice(0, shown).join()) return null;
          results = next;
          list.textContent = "";
          shown = 0;
          current.exact = false;
          return showMore(parts);
        });
      });
    }).catch(function (err) {
      if (my !== seq) return;
      results = []; shown = 0; list.textContent = ""; more.hidden = true;
      setStatus("搜索暂时不可用：搜索索引未能加载。请稍后再试，或按栏目浏览。");
      if (window.console) console.warn(err);
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
  selects.forEach(function (s) { s.addEventListener("change", search); });
  more.addEventListener("click", function () {
    var first = list.children.length;
    showMore(parseQuery(input.value.slice(0, QUERY_MAX))).then(function () {
      var link = list.children[first] && list.children[first].querySelector("a");
      if (link) link.focus();
    });
  });

  var params = new URLSearchParams(location.search);
  var asked = params.get("q") || "";
  input.value = asked.slice(0, QUERY_MAX);
  if (asked.length > QUERY_MAX) ignored += "（搜索词超过 " + QUERY_MAX + " 个字，只用了前 " + QUERY_MAX + " 个。）";
  selects.forEach(function (s) {
    var key = s.getAttribute("data-filter"), v = params.get(key);
    if (v && Array.prototype.some.call(s.options, function (o) { return o.value === v; })) s.value = v;
    else if (v) ignored += "（没有“" + v + "”这个筛选条件，已忽略。）";
  });
  /* On a phone the filters stay folded (results first) unless the address chooses one. */
  if (filtersBox && Object.keys(chosen()).length) filtersBox.open = true;
  if (input.value || Object.keys(chosen()).length) search();
  window.congressSearch = { fold: fold, parse: parseQuery, hash: termHash,
    decode: function (text) { return Array.from(decode(text)); } };
})();
