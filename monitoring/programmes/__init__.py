"""A school's programmes in «500+»: its концепция развития, its среднесрочная программа and an
антирисковая программа for each direction of its risk profile rated high or medium, with
measures tied to the tutors' work and indicators that move with the portal's data."""
