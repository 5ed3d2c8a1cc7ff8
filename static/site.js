/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;

  /* 大字模式 / 标准模式 switch, remembered across pages. */
  var toggle = document.querySelector("[data-mode-switch]");
  function showMode() {
    var large = root.classList.contains("mode-large");
    toggle.textContent = large ? "标准模式" : "大字模式";
    toggle.setAttribute("aria-pressed", large ? "true" : "false");
    toggle.setAttribute("aria-label", large ? "切换到标准模式" : "切换到大字模式");
  }
  if (toggle) {
    toggle.hidden = false;
    showMode();
    toggle.addEventListener("click", function () {
      var large = !root.classList.contains("mode-large");
      root.classList.toggle("mode-large", large);
      try { localStorage.setItem("reading-mode", large ? "large" : "standard"); } catch (e) {}
      showMode();
    });
  }

  /* 朗读: the browser's own speech synthesis, where it exists. */
  var box = document.querySelector("[data-read-aloud]");
  var article = document.querySelector("[data-article-text]");
  if (box && article && "speechSynthesis" in window && "SpeechSynthesisUtterance" in window) {
    var synth = window.speechSynthesis;
    var speak = box.querySelector("[data-speak]");
    var pause = box.querySelector("[data-pause]");
    var stop = box.querySelector("[data-stop]");
    var title = document.querySelector("h1");
    function idle() { speak.disabled = false; pause.disabled = true; stop.disabled = true; pause.textContent = "暂停"; }
    box.hidden = false;
    speak.addEventListener("click", function () {
      synth.cancel();
      var text = (title ? title.textContent + "。" : "") + article.textContent.replace(/\s+/g, " ").trim();
      var u = new SpeechSynthesisUtterance(text);
      u.lang = "zh-CN";
      var voices = synth.getVoices ? synth.getVoices() : [];
      for (var i = 0; i < voices.length; i++) {
        if (/^zh(-|_)CN/i.test(voices[i].lang)) { u.voice = voices[i]; break; }
      }
      u.onend = idle;
      u.onerror = idle;
      synth.speak(u);
      speak.disabled = true; pause.disabled = false; stop.disabled = false;
    });
    pause.addEventListener("click", function () {
      if (synth.paused) { synth.resume(); pause.textContent = "暂停"; }
      else { synth.pause(); pause.textContent = "继续"; }
    });
    stop.addEventListener("click", function () { synth.cancel(); idle(); });
  }
})();
