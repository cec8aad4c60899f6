/* Forms on the handbook pages: values stay in this browser (localStorage, one key per edition and form).
   Export and import go through local files; nothing is sent anywhere. No modules, no fetch: works on file://. */
(function () {
  "use strict";

  /* Local files for the forms and the 计票 page (tally.js uses them too): nothing goes over a network. */
  var files = (window.zzshhFiles = {
    /* Run `init` on every page: after Material's instant navigation, or once the document is ready. */
    onPage: function (init) {
      if (window.document$ && typeof window.document$.subscribe === "function") {
        window.document$.subscribe(init);
      } else if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
      } else {
        init();
      }
    },
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
    /* Why the browser refused to store (a full storage, or storage blocked), in words ending in "。". */
    storageProblem: function (e) {
      var full = e && (e.name === "QuotaExceededError" || e.name === "NS_ERROR_DOM_QUOTA_REACHED" || e.code === 22);
      return full ? "浏览器的本机存储空间已满（内容太大）。" : "浏览器不允许在本机保存。";
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

  /* One key per edition and form; a form kept per member (the 登记表) adds the member (data-member). */
  function storageKey(root, member) {
    if (member === undefined) member = root.getAttribute("data-member");
    return "zzshh:" + root.getAttribute("data-year") + ":form:" + root.getAttribute("data-form-id") +
      (member ? ":" + member : "");
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

  function setStatus(root, text, problem) {
    var s = root.querySelector(".zf-status");
    if (!s) return;
    s.textContent = text;
    s.classList.toggle("zf-status--problem", !!problem);
  }

  /* True when any field differs from what the page printed (the 年度 filled in does not count). */
  function filled(form) {
    return fields(form).some(function (el) {
      return el.type === "radio" || el.type === "checkbox" ? el.checked !== el.defaultChecked : el.value !== el.defaultValue;
    });
  }

  function isObject(x) {
    return x !== null && typeof x === "object" && !Array.isArray(x);
  }

  /* Why a parsed file cannot be this form's values, or "" when it can. */
  function refusal(data, formId) {
    if (!isObject(data) || typeof data.form !== "string") {
      return "导入失败：文件不是本页“导出”的表格内容（缺少表格名称 form）。本表未作改动。";
    }
    if (data.form !== formId) {
      return "导入失败：这个文件是另一张表格（" + data.form + "）的内容，不是本表（" + formId + "）的。本表未作改动。";
    }
    if (!isObject(data.values)) {
      return "导入失败：文件中没有表格内容（values）。本表未作改动。";
    }
    var bad = Object.keys(data.values).filter(function (k) {
      var v = data.values[k];
      return typeof v !== "string" && typeof v !== "number";
    });
    if (bad.length) {
      return "导入失败：文件中的“" + bad[0] + "”不是文字或数字。本表未作改动。";
    }
    return "";
  }

  /* Store the form's values; the browser's refusal (blocked or full) is said and returned, else null. */
  function save(root, form) {
    try {
      var values = collect(form);
      if (Object.keys(values).length) {
        window.localStorage.setItem(storageKey(root), JSON.stringify(values));
      } else {
        window.localStorage.removeItem(storageKey(root));
      }
      return null;
    } catch (e) {
      setStatus(root, files.storageProblem(e) + "刷新页面后填写的内容会丢失；请用“导出”保存为文件。", true);
      return e;
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
    var member = root.getAttribute("data-member");
    var name = data.form + (member ? "-" + member : "") + "-" + data.year + ".json";
    files.download(data, name);
    setStatus(root, "已导出为文件 " + name + "。");
  }

  /* Several files at once into a per-member form: each is stored under the member named in it. */
  function importMany(root, form, input) {
    var list = Array.prototype.slice.call(input.files || []);
    var done = [];
    var bad = [];
    var next = function () {
      var file = list.shift();
      if (!file) {
        input.value = "";
        if (typeof root.zfReload === "function") root.zfReload();
        setStatus(root, (done.length ? "已导入 " + done.length + " 名党员的登记表：" + done.join("、") + "。" : "") +
          (bad.length ? "未导入：" + bad.join("；") + "。" : ""), bad.length > 0);
        return;
      }
      var reader = new FileReader();
      reader.onload = function () {
        var data = null;
        try { data = JSON.parse(String(reader.result)); } catch (e) { /* reported below */ }
        var why = data === null ? "不是导出的表格内容（JSON）" : refusal(data, root.getAttribute("data-form-id"));
        var who = data && isObject(data.values) ? String(data.values.name || "").trim() : "";
        if (!why && !who) why = "文件中没有姓名";
        if (why) {
          bad.push(file.name + "（" + why.replace(/^导入失败：/, "").replace(/本表未作改动。$/, "") + "）");
        } else {
          try {
            window.localStorage.setItem(storageKey(root, who), JSON.stringify(data.values));
            done.push(who);
          } catch (e) {
            bad.push(file.name + "（浏览器不允许在本机保存）");
          }
        }
        next();
      };
      reader.onerror = function () { bad.push(file.name + "（无法读取文件）"); next(); };
      reader.readAsText(file);
    };
    next();
  }

  function importValues(root, form, input) {
    if (input.multiple) {
      importMany(root, form, input);
      return;
    }
    files.readJson(input, function (data, name) {
      var why = refusal(data, root.getAttribute("data-form-id"));
      if (why) {
        setStatus(root, why, true);
        return;
      }
      if (filled(form) && !window.confirm("本表已有填写的内容，导入会用文件“" + name + "”中的内容替换。继续吗？")) {
        setStatus(root, "已取消导入，本表未作改动。");
        return;
      }
      var before = collect(form);
      apply(form, data.values);
      var refused = save(root, form);
      if (refused) {
        // What cannot be stored is lost on reload: keep the previous contents (still stored) and say so.
        apply(form, before);
        setStatus(root, "导入失败：" + name + " 无法保存在这个浏览器中：" + files.storageProblem(refused) +
          "本表保持导入前的内容。", true);
        return;
      }
      var pageYear = Number(root.getAttribute("data-year"));
      var year = Number(data.year);
      if (!year) {
        setStatus(root, "已导入 " + name + "。文件没有注明年度，请核对与年度有关的内容。", true);
      } else if (year !== pageYear) {
        setStatus(root, "已导入 " + name + "（" + year + "年度的内容）。注意：本页是" + pageYear +
          "年度的表格，请核对与年度有关的内容。", true);
      } else {
        setStatus(root, "已导入 " + name + "（" + year + "年度的内容）。");
      }
    }, function (problem) {
      setStatus(root, problem === "json" ? "导入失败：文件不是导出的表格内容（JSON）。本表未作改动。"
        : "导入失败：无法读取文件。", true);
    });
  }

  /* Printing: text areas grow to fit their text (print CSS uses field-sizing; this covers browsers without it). */
  function fitAreas(print) {
    if (window.CSS && CSS.supports && CSS.supports("field-sizing", "content")) return;
    Array.prototype.forEach.call(document.querySelectorAll(".zf-web textarea.zf-area"), function (el) {
      if (print) {
        el.setAttribute("data-zf-height", el.style.height);
        // Important, or the print CSS (height: auto !important) would win over the measured height.
        el.style.setProperty("height", Math.max(el.scrollHeight, el.clientHeight) + "px", "important");
      } else if (el.hasAttribute("data-zf-height")) {
        el.style.removeProperty("height");
        el.style.height = el.getAttribute("data-zf-height");
        el.removeAttribute("data-zf-height");
      }
    });
  }
  window.addEventListener("beforeprint", function () { fitAreas(true); });
  window.addEventListener("afterprint", function () { fitAreas(false); });

  function init(root) {
    if (root.getAttribute("data-zf-ready")) return;
    root.setAttribute("data-zf-ready", "1");
    var form = root.querySelector("form.zf-form");
    if (!form) return;
    restore(root, form);
    /* members.js switches a per-member form to another member: show that member's stored values. */
    root.zfReload = function () {
      apply(form, {});
      setStatus(root, "");
      restore(root, form);
      root.dispatchEvent(new CustomEvent("zf-restored"));
    };
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

  files.onPage(initAll);
})();
