"""A phone in the browser tests: a Playwright page that knows the app's screens and stores."""
import json
import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout

PASSWORD = "demo1234"
SCREENS = {"home": "/m/", "login": "/m/login", "patrol": "/m/patrol", "gate": "/m/gate",
           "stock": "/m/stock", "complaints": "/m/complaints", "repairs": "/m/repairs", "followups": "/m/followups",
           "sync": "/m/sync", "notifications": "/m/notifications"}

DUMP_JS = """async (stores) => {
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open("estate-phone");
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const out = {};
  for (const name of stores) {
    if (!db.objectStoreNames.contains(name)) { out[name] = []; continue; }
    const tx = db.transaction(name);
    const store = tx.objectStore(name);
    const [keys, values] = await Promise.all([
      new Promise((res) => { const q = store.getAllKeys(); q.onsuccess = () => res(q.result); }),
      new Promise((res) => { const q = store.getAll(); q.onsuccess = () => res(q.result); }),
    ]);
    out[name] = values.map((v, i) => {
      if (v && v.blob instanceof Blob) return { ...v, blob: { size: v.blob.size, type: v.blob.type } };
      return name === "meta" ? { key: keys[i], value: v } : v;
    });
  }
  db.close();
  return out;
}"""

STORES = ["outbox", "attention", "refdata", "meta", "photos", "records", "drafts", "visitors"]


class Phone:
    def __init__(self, page, server):
        self.page = page
        self.server = server
        self.errors = []
        page.on("pageerror", lambda err: self.errors.append(str(err)))

    # -- navigation -------------------------------------------------------------------
    def open(self, screen: str, wait: bool = True):
        self.page.goto(SCREENS[screen])
        if wait:
            self.ready()
        return self.page

    def ready(self):
        """The screen has rendered from IndexedDB (its loading line is gone)."""
        self.page.wait_for_function("!document.querySelector('#screen .loading')", timeout=15000)

    def wait_controlled(self):
        """The service worker has installed (precaching every file) and controls the page.

        On a loaded machine an install has now and then not taken control of the open page
        within 90 s; the app is then opened again, as a guard would, and the worker
        (installed by then, or installing anew) takes it over.
        """
        script = "navigator.serviceWorker && navigator.serviceWorker.controller !== null"
        try:
            self.page.wait_for_function(script, timeout=45000)
        except PlaywrightTimeout:
            self.page.reload()
            self.ready()
            self.page.wait_for_function(script, timeout=60000)

    def wait_precached(self):
        """Every URL of the worker's list is in its cache."""
        self.page.wait_for_function("""async () => {
          const reg = await navigator.serviceWorker.ready;
          if (!reg.active) return false;
          const names = (await caches.keys()).filter((n) => n.startsWith('estate-phone-'));
          if (names.length !== 1) return false;
          const keys = await (await caches.open(names[0])).keys();
          return keys.length >= 30;
        }""", timeout=90000, polling=250)

    def installed(self):
        """The app is installed as after a phone's first visit: the worker controls the page
        and holds every file, so that it opens with the network gone."""
        self.wait_controlled()
        self.wait_precached()

    def offline(self):
        """Installed, then the network gone and the server down: a guard's usual state."""
        self.installed()
        self.server.stop()
        self.page.context.set_offline(True)

    def online(self):
        self.page.context.set_offline(False)
        self.server.start()

    # -- session ----------------------------------------------------------------------
    def sign_in(self, username: str, password: str = PASSWORD, expect_home: bool = True):
        self.open("login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("#login-form button[type=submit]")
        if expect_home:
            self.page.wait_for_url(re.compile(r".*/m/$"), timeout=30000)
            self.ready()

    def sync(self) -> dict:
        """Run the app's own sync client once (after any run under way) and return its result."""
        return self.page.evaluate("""async () => {
          const sync = await import('/static/js/lib/sync.js');
          if (sync.isRunning()) await sync.syncNow('wait');
          return sync.syncNow('test');
        }""")

    def sync_until_empty(self, attempts: int = 30) -> int:
        for _ in range(attempts):
            self.sync()
            if not self.outbox():
                return 0
        return len(self.outbox())

    # -- the stores -------------------------------------------------------------------
    def dump(self, stores=None) -> dict:
        return self.page.evaluate(DUMP_JS, stores or STORES)

    def outbox(self) -> list:
        return self.dump(["outbox"])["outbox"]

    def meta(self, key):
        for row in self.dump(["meta"])["meta"]:
            if row["key"] == key:
                return row["value"]
        return None

    def outbox_text(self) -> str:
        return json.dumps(self.outbox(), ensure_ascii=False)

    def dump_text(self) -> str:
        return json.dumps(self.dump(), ensure_ascii=False)

    def set_request_timeout(self, ms: int):
        self.page.evaluate("""(ms) => import('/static/js/lib/db.js').then((m) => m.setMeta('request_timeout_ms', ms))""", ms)

    # -- recording --------------------------------------------------------------------
    def wait_saved(self):
        """A new "已保存" toast; the one seen is put away so the next wait needs a new one."""
        self.page.wait_for_selector("#toast:not([hidden]):has-text('已保存')", timeout=15000)
        self.page.evaluate("document.getElementById('toast').hidden = true")

    def badge_waiting(self) -> int:
        self.page.wait_for_function("document.getElementById('sync-badge').dataset.waiting !== undefined")
        return int(self.page.get_attribute("#sync-badge", "data-waiting"))

    def start_stock_check(self, size: str = "5"):
        """A check of ``size`` items begun; the first item to count, its id and its book quantity."""
        self.open("stock")
        self.page.click(f"label[for=size-{size}]")
        self.page.click("#stock-start button[type=submit]")
        self.wait_saved()
        first = self.page.locator("#count-items li").first
        item_id = first.get_attribute("data-item")
        book = next(r["data"]["book_qty"] for r in self.dump(["refdata"])["refdata"]
                    if r["type"] == "item" and r["id"] == item_id)
        return first, item_id, book

    def register_visitor(self, name: str, purpose: str = "delivery", unit: str | None = None,
                         phone: str | None = None, id_number: str | None = None, plate: str | None = None):
        page = self.page
        self.open("gate")
        page.fill("#checkin-form input[name=visitor_name]", name)
        page.click(f"#checkin-form label[for=purpose-{purpose}]")
        if unit:
            page.fill("#checkin-form input[name=unit]", unit)
        if phone:
            page.fill("#checkin-form input[name=phone]", phone)
        if id_number:
            page.fill("#checkin-form input[name=id_number]", id_number)
            page.press("#checkin-form input[name=id_number]", "Tab")
        if plate:
            page.fill("#checkin-form input[name=plate]", plate)
        page.click("#checkin-submit")
        self.wait_saved()
