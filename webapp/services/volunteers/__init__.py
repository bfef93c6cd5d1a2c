"""Volunteers and their accounts: creating users and granting roles (people.py), registration, sign-in,
passwords and invitations (accounts.py), a volunteer's hours with the Old Neighbour rule (hours.py) and what
volunteers and teams achieved with the problems they met (achievements.py). May call places, and performance for
its Period."""
