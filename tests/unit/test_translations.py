"""Chinese is the default and complete: every user-facing text in the code has a zh_Hans translation."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "webapp" / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
METHODS = [("webapp/**.py", "python"), ("webapp/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _texts_in_code() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=METHODS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_text_in_the_code_is_translated_to_chinese():
    with CATALOG.open("rb") as po:
        catalog = read_po(po)
    # A plural message is known by its singular and translated when each of its forms is (zh_Hans has one).
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                  if m.id and m.string and all(m.string if isinstance(m.string, tuple) else [m.string])
                  and not m.fuzzy}
    missing = sorted(_texts_in_code() - translated)
    assert not missing, "untranslated (run `make update-translations` and translate): " + "; ".join(missing)


def test_the_catalog_is_not_fuzzy_so_it_compiles():
    with CATALOG.open("rb") as po:
        assert not read_po(po).fuzzy
