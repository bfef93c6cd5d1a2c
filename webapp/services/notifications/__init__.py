"""Notifications: who is told of what, written beside the change that caused it (outbox.py), what a message says
(messages.py), the worker that delivers by Web Push and SMS (delivery.py), devices and preferences
(subscriptions.py), and reminders to volunteers (reminders.py). Calls no other service package."""
