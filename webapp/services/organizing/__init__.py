"""Organizing a street's volunteers: the roster with profiles, approval, roles and deactivation (roster.py), the
roster as CSV/xlsx files (roster_files.py), teams and service posts (teams.py), group activities
(activities.py), the read queries of the organizer's pages (listings.py) and coverage gaps (coverage.py).
May call volunteers, places and notifications."""
