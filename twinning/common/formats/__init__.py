"""Date and time formats the project defines where Django's own locale leaves a gap.

Django looks here first (``FORMAT_MODULE_PATH`` in settings), then in its own locale files, so a
module here names only what it changes. Arabic, in Django, has no date-time formats and a 12-hour
``TIME_FORMAT``: a date-time fell back to the American "m/d/Y" with "a.m.", so 6 December read as
12 June. Hebrew's formats in Django are already day-first with the 24-hour clock.
"""
