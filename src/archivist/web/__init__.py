"""Web: the home page now; the single-page app host and portal views later (issue 6)."""
