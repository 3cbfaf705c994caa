"""Chinese first: every message in the Python and Jinja sources has a zh_CN translation.

The sources to read are those named in ``babel.cfg``; the translations are the merged
``parts/*.po`` of every feature (``app.i18n.catalogue_messages``). A message that is
missing is printed with where it is used, so that its feature can add it to its part.
"""
import re
from collections import defaultdict
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from app.i18n import TRANSLATIONS
from app.i18n import catalogue_messages

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]")


def source_messages() -> dict:
    """msgid -> ["path:line", ...] for every message babel.cfg's extractors find."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    tops = {pattern.split("/")[0] for pattern, _ in method_map}

    def only_mapped_folders(dirpath: str) -> bool:
        relative = Path(dirpath).relative_to(ROOT)
        return not relative.parts or (relative.parts[0] in tops and not relative.name.startswith((".", "_")))

    found = defaultdict(list)
    for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=only_mapped_folders):
        found[message].append(f"{filename}:{lineno}")
    return found


def test_sources_are_found():
    """Guards the test itself: the extractors must see both Python and templates."""
    found = source_messages()
    places = {where.split(":")[0].split("/")[0] for wheres in found.values() for where in wheres}
    assert {"app", "templates"} <= places
    assert "Estate Patrol" in found and "Sign in" in found


def test_every_message_has_a_chinese_translation():
    found = source_messages()
    chinese = catalogue_messages("zh_CN")
    missing = {}
    for message, wheres in found.items():
        if isinstance(message, tuple):
            # The merged catalogue keeps no plural forms, so ngettext would stay English.
            missing[" | ".join(message) + "  (plural: use gettext with a number instead)"] = wheres
        elif message not in chinese:
            missing[message] = wheres
    if missing:
        print(f"\n{len(missing)} messages without a zh_CN translation:")
        for message, wheres in sorted(missing.items(), key=lambda kv: kv[1][0]):
            print(f"  {wheres[0]}  {message!r}")
    assert not missing, f"{len(missing)} messages lack a zh_CN translation (listed above)"


def test_translations_keep_their_placeholders():
    """A msgstr that drops or renames a %(name)s would fail at run time."""
    broken = []
    for part in sorted((TRANSLATIONS / "zh_CN" / "parts").glob("*.po")):
        with part.open("rb") as fh:
            for message in read_po(fh, locale="zh_CN"):
                if not message.id or not message.string or not isinstance(message.id, str):
                    continue
                if sorted(PLACEHOLDER.findall(message.id)) != sorted(PLACEHOLDER.findall(message.string)):
                    broken.append(f"{part.name}: {message.id!r} -> {message.string!r}")
    for line in broken:
        print(line)
    assert not broken


def test_pages_speak_chinese_by_default(client):
    """The compiled catalogue is in use: a page rendered with no language chosen is Chinese."""
    text = client.get("/login").get_data(as_text=True)
    assert "登录" in text and "Sign in" not in text


def test_no_message_is_translated_two_ways():
    """Parts are merged into one catalogue: a msgid with two translations would show one at random."""
    seen: dict[str, set[tuple[str, str]]] = {}
    for part in sorted((TRANSLATIONS / "zh_CN" / "parts").glob("*.po")):
        with part.open("rb") as fh:
            for message in read_po(fh, locale="zh_CN"):
                if message.id and isinstance(message.id, str) and message.string:
                    seen.setdefault(message.id, set()).add((part.name, message.string))
    twice = {msgid: sorted(where) for msgid, where in seen.items() if len({s for _, s in where}) > 1}
    assert not twice, twice
