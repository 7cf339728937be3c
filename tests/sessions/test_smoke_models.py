from sessions.models import Tip
from sessions.selectors.placemat import placemat
from tests.factories import TipFactory


def test_factories_build_a_placemat(case):
    TipFactory(case=case)
    mat = placemat(case)
    assert [c.key for c in mat.columns] == ["client-en-netwerk", "informeel", "formeel"]
    assert len(mat.rows) == 2
    assert Tip.objects.count() == 1
