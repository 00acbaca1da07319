// Platewarden console: keyboard shortcuts and the CSRF header for HTMX requests.
// No inline scripts anywhere (the pages' CSP allows only files from this folder).
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf") || "";

  document.body.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrf;
  });

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || target.isContentEditable;
  }

  // A key press activates the element marked data-shortcut="key": buttons and links are
  // clicked, fields are focused. Escape leaves a field so the next key is a shortcut again.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var element = document.querySelector('[data-shortcut="' + event.key.toLowerCase() + '"]');
    if (!element) {
      return;
    }
    event.preventDefault();
    if (element.tagName === "INPUT" || element.tagName === "SELECT") {
      element.focus();
    } else {
      element.click();
    }
  });
})();
