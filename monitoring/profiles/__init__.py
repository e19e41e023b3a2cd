"""A school's way out of low results (the federal project «500+» of ФИОКО): its curator for
the year and its risk profile, drafted with what the portal already knows about the school."""
