"""What a visit is searched by: ``visit_search_text`` and the model keeping it."""
from app.models import Visit
from app.models.gate import PLATE_END
from app.models.gate import SEARCH_TEXT_LENGTH
from app.models.gate import WORD_END
from app.models.gate import visit_search_text


def test_the_plate_comes_first_as_phones_compare_it_then_the_words_in_upper_case():
    text = visit_search_text("Tom 李", "b-1203", "王先生", "粤b·12 345")
    assert text == "粤B12345" + PLATE_END + "TOM 李" + WORD_END + "B-1203" + WORD_END + "王先生" + WORD_END


def test_missing_parts_leave_their_marks_so_parts_never_run_together():
    assert visit_search_text(None, None, None, None) == PLATE_END + WORD_END * 3


def test_a_long_text_is_cut_after_the_plate():
    text = visit_search_text("名" * 200, "1" * 200, "主" * 200, "粤B12345")
    assert len(text) == SEARCH_TEXT_LENGTH and text.startswith("粤B12345" + PLATE_END)


def test_the_model_keeps_it_on_every_write():
    visit = Visit(visitor_name="王五", unit="1-101", plate="粤B·1")
    assert visit.search_text == visit_search_text("王五", "1-101", None, "粤B·1")
    visit.host_name = "Lin"
    visit.plate = None
    assert visit.search_text == visit_search_text("王五", "1-101", "Lin", None)
