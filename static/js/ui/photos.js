/** A "take photo" control: scales each photo at once and shows thumbnails until saved. */
import { t } from "../lib/i18n.js";
import { scalePhoto } from "../lib/photos.js";
import { StorageFullError } from "../lib/storage.js";
import { h, notice } from "./dom.js";

/** ``key`` keeps the control's id apart where a screen shows several (one per order). */
export function photoPicker(name = "photos", key = "") {
  const photos = [];
  const thumbs = h("div", { class: "photos", "aria-live": "polite" });
  const message = h("div");
  const input = h("input", { type: "file", name, accept: "image/*", capture: "environment", multiple: true,
    class: "visually-hidden", id: `${name}${key ? `-${key}` : ""}-input` });
  const label = h("label", { for: input.id, class: "button block" }, t("Take photo"));
  input.addEventListener("change", async () => {
    message.replaceChildren();
    for (const file of [...input.files]) {
      try {
        const photo = await scalePhoto(file);
        photos.push(photo);
        thumbs.append(h("img", { src: URL.createObjectURL(photo.blob), alt: t("Photo %(n)s", { n: photos.length }) }));
      } catch (err) {
        const text = err instanceof StorageFullError ? err.message : t("This photo could not be read. Take it again.");
        message.append(notice(text, "error"));
      }
    }
    input.value = "";
  });
  const element = h("div", { class: "field" }, input, label, message, thumbs);
  return {
    element,
    photos: () => photos.slice(),
    clear: () => { photos.length = 0; thumbs.replaceChildren(); message.replaceChildren(); },
  };
}
