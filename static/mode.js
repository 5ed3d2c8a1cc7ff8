/* Runs before the page paints (no inline script: the CSP forbids them).
   Marks that scripts run (so the 大字模式 switch shows), whether the browser can read
   aloud (so the 朗读 buttons show), and applies the reader's remembered 大字模式. */
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  if (window.speechSynthesis && window.SpeechSynthesisUtterance) {
    root.classList.add("speech");
  }
  try {
    if (localStorage.getItem("reading-mode") === "large") {
      root.classList.add("mode-large");
    }
  } catch (e) { /* storage blocked: standard mode */ }
})();
