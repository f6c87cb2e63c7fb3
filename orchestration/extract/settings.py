"""Every threshold of the extractor in one place.

The extractor reads PDF text, which has lost the positions of words on the page, so several
of its decisions are judgements ("a label line this long is prose", "a lone integer this
close to the previous page number is a page number"). Each judgement uses one of these
settings, named for what it decides; tests may pass their own ``ExtractionSettings``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractionSettings:
    # -- lines -------------------------------------------------------------------------------
    #: a label-only line of this many words that ends a sentence (".", ":", ";") is prose
    prose_words: int = 7
    #: ... and one of this many words is prose however it ends (unless it is hyphenated)
    prose_words_unpunctuated: int = 9
    #: a label of this many words is prose even where the line ends in figures
    prose_label_words: int = 16
    #: label-only lines that may wrap into one row label before the run counts as prose
    max_pending_label_lines: int = 3
    #: before any row: a line of at least this many words, half of them lower-case, is prose
    header_prose_words: int = 9

    # -- blocks without a caption --------------------------------------------------------------
    #: an uncaptioned block is read at most this far past its first row
    max_block_lines: int = 400
    #: label-only lines above a block's first row that may be its header
    max_block_header_lines: int = 8
    #: candidates tried in one run of rows: after this many rejected candidates in a row, each
    #: starting inside the one before (each read the run from there to its end, or for
    #: max_block_lines), the scan goes on after the last of them. In a long list whose every
    #: entry could be a header (003's list of clinics) the run was read again from every entry:
    #: quadratic in its length
    max_rejected_candidates_per_run: int = 3
    #: a block's caption is the nearest numbered heading at most this far above it
    heading_search_lines: int = 400
    #: a block is kept when it has at least this many figures ...
    min_block_values: int = 2
    #: ... and at most this share of its rows had more figures than columns
    max_extra_number_rows: float = 0.25
    #: ... and at most this share of its rows could not be placed or had too many figures
    max_odd_row_share: float = 0.34
    #: a column label of a block longer than this is text, not a header
    max_column_label_words: int = 10
    #: a caption without a table body adopts a block this close below it
    detached_body_lines: int = 80
    #: this many empty lines in a row separate two things on a slide: a block's header does
    #: not reach across them, and a list of label / figure pairs ends at them
    section_gap_blank_lines: int = 3

    # -- header ----------------------------------------------------------------------------------
    #: trailing header lines that may instead be the first row's wrapped label
    max_header_label_lines: int = 3
    #: a column count must be confirmed by at least this share of full rows ...
    min_rows_confirming_columns: float = 0.15
    #: ... and at most this share of rows may have more figures than that
    max_rows_wider_than_columns: float = 0.34

    # -- cells -----------------------------------------------------------------------------------
    #: a footnote marker glued to a figure is stripped only if its footnote is defined
    #: at most this many lines below
    footnote_distance: int = 120

    # -- page furniture --------------------------------------------------------------------------
    #: a line shape (figures replaced by #) seen this often, with one page number that grows,
    #: is a running header or footer
    running_line_min_repeats: int = 3
    #: the longest line that can be a running header or footer
    running_line_max_chars: int = 90
    #: lone integers whose values grow by at most this much from one to the next, and that
    #: stand at least ``page_min_lines`` apart, are page numbers
    page_number_max_step: int = 3
    page_min_lines: int = 12

    # -- geography -------------------------------------------------------------------------------
    #: a table whose rows name at least this share of the kommuner (or regioner) promises all
    #: of them: a missing one is reported
    geography_share_for_completeness: float = 0.5


DEFAULT = ExtractionSettings()
