"""English dates as the portal has always printed them ("6 December 2026", ISO for the
short form), rather than Django's American defaults ("Dec. 6, 2026", "12/06/2026").
The other languages use Django's own formats for their locale."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "Y-m-d"
