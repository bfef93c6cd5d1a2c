"""Places: streets and alleys imported from geo/ and served as GeoJSON (alleys.py), what an alley has now (its
open claims, last patrol and open cases, alley_state.py), claiming and leaving alleys (claims.py), patrols
(patrols.py), and the shops along alleys with their 门前三包 checks and breaches (frontage.py). Calls no other
service package."""
