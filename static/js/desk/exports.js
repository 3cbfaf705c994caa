// Office downloads that show how far they have come. A link marked data-export (the lists'
// "导出" and the paper forms' "下载", templates/office/_macros.html) is fetched here instead
// of followed: its body is read as it arrives and the progress shown beside the link — rows
// of a CSV against the server's X-Export-Rows, bytes of an XLSX against its Content-Length,
// or only "exporting" when neither is known — then the file is saved under the name the
// server gave it. A failed export says so in words and the page stays as it was. The words
// come translated on this script's tag (templates/office/_layout.html); without the script
// the link downloads as any link does.
(() => {
  const script = document.currentScript;
  const count = new Intl.NumberFormat("zh-CN");
  const LF = 10;

  function say(key, values = {}) {
    return (script.dataset[key] || "").replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
  }

  class Failure extends Error {}

  function fileName(disposition, fallback) {
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition || "");
    if (encoded) {
      try { return decodeURIComponent(encoded[1]); } catch (error) { /* the plain name then */ }
    }
    const plain = /filename="?([^";]+)"?/i.exec(disposition || "");
    return plain ? plain[1] : fallback;
  }

  // One progress per group of links (Excel and CSV side by side), placed after the group.
  function progressBeside(link) {
    let last = link;
    while (last.nextElementSibling && last.nextElementSibling.matches("a[data-export]")) last = last.nextElementSibling;
    let box = last.nextElementSibling;
    if (!box || !box.classList.contains("export-progress")) {
      box = document.createElement("span");
      box.className = "export-progress";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      box.append(document.createElement("progress"), document.createElement("span"));
      last.after(box);
    }
    return { box, bar: box.querySelector("progress"), text: box.querySelector("span") };
  }

  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  async function download(link) {
    const { box, bar, text } = progressBeside(link);
    box.classList.remove("failed", "finished");
    bar.hidden = false;
    bar.removeAttribute("value");
    text.textContent = say("busy");
    link.setAttribute("aria-busy", "true");
    try {
      let response;
      try {
        response = await fetch(link.href, { credentials: "same-origin" });
      } catch (error) {
        throw new Failure(say("network"));
      }
      if (!response.ok) throw new Failure(say("http", { status: response.status }));
      const type = response.headers.get("Content-Type") || "";
      if (type.startsWith("text/html")) {
        // The page answered instead of a file (a message about the filters, or signing in again).
        window.location.assign(link.href);
        return;
      }
      const csv = type.startsWith("text/csv");
      const rowsHeader = response.headers.get("X-Export-Rows");
      const lengthHeader = response.headers.get("Content-Length");
      const total = csv && rowsHeader !== null ? Number(rowsHeader) : null;
      const size = !csv && lengthHeader !== null ? Number(lengthHeader) : null;
      const parts = [];
      let bytes = 0;
      let lines = 0;
      const rows = () => Math.max(0, lines - 1); // the header is the first line
      const reader = response.body.getReader();
      for (;;) {
        let chunk;
        try {
          chunk = await reader.read();
        } catch (error) {
          throw new Failure(say("network"));
        }
        if (chunk.done) break;
        const value = chunk.value;
        parts.push(value);
        bytes += value.length;
        if (csv) for (let i = 0; i < value.length; i += 1) if (value[i] === LF) lines += 1;
        if (total !== null) {
          const done = Math.min(rows(), total);
          bar.max = Math.max(total, 1);
          bar.value = done;
          text.textContent = say("rows", { done: count.format(done), total: count.format(total) });
        } else if (csv) {
          text.textContent = say("lines", { done: count.format(rows()) });
        } else if (size) {
          const percent = Math.min(100, Math.floor((bytes * 100) / size));
          bar.max = 100;
          bar.value = percent;
          text.textContent = say("percent", { percent });
        }
      }
      if (total !== null && rows() < total) {
        throw new Failure(say("short", { done: count.format(rows()), total: count.format(total) }));
      }
      const name = fileName(response.headers.get("Content-Disposition"), "export");
      save(new Blob(parts, { type }), name);
      bar.max = 1;
      bar.value = 1;
      box.classList.add("finished");
      text.textContent = csv ? say("savedRows", { name, rows: count.format(total ?? rows()) })
        : say("saved", { name });
    } catch (error) {
      box.classList.add("failed");
      bar.hidden = true;
      text.textContent = error instanceof Failure ? error.message : say("network");
    } finally {
      link.removeAttribute("aria-busy");
    }
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-export]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // the browser's own way
    if (!window.fetch || !window.ReadableStream) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") !== "true") download(link);
  });
})();
