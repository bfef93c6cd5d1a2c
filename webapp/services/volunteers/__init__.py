"""Volunteers and their accounts: creating users and granting roles (people.py), registration, sign-in,
passwords and invitations (accounts.py), and a volunteer's hours with the Old Neighbour rule (hours.py).
May call places."""
