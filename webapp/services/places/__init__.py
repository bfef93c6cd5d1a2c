"""Places: streets and alleys imported from geo/ and served as GeoJSON (alleys.py), what an alley has now (its
open claims, last patrol and open cases, alley_state.py), claiming and leaving alleys (claims.py) and patrols
(patrols.py). Calls no other service package."""
