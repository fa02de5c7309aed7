from main import remove_negatives, top_three


def test_top_three_leaves_scores_alone():
    scores = [70, 95, 60, 88, 91]
    best = top_three(scores)
    assert best == [95, 91, 88]
    assert scores == [70, 95, 60, 88, 91]


def test_remove_negatives_changes_the_list():
    items = [3, -1, 4, -5]
    remove_negatives(items)
    assert items == [3, 4]


def test_remove_negatives_returns_nothing():
    items = [1, -2]
    assert remove_negatives(items) is None


def test_remove_negatives_in_a_row():
    items = [-1, -2, -3, 7, -4, -5, 0, 8]
    remove_negatives(items)
    assert items == [7, 0, 8]


def test_remove_negatives_keeps_the_same_list():
    items = [5, -6, 7]
    same = items
    remove_negatives(items)
    assert same == [5, 7]
    assert same is items
