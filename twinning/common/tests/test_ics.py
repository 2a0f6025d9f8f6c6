"""Text made safe for iCalendar: one-line titles and longer texts, whatever they hold."""

from icalendar import Calendar, Event

from twinning.common.ics import TITLE_LIMIT, one_line, text_block


def test_ics_one_line_flattens_breaks_and_drops_controls():
    assert one_line("  A\r\nB\nC\rD\u2028E\x00F\x1b\x7fG\tH  ") == "A B C D EFG H"
    assert one_line(None) == ""
    assert one_line("\n\n") == ""


def test_ics_one_line_cuts_a_very_long_title_with_an_ellipsis():
    title = one_line("ש" * 10_000)

    assert (len(title), title[-1]) == (TITLE_LIMIT, "…")


def test_ics_text_block_keeps_lines_and_drops_controls():
    assert text_block("One\r\ntwo\x00\x07\rthree\u2029four") == "One\ntwo\nthree\nfour"


def test_ics_hostile_texts_round_trip_through_icalendar():
    hostile = ["a\nb", "\x00\x01\x02", "עברית\u202eעם היפוך", "عربي;مع,فواصل\\", "x" * 5000, "END:VCALENDAR\r\n"]
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", one_line(" / ".join(hostile)))
    for text in hostile:
        event = Event()
        event.add("summary", one_line(text))
        event.add("description", text_block(text))
        calendar.add_component(event)

    back = Calendar.from_ical(calendar.to_ical())

    assert [str(e["summary"]) for e in back.walk("VEVENT")] == [one_line(text) for text in hostile]
    assert [str(e["description"]) for e in back.walk("VEVENT")] == [text_block(text) for text in hostile]
