"""Roster, nominations, orders, community and tutor plans, assignments, development routes, the library."""
