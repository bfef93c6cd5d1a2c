"""Cases (一事一案): filing a report (reports.py), every later step of the case file (transitions.py), the chief's
queue (triage.py), a department officer's whistles (department_work.py), the report categories
(categories.py) and patrol findings, the cases a patrol raised (findings.py). May call performance,
notifications, places and volunteers."""
