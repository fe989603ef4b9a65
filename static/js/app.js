// Progressive enhancement only: every page works without this file.
// Loaded in <head> without defer so the class below is set before first paint.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // Destructive actions ask first. The question comes from the server, already translated.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  // Phone menu: folds behind the toggle; Escape closes it and returns focus to the toggle.
  const toggle = document.querySelector(".nav-toggle");
  const panel = document.getElementById("navpanel");
  if (toggle && panel) {
    const setOpen = (open) => {
      panel.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    };
    toggle.addEventListener("click", () => setOpen(!panel.classList.contains("open")));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && panel.classList.contains("open")) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // Narrow screens show table rows as cards; label each cell with its column header
  // unless the template already did.
  document.querySelectorAll("table.table").forEach((table) => {
    const headers = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    if (!headers.length) return;
    table.querySelectorAll("tbody tr").forEach((row) => {
      let col = 0;
      Array.from(row.children).forEach((cell) => {
        if (!cell.hasAttribute("data-label") && headers[col] !== undefined) {
          cell.setAttribute("data-label", headers[col]);
        }
        col += cell.colSpan || 1;
      });
    });
  });

  // Forms with many optional lines (a need's items) show the lines in use plus one empty
  // line; "Add another line" reveals the next. Without JavaScript every line is shown.
  const addLabel = document.body.dataset.addLine || "+";
  const textual = "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea";
  const isBlank = (fs) => {
    if (fs.querySelector(".has-error")) return false;
    const firstSelect = fs.querySelector("select");
    if (firstSelect && firstSelect.selectedIndex > 0) return false;
    return Array.from(fs.querySelectorAll(textual)).every((el) => el.value.trim() === "");
  };
  document.querySelectorAll("form").forEach((form) => {
    const lines = Array.from(form.querySelectorAll("fieldset.need-line, fieldset[data-line]"));
    if (lines.length < 2) return;
    let shownBlank = false;
    const hidden = [];
    lines.forEach((fs) => {
      if (!isBlank(fs)) return;
      if (shownBlank) {
        fs.hidden = true;
        hidden.push(fs);
      }
      shownBlank = true;
    });
    if (!hidden.length) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn add-line";
    button.textContent = addLabel;
    lines[lines.length - 1].after(button);
    button.addEventListener("click", () => {
      const next = hidden.shift();
      if (next) {
        next.hidden = false;
        const control = next.querySelector("select, input, textarea");
        if (control) control.focus();
      }
      if (!hidden.length) button.remove();
    });
  });

  // A form submitted once stays submitted: a second tap on a slow phone connection must not
  // send the same batch or handover twice. Buttons come back if the page is shown again.
  document.querySelectorAll("form[method='post' i]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      if (form.dataset.submitting === "1") {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "1";
      form.querySelectorAll("button[type='submit'], button:not([type])").forEach((b) => {
        b.setAttribute("aria-disabled", "true");
      });
      // A response that is a download leaves this page in place: release after a while.
      window.setTimeout(() => release(form), 8000);
    });
  });
  const release = (form) => {
    delete form.dataset.submitting;
    form.querySelectorAll("[aria-disabled='true']").forEach((b) => b.removeAttribute("aria-disabled"));
  };
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("form[data-submitting]").forEach(release);
  });
});
