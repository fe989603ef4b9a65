// Import progress on the job page. Progressive enhancement: without it the confirm form
// posts normally and the page comes back when the import has finished.
document.addEventListener("DOMContentLoaded", () => {
  const out = document.getElementById("import-progress");
  if (!out) return;
  const show = (s) => {
    out.textContent = out.dataset.template
      .replace("{done}", String(s.done_rows)).replace("{total}", String(s.good_rows));
  };
  let timer = null;
  const poll = () => {
    fetch(out.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : null))
      .then((s) => {
        if (!s) return;
        show(s);
        if (s.status !== "importing" && out.dataset.status === "importing") window.location.reload();
      })
      .catch(() => {});
  };
  const start = () => { if (!timer) timer = window.setInterval(poll, 1000); };
  if (out.dataset.status === "importing") start();

  // Confirm in the background so this page stays and shows "n of N rows" meanwhile.
  const form = document.getElementById("import-confirm");
  if (!form || !window.fetch || !window.FormData) return;
  form.addEventListener("submit", (event) => {
    if (event.defaultPrevented) return; // the "ask first" question was declined
    event.preventDefault();
    form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    out.dataset.status = "confirming";
    start();
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then((r) => { window.location.assign(r.url || window.location.href); })
      .catch(() => { window.location.reload(); });
  });
});
