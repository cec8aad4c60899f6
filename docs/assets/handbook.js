/* Handbook helpers: checklist ticks kept in localStorage, and the checklist toolbar.
 * Plain ES2017, no modules and no network requests, so it works on http://127.0.0.1 and on file://.
 */
(function () {
  "use strict";

  var STORE_PREFIX = "zzshh-handbook:ticks";

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }

  /* Storage key: edition year + page source path (stable across http:// and file://). */
  function storageKey() {
    var year = meta("handbook-edition") || "unknown";
    var page = meta("handbook-page") || location.pathname;
    return STORE_PREFIX + ":" + year + ":" + page;
  }

  /* localStorage may be missing or throw (privacy modes, some file:// setups); ticks then simply do not persist. */
  function load(key) {
    try {
      var raw = window.localStorage.getItem(key);
      var list = raw ? JSON.parse(raw) : [];
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }

  function save(key, indices) {
    try {
      if (indices.length) {
        window.localStorage.setItem(key, JSON.stringify(indices));
      } else {
        window.localStorage.removeItem(key);
      }
    } catch (e) {
      /* nothing to do: the page still works without persistence */
    }
  }

  function checkboxes(root) {
    return Array.prototype.slice.call(root.querySelectorAll(".task-list-item input[type=checkbox]"));
  }

  /* pymdownx.tasklist puts only the box in the label and the text after it: the box has no name and the
   * text is not clickable. Move the item's own text (not a nested list) into the label. */
  function labelItems(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".task-list-item > label.task-list-control"), function (label) {
      var node = label.nextSibling;
      while (node && !(node.nodeType === 1 && /^(UL|OL)$/.test(node.nodeName))) {
        var next = node.nextSibling;
        label.appendChild(node);
        node = next;
      }
    });
  }

  function collect(boxes) {
    var out = [];
    boxes.forEach(function (box, i) {
      if (box.checked) out.push(i);
    });
    return out;
  }

  function button(label, cls, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button " + cls;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function init() {
    var article = document.querySelector("article.md-content__inner") || document.body;
    if (article.getAttribute("data-handbook-ready") === "1") return;
    var boxes = checkboxes(article);
    if (!boxes.length) return;
    labelItems(article);
    article.setAttribute("data-handbook-ready", "1");

    var key = storageKey();
    var ticked = load(key);
    boxes.forEach(function (box, i) {
      box.checked = ticked.indexOf(i) !== -1;
      box.addEventListener("change", function () {
        save(key, collect(boxes));
        updateCount();
      });
    });

    var bar = document.createElement("div");
    bar.className = "checklist-toolbar";
    var count = document.createElement("span");
    count.className = "checklist-count";
    function updateCount() {
      count.textContent = "已完成 " + collect(boxes).length + " / " + boxes.length + " 项";
    }
    bar.appendChild(count);
    bar.appendChild(
      button("清除勾选", "checklist-clear", function () {
        if (!collect(boxes).length) return;
        boxes.forEach(function (box) {
          box.checked = false;
        });
        save(key, []);
        updateCount();
      })
    );
    bar.appendChild(
      button("打印清单", "checklist-print", function () {
        window.print();
      })
    );
    updateCount();

    var h1 = article.querySelector("h1");
    if (h1 && h1.parentNode) {
      h1.parentNode.insertBefore(bar, h1.nextSibling);
    } else {
      article.insertBefore(bar, article.firstChild);
    }
  }

  /* The theme's search reads the box on key release only: pasted, dictated or IME-committed text found
   * nothing until another key was pressed. Any change of the text now runs the search. */
  document.addEventListener("input", function (ev) {
    var box = ev.target;
    if (box && box.matches && box.matches("input.md-search__input")) {
      box.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
    }
  });

  /* Material's document$ fires on every page view (also with instant navigation); fall back to DOM ready. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
