"""The practice plan's statements about its own tables, read and checked against the tables:
real sentences of the document, agreeing and contradicting ones, and ones that cannot be checked
(which must not be called contradicting)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import KKR, SOURCES, printed_three_times

from orchestration.extract import extract_document
from orchestration.extract.statements import _joined, _line_at, sentences


@pytest.fixture(scope="module")
def statements():
    return extract_document(SOURCES / KKR).statements


def _at(statements, line, place=None, kind=None):
    found = [
        s
        for s in statements
        if s.line == line and (place is None or s.claim.place_name == place) and (kind is None or s.claim.kind == kind)
    ]
    assert len(found) == 1, [(s.claim, s.verdict) for s in statements if s.line == line]
    return found[0]


def test_sentences_rejoin_wrapped_words_and_keep_their_lines():
    lines = [
        "Læsø Kommune har den højeste udgift pr. patient i 2023 på 1043 kr., mens Brøn-",
        "",
        "derslev Kommune har den laveste udgift pr. patient i 2023 på 801 kr. Tabel 21 viser det.",
    ]
    text, starts = _joined(lines, 0, 2)
    assert "Brønderslev Kommune" in text and _line_at(starts, text.index("derslev")) == 3
    assert [(s[:30], a, b) for s, a, b in sentences(lines, [])] == [
        ("Læsø Kommune har den højeste u", 1, 3),
        ("Tabel 21 viser det.", 3, 3),
    ]


def test_a_value_and_a_rank_that_agree(statements):
    # "Læsø Kommune har den højeste udgift pr. patient i 2023 på 1043 kr., mens Brønderslev
    # Kommune har den laveste udgift pr. patient i 2023 på 801 kr." (above Tabel 21)
    laesoe = _at(statements, 6801, "Læsø")
    assert (laesoe.claim.kind, laesoe.claim.rank, laesoe.claim.year, laesoe.claim.stated) == (
        "value",
        "highest",
        2023,
        Decimal(1043),
    )
    assert (laesoe.table, laesoe.verdict, laesoe.table_raw, laesoe.table_line) == ("21", "agrees", "1.043 kr.", 6816)
    broenderslev = _at(statements, 6801, "Brønderslev")
    assert (broenderslev.claim.rank, broenderslev.verdict, broenderslev.table_raw) == ("lowest", "agrees", "801 kr.")


def test_changes_agree_with_the_printed_udvikling(statements):
    # "Hjørring Kommune har det største fald på -7%, mens Vesthimmerlands Kommune har den
    # største stigning i udgifter på 19%. Regionens udgifter er samlet set steget med 1% fra 2019 til 2023."
    hjoerring = _at(statements, 6714, "Hjørring")
    assert (hjoerring.claim.kind, hjoerring.claim.rank, hjoerring.claim.stated) == ("change", "lowest", Decimal(-7))
    assert (hjoerring.table, hjoerring.verdict, hjoerring.table_raw) == ("19", "agrees", "-7%")
    region = _at(statements, 6718, "Region Nordjylland")
    assert (region.claim.period_from, region.claim.period_to, region.verdict, region.table_raw) == (
        2019,
        2023,
        "agrees",
        "1%",
    )
    # "I Aalborg og Rebild Kommuner ses et fald ... på hhv. -9% og -5%": one claim each
    assert [(s.claim.place_name, s.claim.stated, s.verdict) for s in statements if s.line == 7678] == [
        ("Aalborg", Decimal(-9), "agrees"),
        ("Rebild", Decimal(-5), "agrees"),
    ]
    # two places ranked together: "Vesthimmerlands og Rebild Kommuner har set den største
    # stigning i udgifterne på hhv. 15% og 16%" is not contradicted by Rebild's 16% > 15%
    assert {s.verdict for s in statements if s.line == 7100 and s.claim.place_name in ("Vesthimmerland", "Rebild")} == {
        "agrees"
    }


def test_counts_that_contradict_their_table(statements):
    # "Seks kommuner har en udgiftsvækst": Tabel 43 shows seven kommuner with a positive
    # Udvikling 19-23 (Brønderslev, Frederikshavn, Hjørring, Jammerbugt 1%, Mariagerfjord, Thisted,
    # Vesthimmerland)
    seks = _at(statements, 7674, kind="count")
    assert (seks.table, seks.claim.stated, seks.table_value, seks.verdict) == ("43", 6, 7, "contradicts")
    assert seks.reason == "in Tabel 43, 7 of the 10 kommuner grow"
    # "hvoraf der i seks kommuner har været stigninger på mellem 155% og 38%": Tabel 51 has four
    # (Mariagerfjord 41%, Morsø 155%, Rebild 39%, Vesthimmerlands 62%); five grew by more
    seks_51 = _at(statements, 7992, kind="count")
    assert (seks_51.table, seks_51.table_value, seks_51.verdict) == ("51", 4, "contradicts")
    # "De fleste kommuner (i alt 9) har oplevet et fald ...": Tabel 35 agrees
    ni = _at(statements, 7334, kind="count")
    assert (ni.table, ni.claim.stated, ni.verdict) == ("35", 9, "agrees")


def test_what_cannot_be_checked_is_said_and_never_called_contradicting(statements):
    # "Region Nordjylland ... har dermed den laveste udgift pr. patient blandt de fem regioner
    # (tabel 20 i bilag 1)": no year is said, and Tabel 20 has four
    assert (_at(statements, 6033).verdict, _at(statements, 6033).reason) == ("not_checkable", "no year stated")
    # "Udgiften pr. behandlet patient ... er steget 6% fra 2019- 2023 (tabel 21 i bilag 1)":
    # checked against the Tabel 21 it names (of Bilag 1, not the annex's), and it agrees
    named = _at(statements, 6031)
    assert (named.table, named.verdict, named.table_raw) == ("21", "agrees", "6%")
    # "to kommuner oplever større fald" (line 6179) names no table and stands 500 lines above
    # the next one: it is not read as a statement about a table
    assert not [s for s in statements if s.line == 6179]
    assert all(s.reason for s in statements if s.verdict == "not_checkable")
    counts = {v: sum(1 for s in statements if s.verdict == v) for v in ("agrees", "contradicts", "not_checkable")}
    assert counts == {"agrees": 82, "contradicts": 3, "not_checkable": 6}


def test_second_ranks(statements):
    # "Region Nordjylland tegner sig for den næstlaveste vækst med 24%" (Tabel 48): it is
    assert (
        _at(statements, 7850, "Region Nordjylland").claim.rank,
        _at(statements, 7850, "Region Nordjylland").verdict,
    ) == ("second_lowest", "agrees")
    # "Det ses, at Region Nordjylland har den næstlaveste udgift pr. patient i alle årene og
    # placerer sig under landsgennemsnittet": in Tabel 30 it is the second highest in every year
    t30 = _at(statements, 7154)
    assert (t30.table, t30.verdict) == ("30", "contradicts")
    assert t30.reason.startswith(
        "Region Nordjylland (11616) is not the second lowest: Region Sjælland 9698, "
        "Region Syddanmark 10588, Region Hovedstaden 11279 in 2020"
    )


def test_a_figure_changed_in_the_table_turns_the_statement_into_a_contradiction(tmp_path):
    """Perturbed: Læsø's 2023 figure in Tabel 21 printed 1.143 kr.: the sentence above it
    ("på 1043 kr.") now contradicts the table, and says how."""
    text = (SOURCES / KKR).read_text(encoding="utf-8")
    assert text.count("Læsø 898 kr. 949 kr. 1.207 kr. 968 kr. 1.043 kr. 16%") == 1
    doc = tmp_path / KKR
    doc.write_text(
        text.replace(
            "Læsø 898 kr. 949 kr. 1.207 kr. 968 kr. 1.043 kr. 16%",
            "Læsø 898 kr. 949 kr. 1.207 kr. 968 kr. 1.143 kr. 16%",
        ),
        encoding="utf-8",
    )
    laesoe = _at(extract_document(doc).statements, 6801, "Læsø")
    assert laesoe.verdict == "contradicts"
    assert laesoe.reason == "the table prints 1.143 kr. for Læsø in 2023"


def test_the_plan_printed_three_times_states_the_same_three_times(tmp_path, statements):
    """Reissued: the practice plan three times in one file. Each copy's sentences are checked
    against its own copy's tables (the table below a sentence, or the nearest one it names),
    with the same verdicts, on lines moved by a copy's length."""
    doc, shift = printed_three_times(KKR, tmp_path)

    def key(s):
        return s.line, s.clause, s.verdict, s.table, s.table_value, s.table_line

    once = [key(s) for s in statements]
    thrice = [key(s) for s in extract_document(doc).statements]
    assert len(once) == 91 and len(thrice) == 3 * len(once)
    for k in range(3):
        moved = [
            (line + k * shift, clause, verdict, table, value, None if at is None else at + k * shift)
            for line, clause, verdict, table, value, at in once
        ]
        assert thrice[k * len(once) : (k + 1) * len(once)] == moved
