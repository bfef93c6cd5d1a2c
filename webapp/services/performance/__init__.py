"""Performance: the three street rates (响应率 / 解决率 / 满意率) and their rules (rates.py), and the dashboard's
counts per street, alley, department and category (dashboard.py). Calls no other service package."""
