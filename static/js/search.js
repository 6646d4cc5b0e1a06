// Title suggestions under the header's search box, fetched as the reader types.
// Progressive enhancement: without this script the box is a plain form to Special:Search.
(function () {
  "use strict";

  var form = document.querySelector("form.search-box");
  var input = form && form.querySelector("input[name=search]");
  if (!input || !window.fetch || !window.Map || !input.dataset.suggestUrl) {
    return;
  }
  var goButton = form.querySelector("button[name=go]");
  var list = document.createElement("ul");
  list.id = "searchSuggestions";
  list.className = "search-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggested pages");
  list.hidden = true;
  form.appendChild(list);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  var active = -1;
  var timer = null;
  var controller = null;
  var cache = new Map();

  function options() {
    return list.querySelectorAll("[role=option]");
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    var items = options();
    if (!items.length) {
      return;
    }
    active = (index + items.length) % items.length;
    items.forEach(function (item, i) {
      item.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  function choose(title) {
    input.value = title;
    close();
    // "Go" opens the page with this exact title.
    if (form.requestSubmit && goButton) {
      form.requestSubmit(goButton);
    } else {
      form.submit();
    }
  }

  function show(titles) {
    list.textContent = "";
    active = -1;
    if (!titles.length) {
      close();
      return;
    }
    titles.forEach(function (title, i) {
      var item = document.createElement("li");
      item.id = "searchSuggestion" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.textContent = title;  // text, never HTML
      item.addEventListener("mousedown", function (event) {
        event.preventDefault();  // keep focus in the box until the choice is made
        choose(title);
      });
      list.appendChild(item);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function fetchSuggestions(prefix) {
    if (cache.has(prefix)) {
      show(cache.get(prefix));
      return;
    }
    if (controller) {
      controller.abort();
    }
    controller = window.AbortController ? new AbortController() : null;
    var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(prefix);
    fetch(url, { headers: { Accept: "application/json" }, signal: controller && controller.signal })
      .then(function (response) {
        return response.ok ? response.json() : { titles: [] };
      })
      .then(function (data) {
        cache.set(prefix, data.titles || []);
        if (input.value.trim() === prefix) {
          show(cache.get(prefix));
        }
      })
      .catch(function () { /* aborted or offline: the form still works */ });
  }

  input.addEventListener("input", function () {
    var prefix = input.value.trim();
    clearTimeout(timer);
    if (!prefix || prefix.length > 255) {
      close();
      return;
    }
    timer = setTimeout(function () { fetchSuggestions(prefix); }, 150);
  });

  input.addEventListener("keydown", function (event) {
    if (list.hidden) {
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(options()[active].textContent);
    } else if (event.key === "Escape") {
      close();
    }
  });

  input.addEventListener("blur", function () {
    setTimeout(close, 100);
  });
})();
