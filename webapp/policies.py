"""Who may do what: one can_<verb>_<noun>(user, obj=None) -> bool per action, used by every route."""


def can_view_map(user, street=None) -> bool:
    # Street boundaries and alley centrelines are public information: anyone may see the map.
    return True
