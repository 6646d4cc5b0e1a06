// Loaded in <head> without defer, before the style sheet: applies the reader's stored colour and
// width as classes on <html> before the first paint. reading.js offers the settings.
(function () {
  "use strict";
  var root = document.documentElement;
  var theme = null;
  var width = null;
  try {
    theme = window.localStorage.getItem("wiki-theme");
    width = window.localStorage.getItem("wiki-width");
  } catch (error) { /* storage refused: the defaults stand */ }
  root.classList.add("client-js");
  if (theme === "light" || theme === "dark") {
    root.classList.add("theme-" + theme);
  }
  if (width === "wide") {
    root.classList.add("width-wide");
  }
})();
