"""Use cases, grouped by the parts of the work that users know. Each public function owns its transaction: it
validates, writes and commits. Routes, the CLI and the worker call these; models never commit.

The packages, each calling only those listed before it (tests/unit/test_import_graph.py keeps it so):

    performance    the street rates and the dashboard's counts
    notifications  who is told of what, the inbox, delivery by Web Push and SMS, reminders
    places         streets and alleys, claiming them, patrolling them
    volunteers     accounts, sign-in, invitations and a volunteer's hours
    cases          a problem report from filing to confirmation: the case file, triage, departments, categories
    organizing     a street's roster, teams and posts, group activities and coverage gaps
    partners       Open311 partner systems and their API keys

demo.py builds the demo street from places and volunteers.
"""
