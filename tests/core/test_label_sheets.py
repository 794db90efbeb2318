import pytest

from refurb.core.label_sheets import next_free_place


@pytest.mark.parametrize(("start", "printed", "per_page", "following"), [
    (1, 1, 24, 2), (5, 1, 24, 6), (23, 2, 24, 1),  # the sheet is used up: a new one
    (20, 10, 24, 6),  # the run went on to a second sheet
    (1, 24, 24, 1), (3, 0, 24, 3),
])
def test_the_next_label_goes_to_the_first_free_place(start, printed, per_page, following):
    assert next_free_place(start, printed, per_page) == following


def test_a_roll_has_no_places():
    assert next_free_place(1, 7, 1, roll=True) == 1
