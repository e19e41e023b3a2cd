"""Roster, nominations, orders, community and tutor plans, assignments, the library."""
