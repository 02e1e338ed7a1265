/* sphinxcontrib-dep: filter and sort the views of all proposals (.dep-filterable), and keep
 * the view in the page's address so it can be shared.
 *
 * Without this script every row is shown and the form stays hidden. With it, the form of
 * each view is shown; its choices (status, category, person) match the row classes
 * dep-row-<status>, dep-category-<slug>, dep-person-<slug>; the text box keeps the rows
 * holding every word typed. Each column header sorts (again: the other way). The state is
 * the query string: ?status=&category=&person=&q=&sort=&order= (replaceState, no reload).
 * No dependencies. */
(function () {
  "use strict";
  var KEYS = ["status", "category", "person", "q"];

  function slug(text) {
    return text.trim().toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "");
  }

  function readState() {
    var params = new URLSearchParams(window.location.search);
    var state = {};
    KEYS.concat(["sort", "order"]).forEach(function (key) { state[key] = params.get(key) || ""; });
    return state;
  }

  function writeState(state) {
    var params = new URLSearchParams(window.location.search);
    Object.keys(state).forEach(function (key) {
      if (state[key]) params.set(key, state[key]);
      else params.delete(key);
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    try {
      window.history.replaceState(window.history.state, "", url);
    } catch (error) {
      /* a page opened from a file may not change its address; the view still works */
    }
  }

  function setUp(container) {
    var form = container.querySelector("form.dep-filters");
    if (!form) return;
    var tables = Array.prototype.slice.call(container.querySelectorAll("table"));
    var rows = [];
    tables.forEach(function (table) {
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) { rows.push(row); });
    });
    var count = form.querySelector(".dep-filter-count");
    var statusOrder = {};
    Array.prototype.forEach.call(form.querySelectorAll('select[name="status"] option'), function (option, index) {
      statusOrder[option.value] = index;
    });
    var sorting = { key: "", order: "" };

    function key(row) {
      var link = row.querySelector("a");
      return link ? link.getAttribute("href") : row.textContent;
    }

    function matches(row, state) {
      var classes = row.classList;
      if (state.status && !classes.contains("dep-row-" + state.status)) return false;
      if (state.category && !classes.contains("dep-category-" + state.category)) return false;
      if (state.person && !classes.contains("dep-person-" + state.person)) return false;
      var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
      var text = row.textContent.toLowerCase();
      return words.every(function (word) { return text.indexOf(word) !== -1; });
    }

    function statusOf(row) {
      for (var i = 0; i < row.classList.length; i++) {
        var name = row.classList[i];
        if (name.indexOf("dep-row-") === 0 && name.slice(8) in statusOrder) return statusOrder[name.slice(8)];
      }
      return 1000;
    }

    function sortTables() {
      tables.forEach(function (table) {
        var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
        var column = -1;
        headers.forEach(function (th, index) {
          var active = sorting.key && th.getAttribute("data-dep-sort") === sorting.key;
          if (active) column = index;
          th.setAttribute("aria-sort", active ? (sorting.order === "desc" ? "descending" : "ascending") : "none");
        });
        var body = table.querySelector("tbody");
        if (!body) return;
        var list = Array.prototype.slice.call(body.children);
        list.forEach(function (row, index) { if (!row.hasAttribute("data-dep-place")) row.setAttribute("data-dep-place", index); });
        var direction = sorting.order === "desc" ? -1 : 1;
        list.sort(function (a, b) {
          if (column < 0) return a.getAttribute("data-dep-place") - b.getAttribute("data-dep-place");
          var result;
          if (sorting.key === "status") {
            result = statusOf(a) - statusOf(b);
          } else {
            var x = a.children[column] ? a.children[column].textContent.trim() : "";
            var y = b.children[column] ? b.children[column].textContent.trim() : "";
            result = x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
          }
          return result * direction || a.getAttribute("data-dep-place") - b.getAttribute("data-dep-place");
        });
        list.forEach(function (row) { body.appendChild(row); });
      });
    }

    function apply(state) {
      var shown = {}, all = {};
      rows.forEach(function (row) {
        var match = matches(row, state);
        row.hidden = !match;
        row.classList.toggle("dep-filtered-out", !match);
        all[key(row)] = true;
        if (match) shown[key(row)] = true;
      });
      // In the index, a group whose rows are all hidden hides its heading too.
      // A table sits in its scrolling box (.dep-table-scroll), the heading before the box.
      tables.forEach(function (table) {
        var box = table.closest(".dep-table-scroll") || table;
        var heading = box.previousElementSibling;
        if (heading && heading.classList.contains("dep-index-group")) {
          heading.hidden = !table.querySelector("tbody tr:not([hidden])");
          box.hidden = heading.hidden;
        }
      });
      var filtered = KEYS.some(function (name) { return state[name]; });
      if (count) {
        count.textContent = filtered
          ? Object.keys(shown).length + " of " + Object.keys(all).length + " shown"
          : "";
      }
    }

    function current() {
      var state = { sort: sorting.key, order: sorting.key ? sorting.order : "" };
      KEYS.forEach(function (name) { state[name] = form.elements[name] ? form.elements[name].value.trim() : ""; });
      return state;
    }

    // Column headers become buttons.
    tables.forEach(function (table) {
      Array.prototype.forEach.call(table.querySelectorAll("thead th"), function (th) {
        var name = slug(th.textContent);
        th.setAttribute("data-dep-sort", name);
        var button = document.createElement("button");
        button.type = "button";
        button.className = "dep-sort";
        button.title = "Sort by " + th.textContent.trim();
        while (th.firstChild) button.appendChild(th.firstChild);
        th.appendChild(button);
        button.addEventListener("click", function () {
          if (sorting.key === name) sorting.order = sorting.order === "asc" ? "desc" : "asc";
          else { sorting.key = name; sorting.order = "asc"; }
          sortTables();
          writeState(current());
        });
      });
    });

    // The view the address names.
    var state = readState();
    KEYS.forEach(function (name) {
      var field = form.elements[name];
      if (!field || !state[name]) return;
      if (field.tagName === "SELECT" && !field.querySelector('option[value="' + CSS.escape(state[name]) + '"]')) {
        var option = document.createElement("option");  // a value this view does not hold: shown, matching nothing
        option.value = state[name];
        option.textContent = state[name];
        field.appendChild(option);
      }
      field.value = state[name];
    });
    if (state.sort) {
      sorting.key = state.sort;
      sorting.order = state.order === "desc" ? "desc" : "asc";
      sortTables();
    }
    form.hidden = false;
    apply(current());

    form.addEventListener("input", function () { var s = current(); apply(s); writeState(s); });
    form.addEventListener("change", function () { var s = current(); apply(s); writeState(s); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      window.setTimeout(function () {
        sorting = { key: "", order: "" };
        sortTables();
        var s = current();
        apply(s);
        writeState(s);
      }, 0);
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".dep-filterable"), setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
