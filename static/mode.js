/* Runs before the page paints: applies the reader's remembered 大字模式. */
(function () {
  try {
    if (localStorage.getItem("reading-mode") === "large") {
      document.documentElement.classList.add("mode-large");
    }
  } catch (e) { /* storage blocked: standard mode */ }
})();
