/* Forms on the handbook pages: values stay in this browser (localStorage, one key per edition and form).
   Export and import go through local files; nothing is sent anywhere. No modules, no fetch: works on file://. */
(function () {
  "use strict";

  /* Local files for the forms and the 计票 page (tally.js uses them too): nothing goes over a network. */
  var files = (window.zzshhFiles = {
    download: function (data, name) {
      var blob = new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = name;
      document.body.appendChild(a);
      a.click();
      setTimeout(function () {
        URL.revokeObjectURL(a.href);
        a.remove();
      }, 1000);
    },
    /* Reads the chosen file as JSON: onData(data, fileName), or onError("json" | "read", fileName). */
    readJson: function (input, onData, onError) {
      var file = input.files && input.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () {
        var data;
        try {
          data = JSON.parse(String(reader.result));
        } catch (e) {
          onError("json", file.name);
          return;
        }
        onData(data, file.name);
      };
      reader.onerror = function () { onError("read", file.name); };
      reader.readAsText(file);
      input.value = "";
    }
  });

  function storageKey(root) {
    return "zzshh:" + root.getAttribute("data-year") + ":form:" + root.getAttribute("data-form-id");
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "button";
    });
  }

  function collect(form) {
    var out = {};
    fields(form).forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) out[el.name] = el.value;
      } else if (el.value !== "") {
        out[el.name] = el.value;
      }
    });
    return out;
  }

  function apply(form, values) {
    fields(form).forEach(function (el) {
      // A field missing from the values goes back to what the page printed (e.g. the 年度 filled in).
      var has = Object.prototype.hasOwnProperty.call(values, el.name);
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = has ? String(values[el.name]) === el.value : el.defaultChecked;
      } else {
        el.value = has ? String(values[el.name]) : el.defaultValue;
      }
    });
  }

  function setStatus(root, text) {
    var s = root.querySelector(".zf-status");
    if (s) s.textContent = text;
  }

  function save(root, form) {
    try {
      var values = collect(form);
      if (Object.keys(values).length) {
        window.localStorage.setItem(storageKey(root), JSON.stringify(values));
      } else {
        window.localStorage.removeItem(storageKey(root));
      }
    } catch (e) {
      setStatus(root, "浏览器不允许在本机保存，刷新页面后填写的内容会丢失；请用“导出”保存为文件。");
    }
  }

  function restore(root, form) {
    try {
      var raw = window.localStorage.getItem(storageKey(root));
      if (raw) {
        apply(form, JSON.parse(raw));
        setStatus(root, "已恢复上次在这台电脑上填写的内容。");
      }
    } catch (e) {
      /* Storage blocked or damaged: start with an empty form. */
    }
  }

  function exportValues(root, form) {
    var data = {
      form: root.getAttribute("data-form-id"),
      year: Number(root.getAttribute("data-year")),
      values: collect(form)
    };
    var name = data.form + "-" + data.year + ".json";
    files.download(data, name);
    setStatus(root, "已导出为文件 " + name + "。");
  }

  function importValues(root, form, input) {
    files.readJson(input, function (data, name) {
      if (data && data.form && data.form !== root.getAttribute("data-form-id")) {
        setStatus(root, "导入失败：这个文件是另一张表格（" + data.form + "）的内容。");
        return;
      }
      apply(form, (data && data.values) || {});
      save(root, form);
      setStatus(root, "已导入 " + name + "。");
    }, function (problem) {
      setStatus(root, problem === "json" ? "导入失败：文件不是导出的表格内容（JSON）。" : "导入失败：无法读取文件。");
    });
  }

  function init(root) {
    if (root.getAttribute("data-zf-ready")) return;
    root.setAttribute("data-zf-ready", "1");
    var form = root.querySelector("form.zf-form");
    if (!form) return;
    restore(root, form);
    form.addEventListener("input", function () { save(root, form); });
    form.addEventListener("change", function () { save(root, form); });
    root.querySelector(".zf-print").addEventListener("click", function () { window.print(); });
    root.querySelector(".zf-export").addEventListener("click", function () { exportValues(root, form); });
    var input = root.querySelector(".zf-import");
    input.addEventListener("change", function () { importValues(root, form, input); });
    root.querySelector(".zf-clear").addEventListener("click", function () {
      if (!window.confirm("清空本表在这台电脑上保存的全部内容？此操作不能撤销。")) return;
      apply(form, {});
      save(root, form);
      setStatus(root, "已清空。");
    });
  }

  function initAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".zf-web[data-form-id]"), init);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(initAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
