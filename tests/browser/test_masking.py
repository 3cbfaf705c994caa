"""The phone masks as the server does: the shared table run by the phone's own module."""
import json
from pathlib import Path

CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "masking_cases.json").read_text("utf-8"))["cases"]

RUN_CASES = """async (cases) => {
  const util = await import('/static/js/lib/util.js');
  return cases.map((c) => ({ ...c, got: util.maskAs(c.kind, c.value) }));
}"""


def test_the_phone_masks_every_shared_case_as_the_server(context):
    page = context.new_page()
    page.goto("/m/login")
    results = page.evaluate(RUN_CASES, CASES)
    wrong = [f"{r['kind']} {r['value']!r}: {r['got']!r} (expected {r['masked']!r})" for r in results
             if r["got"] != r["masked"]]
    assert len(results) == len(CASES)
    assert not wrong, "\n".join(wrong)


def test_the_helpers_the_screens_use_agree(context):
    page = context.new_page()
    page.goto("/m/login")
    got = page.evaluate("""async () => {
      const u = await import('/static/js/lib/util.js');
      return [u.maskPhone('+86 138 1234 5678'), u.maskPhone('1234567'), u.maskIdNumber('E12345678'),
              u.maskIdNumber('110101199001061234'), u.maskPlate('粤B12345')];
    }""")
    assert got == ["138****5678", "***4567", "E1***5678", "110101********1234", "粤B***45"]
