// Reading comforts on top of pages that work without it: the appearance settings (width and
// colour, kept in localStorage), menus that close on Escape or a click elsewhere, the sticky
// header's page title, the current section in the contents sidebar, and history radio buttons
// that only offer valid comparisons.
(function () {
  "use strict";

  var root = document.documentElement;

  function store(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, value);
      }
    } catch (error) { /* storage refused: the setting lasts for this page only */ }
  }

  // Appearance: the menu shows only with JavaScript (html.client-js, set by appearance.js).
  function setUpAppearance() {
    var menu = document.querySelector("details.appearance");
    if (!menu) {
      return;
    }
    var width = root.classList.contains("width-wide") ? "wide" : "standard";
    var theme = root.classList.contains("theme-dark") ? "dark"
      : (root.classList.contains("theme-light") ? "light" : "auto");
    menu.querySelectorAll("input[name=appearance-width]").forEach(function (input) {
      input.checked = input.value === width;
      input.addEventListener("change", function () {
        root.classList.toggle("width-wide", input.value === "wide");
        store("wiki-width", input.value === "wide" ? "wide" : null);
      });
    });
    menu.querySelectorAll("input[name=appearance-theme]").forEach(function (input) {
      input.checked = input.value === theme;
      input.addEventListener("change", function () {
        root.classList.remove("theme-light", "theme-dark");
        if (input.value === "light" || input.value === "dark") {
          root.classList.add("theme-" + input.value);
        }
        store("wiki-theme", input.value === "auto" ? null : input.value);
      });
    });
  }

  // Menus (details.dropdown): Escape closes and returns focus; a click outside closes.
  function setUpMenus() {
    var menus = Array.prototype.slice.call(document.querySelectorAll("details.dropdown"));
    document.addEventListener("click", function (event) {
      menus.forEach(function (menu) {
        if (menu.open && !menu.contains(event.target)) {
          menu.open = false;
        }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      menus.forEach(function (menu) {
        if (menu.open) {
          menu.open = false;
          menu.querySelector("summary").focus();
        }
      });
    });
  }

  // The sticky header shows the page's title, Edit and History once the heading is gone.
  function setUpStickyHeader() {
    var heading = document.querySelector("h1.page-title");
    var sticky = document.querySelector(".sticky-page");
    var brand = document.querySelector(".header-brand");
    if (!heading || !sticky || !brand || !window.IntersectionObserver) {
      return;
    }
    new IntersectionObserver(function (entries) {
      var entry = entries[entries.length - 1];
      var gone = !entry.isIntersecting && entry.boundingClientRect.bottom < 0;
      sticky.hidden = !gone;
      brand.hidden = gone;
      root.classList.toggle("sticky-header-active", gone);
    }).observe(heading);
  }

  // The contents sidebar marks the section being read: the last heading above a line a
  // quarter down the window, looked for whenever a heading crosses that line. Once the end of
  // the page is reached (the footer wholly in sight), the line is the window's bottom, so that
  // the last, short sections can be marked too.
  function setUpContents() {
    var toc = document.getElementById("toc-sidebar");
    if (!toc || !window.IntersectionObserver) {
      return;
    }
    var links = {};
    var headings = [];
    toc.querySelectorAll("a[href^='#']").forEach(function (link) {
      var id = decodeURIComponent(link.getAttribute("href").slice(1));
      var heading = document.getElementById(id);
      if (heading) {
        links[id] = link;
        headings.push(heading);
      }
    });
    if (!headings.length) {
      return;
    }
    var current = null;
    var endInSight = false;
    function mark() {
      var line = endInSight ? window.innerHeight : window.innerHeight / 4;
      var found = null;
      for (var i = 0; i < headings.length; i += 1) {
        if (headings[i].getBoundingClientRect().top <= line) {
          found = headings[i];
        } else {
          break;
        }
      }
      var link = found ? links[found.id] : null;
      if (link === current) {
        return;
      }
      if (current) {
        current.classList.remove("toc-current");
        current.removeAttribute("aria-current");
      }
      current = link;
      if (link) {
        link.classList.add("toc-current");
        link.setAttribute("aria-current", "location");
      }
    }
    var observer = new IntersectionObserver(mark, { rootMargin: "0px 0px -75% 0px" });
    headings.forEach(function (heading) { observer.observe(heading); });
    var end = document.querySelector(".site-footer");
    if (end) {
      new IntersectionObserver(function (entries) {
        endInSight = entries[entries.length - 1].intersectionRatio > 0.98;
        mark();
      }, { threshold: [0.98, 1] }).observe(end);
    }
    mark();
  }

  // History: hide the radio buttons that would compare a revision with itself or backwards,
  // as Wikipedia does ("older" at or above the chosen "newer", "newer" at or below the chosen
  // "older"). Without this script all of them show, and the server orders any pair.
  function setUpHistory() {
    var form = document.querySelector("form.history-form");
    if (!form) {
      return;
    }
    var rows = Array.prototype.slice.call(form.querySelectorAll(".history-row"));
    function update() {
      var newer = -1;
      var older = rows.length;
      rows.forEach(function (row, index) {
        var diff = row.querySelector("input[name=diff]");
        var oldid = row.querySelector("input[name=oldid]");
        if (diff && diff.checked) {
          newer = index;
        }
        if (oldid && oldid.checked) {
          older = index;
        }
      });
      rows.forEach(function (row, index) {
        var diff = row.querySelector("input[name=diff]");
        var oldid = row.querySelector("input[name=oldid]");
        if (oldid) {
          oldid.classList.toggle("radio-invalid", index <= newer && rows.length > 1);
        }
        if (diff) {
          diff.classList.toggle("radio-invalid", index >= older && rows.length > 1);
        }
      });
    }
    form.addEventListener("change", update);
    update();
  }

  setUpAppearance();
  setUpMenus();
  setUpStickyHeader();
  setUpContents();
  setUpHistory();
})();
