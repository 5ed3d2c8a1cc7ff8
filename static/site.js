/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;

  /* 大字模式 / 标准模式: the button names the mode it switches to; remembered across pages. */
  var toggle = document.querySelector("[data-mode-switch]");
  function showMode() {
    toggle.textContent = root.classList.contains("mode-large") ? "标准模式" : "大字模式";
  }
  if (toggle) {
    showMode();
    toggle.addEventListener("click", function () {
      var large = !root.classList.contains("mode-large");
      root.classList.toggle("mode-large", large);
      try { localStorage.setItem("reading-mode", large ? "large" : "standard"); } catch (e) {}
      showMode();
    });
  }

  /* The navigation is a <details>, shown open on wide screens by CSS (::details-content); a
     browser without that selector gets it opened here instead. */
  var menu = document.querySelector("[data-nav-menu]");
  if (menu && window.CSS && CSS.supports && !CSS.supports("selector(::details-content)") &&
      window.matchMedia("(min-width: 40.01rem)").matches) {
    menu.open = true;
  }

  /* 朗读: the browser's own speech synthesis (zh-CN), where it exists. The text goes in
     sentence-sized pieces: some engines stop reading one long utterance after ~15 s. */
  var box = document.querySelector("[data-read-aloud]");
  var article = document.querySelector("[data-article-text]");
  var synth = window.speechSynthesis;
  if (!box || !article || !synth || !window.SpeechSynthesisUtterance) { return; }
  var speak = box.querySelector("[data-speak]");
  var pause = box.querySelector("[data-pause]");
  var stop = box.querySelector("[data-stop]");
  var run = 0;

  var LIMIT = 120;
  function split(text, pattern) { return text.match(pattern) || []; }
  function pieces(text) {
    var parts = [], out = [], current = "";
    split(text, /[^。！？；!?;]+[。！？；!?;”’」）)]*|[。！？；!?;]+/g).forEach(function (sentence) {
      if (sentence.length <= LIMIT) { parts.push(sentence); return; }
      split(sentence, /[^，,、：:]+[，,、：:]*|[，,、：:]+/g).forEach(function (clause) {
        while (clause.length > LIMIT) { parts.push(clause.slice(0, LIMIT)); clause = clause.slice(LIMIT); }
        parts.push(clause);
      });
    });
    parts.forEach(function (part) {
      if (current && (current + part).length > LIMIT) { out.push(current); current = ""; }
      current += part;
    });
    if (current) { out.push(current); }
    return out;
  }
  function idle() {
    var hadFocus = box.contains(document.activeElement) && document.activeElement !== speak;
    pause.hidden = true; stop.hidden = true; pause.textContent = "暂停";
    if (hadFocus) { speak.focus(); }
  }
  speak.addEventListener("click", function () {
    synth.cancel();
    var mine = ++run;
    var title = box.getAttribute("data-title") || "";
    var text = (title ? title + "。" : "") + article.textContent.replace(/\s+/g, " ").trim();
    var voices = synth.getVoices ? synth.getVoices() : [];
    var voice = null;
    for (var v = 0; v < voices.length; v++) {
      if (/^zh[-_]CN/i.test(voices[v].lang)) { voice = voices[v]; break; }
    }
    var list = pieces(text);
    for (var i = 0; i < list.length; i++) {
      var u = new SpeechSynthesisUtterance(list[i]);
      u.lang = "zh-CN";
      if (voice) { u.voice = voice; }
      if (i === list.length - 1) {
        u.onend = function () { if (mine === run) { idle(); } };
      }
      u.onerror = function () { if (mine === run) { idle(); } };
      synth.speak(u);
    }
    pause.hidden = false; stop.hidden = false; pause.textContent = "暂停";
  });
  pause.addEventListener("click", function () {
    if (synth.paused) { synth.resume(); pause.textContent = "暂停"; }
    else { synth.pause(); pause.textContent = "继续"; }
  });
  stop.addEventListener("click", function () { run++; synth.cancel(); idle(); });
})();
